"""Training events for areas downstream of training (the dashboard keeps its figures with them).

Each signal is sent inside the transaction that makes the change, before the commit, with the
changed object as sender and the `session` as keyword: a receiver may add to that transaction,
never commit it. Training imports nothing of its receivers.
"""

from blinker import Namespace

_signals = Namespace()

completion_logged = _signals.signal("completion-logged")  # sender: UnitCompletion
completion_reviewed = _signals.signal("completion-reviewed")  # + old_status, new_status
certificate_issued = _signals.signal("certificate-issued")  # sender: Certificate
certificate_revoked = _signals.signal("certificate-revoked")  # sender: Certificate
