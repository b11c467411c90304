"""Plain, translated words for the audit log: action labels, object names and details.

The log stores internal codes (`module.published`, `Cohort 7`, `{"student_ids": [8, 9]}`); the
admin's page shows what they mean. Targets and ids in details are loaded in one query per
kind for a whole page of events, never one per row.
"""

from decimal import Decimal

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import col, select

from eduplatform.api.forms import SCOPE_LABELS
from eduplatform.audit.targets import TARGET_LOADERS, load_targets
from eduplatform.curriculum.models import Module, ModuleVersion, Unit
from eduplatform.exchange.forms import (
    ACTIVITY_KIND_LABELS,
    PARTICIPANT_ROLE_LABELS,
    PARTNERSHIP_KIND_LABELS,
    PARTNERSHIP_STATUS_LABELS,
)
from eduplatform.exchange.models import ExchangeActivity, Partnership
from eduplatform.i18n import org_kind_label, person_name, role_label
from eduplatform.people.models import Cohort, Organization, OrgKind, User
from eduplatform.placements.forms import LANGUAGE_LABELS, STATUS_LABELS
from eduplatform.quality.labels import RULE_LABELS
from eduplatform.training.models import Certificate, UnitCompletion

# Every action the app records (see tests/web/test_audit_log_readable.py, which checks this).
ACTION_LABELS = {
    "auth.login": _l("Signed in"),
    "auth.login_failed": _l("Sign-in failed"),
    "auth.activation_failed": _l("Account activation failed"),
    "activation.codes_issued": _l("Activation codes issued"),
    "user.activated": _l("Account activated"),
    "user.created": _l("Account created"),
    "user.role_changed": _l("Role changed"),
    "user.deactivated": _l("Account deactivated"),
    "user.reactivated": _l("Account reactivated"),
    "user.password_changed": _l("Password changed"),
    "user.invited": _l("Invited by email"),
    "student.moved_school": _l("Student moved to another school"),
    "user.school_changed": _l("School or organization changed"),
    "user.invitation_accepted": _l("Invitation accepted"),
    "user.invitation_withdrawn": _l("Invitation withdrawn"),
    "auth.password_reset_requested": _l("New password requested by email"),
    "user.password_reset": _l("New password set from an email link"),
    "user.password_reset_by_code": _l("Password reset with a new activation code"),
    "organization.created": _l("Organization created"),
    "organization.updated": _l("Organization's names changed"),
    "school.created": _l("School created"),
    "school.updated": _l("School updated"),
    "school.deactivated": _l("School deactivated"),
    "school.reactivated": _l("School reactivated"),
    "school.teacher_assigned": _l("Teacher assigned to the school"),
    "school.teacher_removed": _l("Teacher removed from the school"),
    "cohort.created": _l("Class created"),
    "cohort.updated": _l("Class updated"),
    "student.enrolled": _l("Student enrolled"),
    "student.moved": _l("Student moved to another class"),
    "student.withdrawn": _l("Student withdrawn from the class"),
    "roster.imported": _l("Roster imported"),
    "school.teachers_imported": _l("Teacher list imported"),
    "student.exported": _l("Student data exported"),
    "student.anonymised": _l("Student anonymised"),
    "module.created": _l("Module created"),
    "module.draft_started": _l("Module draft started"),
    "module.published": _l("Module version published"),
    "module.retired": _l("Module version retired"),
    "module.draft_discarded": _l("Module draft discarded"),
    "module.adapted": _l("Module adapted for a school"),
    "module.adopted": _l("School module adopted into the shared programme"),
    "curricula.imported": _l("Curricula imported"),
    "completion.logged": _l("Unit logged"),
    "completion.evidence_added": _l("Evidence added"),
    "completion.verified": _l("Unit verified"),
    "completion.rejected": _l("Unit rejected"),
    "passport.consent_recorded": _l("Consent recorded"),
    "passport.enabled": _l("Skills passport made public"),
    "passport.disabled": _l("Skills passport made private"),
    "certificate.issued": _l("Certificate issued"),
    "certificate.revoked": _l("Certificate revoked"),
    "token.created": _l("API token created"),
    "token.revoked": _l("API token revoked"),
    "partnership.created": _l("Partnership created"),
    "partnership.updated": _l("Partnership updated"),
    "activity.created": _l("Exchange activity created"),
    "activity.updated": _l("Exchange activity updated"),
    "activity.completed": _l("Exchange activity reported"),
    "activity.cancelled": _l("Exchange activity cancelled"),
    "activity.participants_changed": _l("Activity participants changed"),
    "activity.attachment_added": _l("Activity attachment added"),
    "activity.attachment_removed": _l("Activity attachment removed"),
    "exchange.feed_key_renewed": _l("Calendar address renewed"),
    "demo.synthetic_data_added": _l("Demo data added"),
    "quality.reviewer_granted": _l("Named quality reviewer"),
    "quality.reviewer_revoked": _l("Revoked quality reviewer"),
    "quality.plan_created": _l("Sampling plan created"),
    "quality.plan_changed": _l("Sampling plan changed"),
    "quality.sampled": _l("Decision sampled"),
    "quality.reviewed": _l("Sampled decision reviewed"),
    "quality.action_opened": _l("Action opened for a teacher"),
    "quality.action_answered": _l("Action answered"),
    "quality.disputed": _l("Decision disputed by the student"),
    "quality.endorsed": _l("Certificates endorsed by the university"),
    "quality.endorsement_withdrawn": _l("University endorsement withdrawn"),
    "company.created": _l("Company added"),
    "supervisor.added": _l("Company supervisor added"),
    "placement.created": _l("Industry placement planned"),
    "placement.status_changed": _l("Industry placement status changed"),
    "placement.accompanied": _l("Industry placement taken over by a teacher"),
    "user.details_changed": _l("Name or email (sign-in) changed"),
    "journal.entry_written": _l("Placement journal entry written"),
    "journal.entry_changed": _l("Placement journal entry changed"),
    "journal.countersigned": _l("Journal entry countersigned"),
    "journal.returned": _l("Journal entry returned by the supervisor"),
    "supervisor_link.issued": _l("Supervisor link issued"),
    "supervisor_link.revoked": _l("Supervisor link revoked"),
    "placement.visit_recorded": _l("Monitoring visit recorded"),
    "placement.unit_verified": _l("Unit verified from the placement journal"),
    "placement.assessed": _l("Final placement assessment submitted"),
    "placement.graded": _l("School's placement grade given"),
    "placement.certificate_revoked": _l("Placement certificate revoked"),
    "supervisor.language_changed": _l("Company supervisor's language changed"),
}

