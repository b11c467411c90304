"""In-app notifications with email copies, written after the change they report is committed.

Importing the package connects the receivers of the training area's events (the app factory
imports it with the blueprints), so any code that builds the app notifies people.
"""

from eduplatform.notifications import receivers  # noqa: F401 - connects the receivers
