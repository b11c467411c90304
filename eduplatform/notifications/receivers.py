"""What the training area's events mean for people: a student hears of each review of their
work and of each certificate. Connected when this package is imported (see __init__)."""

from eduplatform.notifications.models import Kind
from eduplatform.notifications.service import Pending, notify_after_commit
from eduplatform.training.models import CompletionStatus
from eduplatform.training.signals import certificate_issued, completion_reviewed

REVIEW_KINDS = {
    CompletionStatus.VERIFIED: Kind.COMPLETION_VERIFIED,
    CompletionStatus.REJECTED: Kind.COMPLETION_REJECTED,
}


@completion_reviewed.connect
def _completion_reviewed(completion, *, session, new_status, **_):
    kind = REVIEW_KINDS.get(new_status)
    if kind is not None:
        notify_after_commit(
            session, Pending(user_id=completion.student_id, kind=kind, completion_id=completion.id)
        )


@certificate_issued.connect
def _certificate_issued(certificate, *, session, **_):
    notify_after_commit(
        session,
        Pending(
            user_id=certificate.student_id,
            kind=Kind.CERTIFICATE_ISSUED,
            certificate_id=certificate.id,
        ),
    )
