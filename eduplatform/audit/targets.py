"""Names of the placement, quality and API-token objects an audit event is about.

Each loader reads one kind for a whole page of events in one query and returns
{id: (name, url or None)}. Quality objects get no link: their pages are the reviewers' and
teachers', not the admin's. Samples are named by their pseudonym, never by the student.
"""

from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from eduplatform.api.models import ApiToken
from eduplatform.curriculum.models import Module, Program
from eduplatform.i18n import person_name
from eduplatform.people.models import Organization, User
from eduplatform.placements.models import JournalEntry, Placement, Supervisor
from eduplatform.quality.models import (
    QualityAction,
    QualityDispute,
    QualityEndorsement,
    QualityReview,
    QualitySample,
    SamplingPlan,
)


def _placements(session, ids):
    rows = session.exec(
        select(Placement.id, User.full_name, Organization.name)
        .join(User, col(User.id) == Placement.student_id)
        .join(Organization, col(Organization.id) == Placement.company_id)
        .where(col(Placement.id).in_(ids))
    ).all()
    return {
        id_: (
            _("%(name)s at %(company)s", name=person_name(student), company=company),
            url_for("placements.detail", placement_id=id_),
        )
        for id_, student, company in rows
    }


def _journal_entries(session, ids):
    rows = session.exec(
        select(JournalEntry.id, JournalEntry.placement_id, JournalEntry.day, User.full_name)
        .join(User, col(User.id) == JournalEntry.student_id)
        .where(col(JournalEntry.id).in_(ids))
    ).all()
    return {
        id_: (
            _("%(name)s, %(date)s", name=person_name(student), date=format_date(day, "medium")),
            url_for("placements.detail", placement_id=placement_id, _anchor="journal"),
        )
        for id_, placement_id, day, student in rows
    }


def _supervisors(session, ids):
    rows = session.exec(
        select(Supervisor.id, Supervisor.company_id, Supervisor.full_name, Organization.name)
        .join(Organization, col(Organization.id) == Supervisor.company_id)
        .where(col(Supervisor.id).in_(ids))
    ).all()
    return {
        id_: (
            _("%(name)s at %(company)s", name=person_name(name), company=company),
            url_for("placements.company", company_id=company_id),
        )
        for id_, company_id, name, company in rows
    }


def _plans(session, ids):
    rows = session.exec(
        select(SamplingPlan.id, Program.code, SamplingPlan.academic_year, SamplingPlan.term)
        .join(Program, col(Program.id) == SamplingPlan.program_id)
        .where(col(SamplingPlan.id).in_(ids))
    ).all()
    return {
        id_: (
            _(
                "Sampling plan %(program)s, %(year)s term %(term)d",
                program=code,
                year=year,
                term=term,
            ),
            None,
        )
        for id_, code, year, term in rows
    }


def _samples(session, ids):
    rows = session.exec(
        select(QualitySample.id, QualitySample.pseudonym).where(col(QualitySample.id).in_(ids))
    ).all()
    return {id_: (_("Sample %(name)s", name=pseudonym or "—"), None) for id_, pseudonym in rows}


def _reviews(session, ids):
    rows = session.exec(
        select(QualityReview.id, QualitySample.pseudonym)
        .join(QualitySample, col(QualitySample.id) == QualityReview.sample_id)
        .where(col(QualityReview.id).in_(ids))
    ).all()
    return {
        id_: (_("Review of sample %(name)s", name=pseudonym or "—"), None)
        for id_, pseudonym in rows
    }


def _actions(session, ids):
    rows = session.exec(
        select(QualityAction.id, QualitySample.pseudonym)
        .join(QualityReview, col(QualityReview.id) == QualityAction.review_id)
        .join(QualitySample, col(QualitySample.id) == QualityReview.sample_id)
        .where(col(QualityAction.id).in_(ids))
    ).all()
    return {
        id_: (_("Action on sample %(name)s", name=pseudonym or "—"), None)
        for id_, pseudonym in rows
    }


def _disputes(session, ids):
    rows = session.exec(
        select(QualityDispute.id, QualitySample.pseudonym)
        .join(QualitySample, col(QualitySample.id) == QualityDispute.sample_id)
        .where(col(QualityDispute.id).in_(ids))
    ).all()
    return {
        id_: (_("Dispute of sample %(name)s", name=pseudonym or "—"), None)
        for id_, pseudonym in rows
    }


def _endorsements(session, ids):
    school = aliased(Organization)
    university = aliased(Organization)
    rows = session.exec(
        select(QualityEndorsement.id, school.name, Module.code, university.name)
        .join(school, col(school.id) == QualityEndorsement.school_id)
        .join(university, col(university.id) == QualityEndorsement.university_id)
        .join(Module, col(Module.id) == QualityEndorsement.module_id)
        .where(col(QualityEndorsement.id).in_(ids))
    ).all()
    return {
        id_: (
            _(
                "%(school)s, module %(code)s, by %(university)s",
                school=school_name,
                code=code,
                university=university_name,
            ),
            None,
        )
        for id_, school_name, code, university_name in rows
    }


def _tokens(session, ids):
    rows = session.exec(
        select(ApiToken.id, ApiToken.name, User.full_name)
        .join(User, col(User.id) == ApiToken.user_id)
        .where(col(ApiToken.id).in_(ids))
    ).all()
    return {
        id_: (_("API token %(name)s of %(person)s", name=name, person=person_name(owner)), None)
        for id_, name, owner in rows
    }


# The kinds named here, by the class name record_event stores as the event's object type.
TARGET_LOADERS = {
    "Placement": _placements,
    "JournalEntry": _journal_entries,
    "Supervisor": _supervisors,
    "SamplingPlan": _plans,
    "QualitySample": _samples,
    "QualityReview": _reviews,
    "QualityAction": _actions,
    "QualityDispute": _disputes,
    "QualityEndorsement": _endorsements,
    "ApiToken": _tokens,
}


def load_targets(session, targets):
    """{kind: {id: (name, url)}} for the kinds above among {kind: ids}, one query per kind."""
    return {
        kind: TARGET_LOADERS[kind](session, ids)
        for kind, ids in targets.items()
        if kind in TARGET_LOADERS and ids
    }