DETAIL_LABELS = {
    "academic_year": _l("Academic year"),
    "placement_id": _l("Industry placement"),
    "placements_ids": _l("Industry placements"),
    "triggered_by_id": _l("Following an action of"),
    "company_id": _l("Company"),
    "supervisor_id": _l("Company supervisor"),
    "link_id": _l("Supervisor link"),
    "units": _l("Units"),
    "entries": _l("Journal entries"),
    "added": _l("Added"),
    "attachment_id": _l("Attachment"),
    "changed": _l("Changed"),
    "adaptation": _l("Adaptation"),
    "code": _l("Code"),
    "cohort_id": _l("Class"),
    "cohort_ids": _l("Classes"),
    "ended_cohort_id": _l("Class left"),
    "from_school_id": _l("Previous school"),
    "left_school_ids": _l("Schools left"),
    "to_school_id": _l("New school"),
    "count": _l("Number"),
    "created": _l("Created"),
    "criteria": _l("Assessment criteria met"),
    "expires_on": _l("Expires"),
    "first_npsn": _l("First NPSN"),
    "from": _l("From"),
    "from_cohort_id": _l("From class"),
    "from_organization_id": _l("Previous organization"),
    "guest": _l("Guest"),
    "added_to_school": _l("Added to the school"),
    "invited": _l("Invited"),
    "needs_email": _l("Without an email, not invited"),
    "not_teachers": _l("Not teachers, skipped"),
    "hours": _l("Hours"),
    "kind": _l("Kind"),
    "languages": _l("Languages"),
    "login": _l("Email or NISN"),
    "locale": _l("Language"),
    "mime_type": _l("File type"),
    "module": _l("Module"),
    "name": _l("Name"),
    "nisn": _l("NISN"),
    "npsn": _l("NPSN"),
    "organization_id": _l("Organization"),
    "member_school_ids": _l("Member schools"),
    "participant_id": _l("Participant"),
    "participants": _l("Participants"),
    "partner_id": _l("Partner"),
    "partner_name": _l("Partner"),
    "partnership_id": _l("Partnership"),
    "photos": _l("Photos"),
    "photos_deleted": _l("Photos deleted"),
    "reason": _l("Reason"),
    "relationship": _l("Relationship to the student"),
    "removed": _l("Removed"),
    "role": _l("Role"),
    "scale": _l("Scale"),
    "school_id": _l("School"),
    "schools": _l("Schools"),
    "scope": _l("Access"),
    "source": _l("Source"),
    "status": _l("Status"),
    "student_id": _l("Student"),
    "student_ids": _l("Students"),
    "tables": _l("Tables"),
    "teacher_id": _l("Teacher"),
    "to": _l("To"),
    "to_cohort_id": _l("To class"),
    "unchanged": _l("Unchanged"),
    "unit": _l("Unit"),
    "updated": _l("Updated"),
    "user_id": _l("Person"),
    "version": _l("Version"),
    "version_id": _l("Module version"),
    "without_teacher": _l("Left without a teacher"),
    # University quality assurance (the rules' labels are the plan form's).
    "program": _l("Programme"),
    "term": _l("Term"),
    "new_teacher_rate": _l("New teachers: sampling rate"),
    "new_teacher_units": _l("New teachers: experienced after this many verified units"),
    "minimum_rate": _l("Every teacher: minimum rate"),
    "one_per_module": _l("At least one sample from each module a teacher verifies"),
    "safety_critical_rate": _l("Safety-critical units: rate"),
    "disputed_rate": _l("After a dispute or a disagreement: rate"),
    "back_in_line_after": _l("Back in line after this many agreements in a row"),
    "agreement_threshold": _l("Agreement needed for the endorsement"),
    "minimum_reviews": _l("Reviewed decisions needed for the endorsement"),
    "action_days": _l("Days a teacher has to answer an action"),
    "dispute_days": _l("Days a student has to dispute a decision"),
    "rule": _l("Why sampled"),
    "rate": _l("Sampling rate (%)"),
    "draw": _l("Draw (millionths)"),
    "sample": _l("Sample"),
    "agrees": _l("Agreed"),
    "rating": _l("Rating of the decision"),
    "reviewed": _l("Reviewed"),
    "agreed": _l("Agreed"),
}

