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
# Asked, not told: receivers return a list of endorsements of a certificate (objects with
# `university`, `endorsement`, `endorsed_at`, `statement(locale)`, `url`, `document(locale)` and
# `jwt(locale)`) for its pages, its PDF and its credential.
certificate_endorsements = _signals.signal("certificate-endorsements")  # sender: Certificate
# Asked, not told: receivers return a panel for a record's page as `user` sees it (an object
# whose `template` the page includes; quality: the student disputes the decision), or None.
completion_panels = _signals.signal("completion-panels")  # sender: UnitCompletion + user


def endorsements_of(certificate, session):
    """Every endorsement the receivers of certificate_endorsements give for a certificate."""
    found = []
    for _receiver, result in certificate_endorsements.send(certificate, session=session):
        found.extend(result or ())
    return found


def panels_of(completion, session, user):
    """The panels other areas add to a record's page for this user (none for no record)."""
    if completion is None:
        return []
    return [
        panel
        for _receiver, panel in completion_panels.send(completion, session=session, user=user)
        if panel is not None
    ]
