"""The education office's dashboard: figures, charts, exports, and the rollups behind them.

Importing the package connects the rollups' receivers to the training and exchange signals
(the app factory imports it with the blueprints), so any code that builds the app keeps the
rollups exact.
"""

from eduplatform.dashboard import rollups  # noqa: F401 - connects the receivers