# Detail keys holding ids, by what they point at; shown as names when the row exists.
USER_KEYS = {"student_id", "student_ids", "teacher_id", "user_id", "triggered_by_id"}
ORG_KEYS = {
    "school_id",
    "partner_id",
    "organization_id",
    "from_organization_id",
    "member_school_ids",
    "from_school_id",
    "to_school_id",
    "left_school_ids",
}
COHORT_KEYS = {
    "cohort_id",
    "cohort_ids",
    "ended_cohort_id",
    "from_cohort_id",
    "to_cohort_id",
    "without_teacher",
}
VERSION_KEYS = {"version_id"}

# The account fields an admin's change names (user.details_changed).
USER_FIELD_LABELS = {"full_name": _l("Full name"), "email": _l("Email")}

# Every kind of object the log names (tests/web/test_audit_log_targets.py checks that every
# kind the app records is here); any other shows as its class name and id.
NAMED_TARGETS = {
    "User",
    "Organization",
    "Cohort",
    "ModuleVersion",
    "Module",
    "Certificate",
    "UnitCompletion",
    "ExchangeActivity",
    "Partnership",
    *TARGET_LOADERS,
}

# Coded values shown through the app's existing labels, by action and detail key.
_ROLE_ACTIONS = {"user.created", "user.role_changed", "user.invited"}
SOURCE_LABELS = {"import": _l("Curriculum import")}


