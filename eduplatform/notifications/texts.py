"""The words and links of notifications, made when they are shown, in the reader's language.

The records they name are loaded for a whole page at once (one query per kind of record).
"""

from dataclasses import dataclass
from datetime import date

from flask import current_app, url_for
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import col, select

from eduplatform import mail
from eduplatform.curriculum.models import Module, ModuleVersion, Unit
from eduplatform.i18n import translated
from eduplatform.notifications.models import Kind
from eduplatform.people.models import User
from eduplatform.training.models import Certificate, UnitCompletion
from eduplatform.urls import public_url

SUBJECTS = {
    Kind.COMPLETION_VERIFIED: _l("A unit of yours was verified"),
    Kind.COMPLETION_REJECTED: _l("A unit of yours was sent back"),
    Kind.CERTIFICATE_ISSUED: _l("Your certificate is ready"),
    Kind.REVIEWS_WAITING: _l("Submissions are waiting for your review"),
    Kind.COMPLETION_DISPUTED: _l("A student disputed one of your decisions"),
    Kind.DISPUTE_REVIEWED: _l("Your dispute has a second opinion"),
    Kind.ACTION_OPENED: _l("The university's reviewer disagreed with one of your decisions"),
    Kind.ACTION_ANSWERED: _l("A teacher answered your action"),
}


@dataclass
class Shown:
    notification: object
    text: str
    endpoint: str | None
    values: dict

    def url(self, build=url_for):
        return build(self.endpoint, **self.values) if self.endpoint else None


class _Records:
    """The completions, units, reviewers and certificates a page of notifications names."""

    def __init__(self, session, notifications):
        completion_ids = {n.completion_id for n in notifications if n.completion_id}
        certificate_ids = {n.certificate_id for n in notifications if n.certificate_id}
        self.completions = {}
        if completion_ids:
            for completion, unit, reviewer in session.exec(
                select(UnitCompletion, Unit, User)
                .join(Unit, col(Unit.id) == UnitCompletion.unit_id)
                .join(User, col(User.id) == UnitCompletion.reviewer_id, isouter=True)
                .where(col(UnitCompletion.id).in_(completion_ids))
            ).all():
                self.completions[completion.id] = (completion, unit, reviewer)
        student_ids = {c.student_id for c, _unit, _reviewer in self.completions.values()}
        self.students = {}
        if student_ids and any(n.kind == Kind.COMPLETION_DISPUTED for n in notifications):
            self.students = {
                user.id: user
                for user in session.exec(select(User).where(col(User.id).in_(student_ids)))
            }
        self.certificates = {}
        if certificate_ids:
            for certificate, version, module in session.exec(
                select(Certificate, ModuleVersion, Module)
                .join(ModuleVersion, col(ModuleVersion.id) == Certificate.version_id)
                .join(Module, col(Module.id) == ModuleVersion.module_id)
                .where(col(Certificate.id).in_(certificate_ids))
            ).all():
                self.certificates[certificate.id] = (certificate, version, module)


def _unit(unit):
    return f"{unit.code} {translated(unit.title)}".strip()


def _completion_text(notification, records):
    found = records.completions.get(notification.completion_id)
    if found is None:
        return _("A record of yours was reviewed."), None, {}
    completion, unit, reviewer = found
    teacher = reviewer.full_name if reviewer else _("your teacher")
    link = ("teaching.review", {"completion_id": completion.id})
    if notification.kind == Kind.COMPLETION_VERIFIED:
        return _("%(unit)s was verified by %(teacher)s.", unit=_unit(unit), teacher=teacher), *link
    if completion.feedback:
        text = _(
            "%(unit)s was sent back by %(teacher)s: “%(feedback)s” Do it again and log it anew.",
            unit=_unit(unit),
            teacher=teacher,
            feedback=completion.feedback,
        )
    else:
        text = _("%(unit)s was sent back by %(teacher)s.", unit=_unit(unit), teacher=teacher)
    return text, *link


