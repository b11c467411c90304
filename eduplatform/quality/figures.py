"""The quality figures: per school, per teacher and per term, for the university (every table
exportable like the dashboard's), and the agreement rate per school for the office.

Agreement rate: of a school's (or teacher's) sampled decisions that a reviewer has reviewed, the
share the reviewer agreed with. An action is overdue when it is open after its due date.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import case
from sqlmodel import col, func, select

from eduplatform.clock import local_today
from eduplatform.dashboard.tables import Column, Table
from eduplatform.people.models import Organization, User
from eduplatform.quality.models import (
    ActionStatus,
    QualityAction,
    QualityReview,
    QualitySample,
    SampleStatus,
    SamplingPlan,
)

AGREEMENT_DEFINITION = _l(
    "Agreement: of this school's verification decisions sampled and reviewed by the partner "
    "university's quality reviewers, the share the reviewers agreed with."
)
TABLE_NAMES = ("schools", "teachers", "terms")


@dataclass
class Tally:
    sampled: int = 0
    reviewed: int = 0
    agreed: int = 0
    open_actions: int = 0
    overdue_actions: int = 0

    def add(self, row, today):
        self.sampled += 1
        if row.agrees is not None:
            self.reviewed += 1
            self.agreed += bool(row.agrees)
        if row.action_status == ActionStatus.OPEN:
            self.open_actions += 1
            self.overdue_actions += row.due_on < today

    def values(self):
        return {
            "sampled": self.sampled,
            "reviewed": self.reviewed,
            "agreement": self.agreed / self.reviewed if self.reviewed else None,
            "open_actions": self.open_actions,
            "overdue_actions": self.overdue_actions,
        }


COUNT_COLUMNS = [
    Column("sampled", _l("Decisions sampled")),
    Column("reviewed", _l("Reviewed")),
    Column("agreement", _l("Agreement rate"), "percent"),
    Column("open_actions", _l("Open actions")),
    Column("overdue_actions", _l("Overdue actions")),
]


def _sampled_rows(session, university_id):
    return session.exec(
        select(
            QualitySample.school_id,
            QualitySample.teacher_id,
            SamplingPlan.academic_year,
            SamplingPlan.term,
            QualityReview.agrees,
            QualityAction.status.label("action_status"),
            QualityAction.due_on,
        )
        .join(SamplingPlan, col(SamplingPlan.id) == QualitySample.plan_id)
        .join(QualityReview, col(QualityReview.sample_id) == QualitySample.id, isouter=True)
        .join(QualityAction, col(QualityAction.review_id) == QualityReview.id, isouter=True)
        .where(
            SamplingPlan.university_id == university_id,
            QualitySample.status != SampleStatus.NOT_SELECTED,
        )
    ).all()


def university_tables(session, *, university_id, term_label):
    """{name: Table} of the university's figures: per school, per teacher, per term and school."""
    today = local_today()
    schools, teachers, terms = {}, {}, {}
    for row in _sampled_rows(session, university_id):
        schools.setdefault(row.school_id, Tally()).add(row, today)
        teachers.setdefault((row.teacher_id, row.school_id), Tally()).add(row, today)
        terms.setdefault((row.academic_year, row.term, row.school_id), Tally()).add(row, today)
    school_ids = {key for key in schools} | {key[1] for key in teachers}
    names = dict(
        session.exec(
            select(Organization.id, Organization.name).where(col(Organization.id).in_(school_ids))
        ).all()
    )
    people = dict(
        session.exec(
            select(User.id, User.full_name).where(
                col(User.id).in_([key[0] for key in teachers if key[0]])
            )
        ).all()
    )
    school_rows = [
        {"school": names.get(school_id, ""), **tally.values()}
        for school_id, tally in sorted(schools.items(), key=lambda i: names.get(i[0], ""))
    ]
    teacher_rows = [
        {"teacher": people.get(teacher_id, "—"), "school": names.get(school_id, ""),
         **tally.values()}
        for (teacher_id, school_id), tally in sorted(
            teachers.items(), key=lambda i: (people.get(i[0][0], ""), names.get(i[0][1], ""))
        )
    ]  # fmt: skip
    term_rows = [
        {"term": term_label((year, term)), "school": names.get(school_id, ""), **tally.values()}
        for (year, term, school_id), tally in sorted(
            terms.items(), key=lambda i: (i[0][0], i[0][1], names.get(i[0][2], ""))
        )
    ]
    school = Column("school", _l("School"), "text")
    return {
        "schools": Table("schools", _l("Per school"), [school, *COUNT_COLUMNS], school_rows,
                         note=AGREEMENT_DEFINITION),
        "teachers": Table("teachers", _l("Per teacher"),
                          [Column("teacher", _l("Teacher"), "text"), school, *COUNT_COLUMNS],
                          teacher_rows),
        "terms": Table("terms", _l("Trend per term"),
                       [Column("term", _l("Term"), "term"), school, *COUNT_COLUMNS], term_rows),
    }  # fmt: skip


def agreement_by_school(session, school_ids):
    """{school id: agreement rate (0..1)} over every university's reviews, for the office."""
    if not school_ids:
        return {}
    rows = session.exec(
        select(
            QualitySample.school_id,
            func.count(QualityReview.id),
            func.sum(case((col(QualityReview.agrees), 1), else_=0)),
        )
        .join(QualityReview, col(QualityReview.sample_id) == QualitySample.id)
        .where(col(QualitySample.school_id).in_(list(school_ids)))
        .group_by(QualitySample.school_id)
    ).all()
    return {
        school_id: int(agreed or 0) / reviewed for school_id, reviewed, agreed in rows if reviewed
    }
