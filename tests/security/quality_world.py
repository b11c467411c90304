"""The world's university quality assurance: each university samples every decision this term
(so the sides' verifications are samples), its author is its quality reviewer, each side has a
sample ready for review (with a photo) and an action for its teacher from a disagreement; the
teacher of two schools has an action of their own (a decision at school C); school A's EV-101
certificates are endorsed by University A."""

import io

from sqlmodel import select

from eduplatform.db import new_session
from eduplatform.people.models import User
from eduplatform.quality import endorsement_status
from eduplatform.quality import service as quality
from eduplatform.quality.models import (
    QualityAction,
    QualityEndorsement,
    QualityReviewer,
    QualitySample,
    SamplingPlan,
)
from eduplatform.quality.sampling import term_of_moment
from eduplatform.sqltypes import utcnow
from eduplatform.training import service as training


def add_plans(db, universities, program):
    """A plan per university sampling every decision of this term (before anything is verified)."""
    academic_year, term = term_of_moment(utcnow())
    for university in universities:
        db.add(SamplingPlan(university_id=university.id, program_id=program.id,
                            academic_year=academic_year, term=term, seed=f"world {university.id}",
                            minimum_rate=100, disputed_rate=100, agreement_threshold=80,
                            minimum_reviews=1))  # fmt: skip
    db.commit()


def _third_school_decisions(app, db, world, jpeg):
    """A student of school C (the world's third) logs EV-101-U1 (with a photo) and EV-201-U1,
    the teacher of two schools verifies both."""
    from eduplatform.people.cohorts import enroll_student
    from eduplatform.people.models import Cohort
    from tests.security.world import TODAY, person

    student = person(db, "student", world.third_school, "Siswa C", nisn="9999030303")
    done = []
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        teacher = session.get(User, world.second_school_teacher.id)
        enroll_student(session, actor=teacher, cohort=session.get(Cohort, world.third_cohort.id),
                       student=session.get(User, student.id))  # fmt: skip
        # EV-101-U1 (University A samples it) and EV-201-U1 (University B): no module complete.
        for unit, photo in ((world.a.units[0], io.BytesIO(jpeg)), (world.b.units[0], None)):
            completion = training.log_completion(
                session, actor=session.get(User, student.id), unit=unit, performed_on=TODAY,
                hours="2", note="Lock-out di sekolah C.", photo=photo,
            )  # fmt: skip
            training.approve_completion(session, actor=teacher, completion=completion,
                                        criteria_met=[1])  # fmt: skip
            done.append(completion.id)
    return done


def add_quality(app, db, world, jpeg):
    """Reviewers, a ready sample per side (A's with a photo), actions and school A's
    endorsement; returns ({"a": sample id, "b": sample id}, {teacher id: action id})."""
    for side in (world.a, world.b):
        db.add(QualityReviewer(user_id=side.author.id, university_id=side.university.id))
    db.commit()
    decisions = _third_school_decisions(app, db, world, jpeg)
    with_photo, disagreed_c = (_sample_of(db, completion) for completion in decisions)
    samples, actions = {"a": with_photo.id}, {}
    _review(app, world.b.author, disagreed_c.id)
    for letter, side in (("a", world.a), ("b", world.b)):
        rows = db.exec(
            select(QualitySample)
            .where(QualitySample.school_id == side.school.id, QualitySample.status == "ready")
            .order_by(QualitySample.id)
        ).all()
        _review(app, side.author, rows[0].id)
        samples.setdefault(letter, rows[1].id)
    for action in db.exec(select(QualityAction)).all():
        actions[action.owner_id] = action.id
    endorsement = QualityEndorsement(university_id=world.a.university.id,
                                     school_id=world.a.school.id, module_id=world.a.module.id,
                                     reviewed=3, agreed=3)  # fmt: skip
    db.add(endorsement)
    db.commit()
    endorsement_status.open_entry(db, endorsement)  # as a granting gives it (its status bit)
    db.commit()
    return samples, actions


def _sample_of(db, completion_id):
    return db.exec(select(QualitySample).where(QualitySample.completion_id == completion_id)).one()


def _review(app, reviewer, sample_id):
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        quality.submit_review(
            session, actor=session.get(User, reviewer.id),
            sample=session.get(QualitySample, sample_id), agrees=False, rating=2,
            feedback="Foto tidak menunjukkan label lock-out.",
        )  # fmt: skip


def plans_of_sides(db, world):
    """{"a": University A's plan id, "b": University B's}."""
    return {
        letter: db.exec(
            select(SamplingPlan.id).where(SamplingPlan.university_id == side.university.id)
        ).one()
        for letter, side in (("a", world.a), ("b", world.b))
    }