def _dispute_text(notification, records):
    """A student disputed the teacher's decision; or the student hears the reviewer's opinion."""
    found = records.completions.get(notification.completion_id)
    if found is None:
        return _("A decision was disputed."), None, {}
    completion, unit, _reviewer = found
    if notification.kind == Kind.COMPLETION_DISPUTED:
        student = records.students.get(completion.student_id)
        text = _(
            "%(name)s disputed your decision on %(unit)s; the university's quality reviewer "
            "will give a second opinion.",
            name=student.full_name if student else _("A student"),
            unit=_unit(unit),
        )
        return text, "quality.my_samples", {}
    if notification.details.get("upheld"):
        text = _(
            "Your dispute of the decision on %(unit)s was upheld: the reviewer disagreed with it.",
            unit=_unit(unit),
        )
    else:
        text = _(
            "Your dispute of the decision on %(unit)s was not upheld: the reviewer agreed with it.",
            unit=_unit(unit),
        )
    return text, "quality.dispute", {"completion_id": completion.id}


def _action_text(notification, records):
    """A reviewer disagreed: the teacher answers the action. Or the reviewer hears the teacher
    answered, by the sample's pseudonym (a reviewer never learns the student's name)."""
    details = notification.details
    if notification.kind == Kind.ACTION_ANSWERED:
        text = _(
            "A teacher answered your action on sample %(name)s.", name=details.get("pseudonym", "—")
        )
        return text, "quality.sample", {"sample_id": details.get("sample_id")}
    found = records.completions.get(notification.completion_id)
    unit = _unit(found[1]) if found else "—"
    due = details.get("due_on")
    text = _(
        "The partner university's quality reviewer disagreed with your decision on %(unit)s. "
        "Re-review the unit with the student and answer by %(date)s.",
        unit=unit,
        date=format_date(date.fromisoformat(due), "long") if due else "—",
    )
    return text, "quality.action", {"action_id": details.get("action_id")}


def _certificate_text(notification, records):
    found = records.certificates.get(notification.certificate_id)
    if found is None:
        return _("A certificate of yours was issued."), None, {}
    certificate, version, module = found
    text = _(
        "Your certificate for %(module)s %(title)s is ready.",
        module=module.code,
        title=translated(version.title),
    )
    return text, "training.certificate", {"code": certificate.code}


def _waiting_text(notification):
    count = int(notification.details.get("count", 0))
    days = int(notification.details.get("days", 0))
    text = ngettext(
        "%(num)d submission has waited more than %(days)d days for your review.",
        "%(num)d submissions have waited more than %(days)d days for your review.",
        count,
        days=days,
    )
    return text, "teaching.queue", {}


def describe(session, notifications):
    """[Shown] for each notification, in the current language."""
    records = _Records(session, notifications)
    shown = []
    for notification in notifications:
        if notification.kind in (Kind.COMPLETION_VERIFIED, Kind.COMPLETION_REJECTED):
            text, endpoint, values = _completion_text(notification, records)
        elif notification.kind == Kind.CERTIFICATE_ISSUED:
            text, endpoint, values = _certificate_text(notification, records)
        elif notification.kind == Kind.REVIEWS_WAITING:
            text, endpoint, values = _waiting_text(notification)
        elif notification.kind in (Kind.COMPLETION_DISPUTED, Kind.DISPUTE_REVIEWED):
            text, endpoint, values = _dispute_text(notification, records)
        elif notification.kind in (Kind.ACTION_OPENED, Kind.ACTION_ANSWERED):
            text, endpoint, values = _action_text(notification, records)
        else:
            text, endpoint, values = _("Something changed."), None, {}
        shown.append(Shown(notification, text, endpoint, values))
    return shown


def compose_email(session, notification, user):
    """Send the email copy of a notification to its person, in their language; True if sent."""
    locale = user.locale if user.locale in current_app.config["LANGUAGES"] else None
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        (shown,) = describe(session, [notification])
        text = str(shown.text)
        link = shown.url(public_url)
    message = mail.compose(
        to=user.email,
        locale=user.locale,
        subject=SUBJECTS.get(notification.kind, _l("News from eduplatform")),
        template="notification",
        user=user,
        text=text,
        link=link,
        settings=public_url("auth.profile"),
    )
    return mail.send_now(kind=f"notification.{notification.kind}", message=message)
