"""Accounts for the simulated people of the load test, on a demo database at some scale.

`eduplatform demo --scale N` makes the city's schools, classes, students and records; its
synthetic people cannot sign in. The simulated students and teachers are taken from those
(students of this year's classes, the teachers of those classes), each with a signed-in session
row and the cookie a browser would hold after signing in, so that the load is the day's use
rather than a thousand sign-ins at once (each costs a deliberately slow password hash). API
clients get tokens of the office account.
"""

import secrets

from sqlalchemy import func, select

from eduplatform.api.models import ApiToken
from eduplatform.api.service import create_token
from eduplatform.auth.service import hash_token
from eduplatform.dashboard.scale import PREFIX
from eduplatform.db import new_session
from eduplatform.people.models import (
    Cohort,
    CohortTeacher,
    Enrollment,
    EnrollmentStatus,
    Role,
    User,
    UserSession,
)

OFFICE_EMAIL = "office@demo.example.org"


def synthetic_students(app):
    """How many synthetic students the database holds, None before the demo was loaded."""
    with new_session(app, write=False) as session:
        if session.execute(select(User.id).where(User.email == OFFICE_EMAIL)).first() is None:
            return None
        return session.execute(
            select(func.count()).select_from(User).where(User.nisn.like(f"{PREFIX}%"))
        ).scalar()


def _cookie(serializer, user_id, token):
    # What flask-login and the sign-in view leave in the session cookie.
    return serializer.dumps({"_user_id": str(user_id), "_fresh": True, "sid": token})


def _signed_in(session, serializer, user_ids):
    """A session row and its cookie for each id (an id named twice: two devices)."""
    tokens = [(user_id, secrets.token_urlsafe(32)) for user_id in user_ids]
    session.add_all(
        UserSession(user_id=user_id, token_hash=hash_token(token)) for user_id, token in tokens
    )
    return [_cookie(serializer, user_id, token) for user_id, token in tokens]


def accounts(app, *, students, teachers, api_clients, office=1):
    """{"students": [cookie], "teachers": [cookie], "office": [cookie], "api": [token]}.

    Students are taken from distinct active enrolments, teachers from those students' classes,
    so that what students log lands in the simulated teachers' queues.
    """
    serializer = app.session_interface.get_signing_serializer(app)
    with new_session(app) as session:
        enrolled = session.execute(
            select(Enrollment.student_id, Enrollment.cohort_id)
            .join(User, User.id == Enrollment.student_id)
            .where(
                Enrollment.status == EnrollmentStatus.ACTIVE,
                User.active.is_(True),
                User.role == Role.STUDENT,
            )
            .order_by(Enrollment.cohort_id, Enrollment.student_id)
        ).all()
        # Spread the students over the classes, round robin, so every class has a few.
        by_cohort = {}
        for student_id, cohort_id in enrolled:
            by_cohort.setdefault(cohort_id, []).append(student_id)
        chosen, cohorts = [], set()
        while len(chosen) < students and any(by_cohort.values()):
            for cohort_id, queue in by_cohort.items():
                if queue and len(chosen) < students:
                    chosen.append(queue.pop(0))
                    cohorts.add(cohort_id)
        teacher_ids = list(
            dict.fromkeys(
                session.execute(
                    select(CohortTeacher.teacher_id)
                    .join(Cohort, Cohort.id == CohortTeacher.cohort_id)
                    .where(CohortTeacher.cohort_id.in_(sorted(cohorts)))
                    .order_by(CohortTeacher.cohort_id)
                ).scalars()
            )
        )[:teachers]
        office_user = session.execute(select(User).where(User.email == OFFICE_EMAIL)).scalar_one()
        made = {
            "students": _signed_in(session, serializer, chosen),
            "teachers": _signed_in(session, serializer, teacher_ids),
            "office": _signed_in(session, serializer, [office_user.id] * office),
        }
        session.commit()
        made["api"] = []
        for n in range(api_clients):
            _token, raw = create_token(
                session, actor=office_user, user=office_user, name=f"load test client {n + 1}"
            )
            made["api"].append(raw)
        session.commit()
    return made


def forget(app):
    """Remove the sessions and tokens an earlier run made (they are the only ones kept)."""
    with new_session(app) as session:
        session.execute(ApiToken.__table__.delete().where(ApiToken.name.like("load test client %")))
        session.execute(UserSession.__table__.delete())
        session.commit()