def action_label(action):
    """The translated label of an action code, or the code itself when it has none."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def action_choices(actions):
    """(code, label) pairs for the filter, ordered by label."""
    return sorted(((a, action_label(a)) for a in actions), key=lambda pair: pair[1].lower())


class Names:
    """Names and links for the targets and the ids in the details of a page of events."""

    def __init__(self, session, events):
        wanted = {"User": set(), "Organization": set(), "Cohort": set(), "ModuleVersion": set()}
        targets = {}
        for event in events:
            if event.actor_id:
                wanted["User"].add(event.actor_id)
            if event.object_type and event.object_id and event.object_id.isdigit():
                targets.setdefault(event.object_type, set()).add(int(event.object_id))
            _collect_ids(event.details or {}, wanted)
        for kind in wanted:
            wanted[kind] |= targets.get(kind, set())
        self.session = session
        self.users = _by_id(session, User, wanted["User"])
        self.orgs = _by_id(session, Organization, wanted["Organization"])
        self.cohorts = _by_id(session, Cohort, wanted["Cohort"])
        self.versions = self._versions(wanted["ModuleVersion"])
        self.modules = _by_id(session, Module, targets.get("Module", set()))
        self.certificates = _by_id(session, Certificate, targets.get("Certificate", set()))
        self.completions = self._completions(targets.get("UnitCompletion", set()))
        self.activities = _by_id(session, ExchangeActivity, targets.get("ExchangeActivity", set()))
        self.partnerships = self._partnerships(targets.get("Partnership", set()))
        self.others = load_targets(session, targets)

    def _versions(self, ids):
        if not ids:
            return {}
        rows = self.session.exec(
            select(ModuleVersion.id, ModuleVersion.number, Module.code)
            .join(Module, col(Module.id) == ModuleVersion.module_id)
            .where(col(ModuleVersion.id).in_(ids))
        ).all()
        return {row[0]: (row[2], row[1]) for row in rows}

    def _completions(self, ids):
        if not ids:
            return {}
        rows = self.session.exec(
            select(UnitCompletion.id, Unit.code, User.full_name)
            .join(Unit, col(Unit.id) == UnitCompletion.unit_id)
            .join(User, col(User.id) == UnitCompletion.student_id)
            .where(col(UnitCompletion.id).in_(ids))
        ).all()
        return {row[0]: (row[1], row[2]) for row in rows}

    def _partnerships(self, ids):
        partnerships = _by_id(self.session, Partnership, ids)
        missing = {
            org_id
            for p in partnerships.values()
            for org_id in (p.school_id, p.partner_id)
            if org_id and org_id not in self.orgs
        }
        self.orgs.update(_by_id(self.session, Organization, missing))
        return partnerships

    # -- objects ------------------------------------------------------------------------

    def target(self, event):
        """(name, url or None) of the event's object; None when there is none."""
        if not event.object_type:
            return None
        fallback = (f"{event.object_type} {event.object_id or ''}".strip(), None)
        if not (event.object_id or "").isdigit():
            return fallback
        named = self._named(event.object_type, int(event.object_id))
        return named or fallback

    def _named(self, kind, id_):
        if kind == "User" and id_ in self.users:
            return person_name(self.users[id_].full_name), url_for("people.edit_user", user_id=id_)
        if kind == "Organization" and id_ in self.orgs:
            org = self.orgs[id_]
            link = url_for("schools.detail", school_id=id_) if org.kind == OrgKind.SCHOOL else None
            return org.name, link
        if kind == "Cohort" and id_ in self.cohorts:
            return self.cohort_name(id_), url_for("cohorts.detail", cohort_id=id_)
        if kind == "ModuleVersion" and id_ in self.versions:
            code, number = self.versions[id_]
            link = url_for("curriculum.module", code=code, version=number)
            return self.version_name(id_), link
        if kind == "Module" and id_ in self.modules:
            code = self.modules[id_].code
            return _("Module %(code)s", code=code), url_for("curriculum.module", code=code)
        if kind == "Certificate" and id_ in self.certificates:
            code = self.certificates[id_].code
            return _("Certificate %(code)s", code=code), url_for("training.certificate", code=code)
        if kind == "UnitCompletion" and id_ in self.completions:
            unit, student = self.completions[id_]
            name = _("Unit %(code)s by %(name)s", code=unit, name=person_name(student))
            return name, url_for("teaching.review", completion_id=id_)
        if kind == "ExchangeActivity" and id_ in self.activities:
            return self.activities[id_].title, url_for("exchange.activity", activity_id=id_)
        if kind == "Partnership" and id_ in self.partnerships:
            p = self.partnerships[id_]
            school = self.orgs[p.school_id].name if p.school_id in self.orgs else ""
            partner = self.orgs[p.partner_id].name if p.partner_id in self.orgs else None
            partner = partner or p.partner_name or ""
            name = _("%(school)s with %(partner)s", school=school, partner=partner)
            return name, url_for("exchange.partnership", partnership_id=id_)
        return self.others.get(kind, {}).get(id_)

    def cohort_name(self, id_):
        cohort = self.cohorts[id_]
        return _("Class %(name)s, %(year)s", name=cohort.name, year=cohort.academic_year)

    def version_name(self, id_):
        code, number = self.versions[id_]
        return _("%(code)s, version %(number)d", code=code, number=number)

    # -- details ------------------------------------------------------------------------

    def details(self, event):
        """[(label, plain text)] for the event's details, keys in their recorded order."""
        return [
            (_key_label(key), self._value(event.action, key, value))
            for key, value in (event.details or {}).items()
        ]

    def _value(self, action, key, value):
        if isinstance(value, dict):
            return "; ".join(
                f"{_key_label(k)}: {self._value(action, k, v)}" for k, v in value.items()
            )
        if isinstance(value, list | tuple):
            if not value:
                return "—"
            return ", ".join(self._value(action, key, item) for item in value)
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, int) and not isinstance(value, bool):
            return self._id_name(key, value)
        return self._coded(action, key, value)

    def _id_name(self, key, value):
        if key in USER_KEYS and value in self.users:
            return person_name(self.users[value].full_name)
        if key in ORG_KEYS and value in self.orgs:
            return self.orgs[value].name
        if key in COHORT_KEYS and value in self.cohorts:
            return self.cohort_name(value)
        if key in VERSION_KEYS and value in self.versions:
            return self.version_name(value)
        return str(value)

    def _coded(self, action, key, value):
        text = str(value) if not isinstance(value, Decimal) else format(value, "f")
        labels = None
        if key in ("role", "from", "to") and action in _ROLE_ACTIONS:
            return str(role_label(text))
        if key == "role" and action == "activity.participants_changed":
            labels = PARTICIPANT_ROLE_LABELS
        elif key == "kind" and action == "organization.created":
            return str(org_kind_label(text))
        elif key == "kind" and action.startswith("partnership."):
            labels = PARTNERSHIP_KIND_LABELS
        elif key == "kind" and action.startswith("activity."):
            labels = ACTIVITY_KIND_LABELS
        elif key == "status" and action.startswith("partnership."):
            labels = PARTNERSHIP_STATUS_LABELS
        elif key == "rule" and action.startswith("quality."):
            labels = RULE_LABELS
        elif key == "changed" and action == "user.details_changed":
            labels = USER_FIELD_LABELS
        elif key == "status" and action == "placement.status_changed":
            labels = STATUS_LABELS
        elif key == "source" and action == "module.published":
            labels = SOURCE_LABELS
        elif key == "scope" and action == "token.created":
            labels = SCOPE_LABELS
        elif key in ("locale", "languages"):
            labels = LANGUAGE_LABELS
        if labels and text in labels:
            return str(labels[text])
        return text


def _key_label(key):
    label = DETAIL_LABELS.get(key)
    return str(label) if label is not None else str(key)


def _collect_ids(details, wanted):
    for key, value in details.items():
        if isinstance(value, dict):
            _collect_ids(value, wanted)
            continue
        values = value if isinstance(value, list) else [value]
        ints = {v for v in values if isinstance(v, int) and not isinstance(v, bool)}
        if key in USER_KEYS:
            wanted["User"] |= ints
        elif key in ORG_KEYS:
            wanted["Organization"] |= ints
        elif key in COHORT_KEYS:
            wanted["Cohort"] |= ints
        elif key in VERSION_KEYS:
            wanted["ModuleVersion"] |= ints


def _by_id(session, model, ids):
    if not ids:
        return {}
    return {row.id: row for row in session.exec(select(model).where(col(model.id).in_(ids)))}
