"""Exchange events for areas downstream of the exchange (the dashboard keeps its figures with them).

`activity_changed` is sent inside the transaction that changes an activity or its participants,
before the commit, with the activity as sender and the `session` as keyword: a receiver may add to
that transaction, never commit it.
"""

from blinker import Namespace

_signals = Namespace()

activity_changed = _signals.signal("activity-changed")  # sender: ExchangeActivity
