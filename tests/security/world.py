"""One world with two sides: school A and school B, each with its partner university, a class,
people of every role, logged and verified units, a certificate, a public passport, a
partnership with an activity (participant, reflection, attachment), API tokens. Side A is
"own" for the signed-in user of every role; side B is "another school".
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from PIL import Image
from sqlmodel import select
from werkzeug.security import generate_password_hash

from eduplatform import uploads
from eduplatform.api import service as tokens
from eduplatform.curriculum.models import Module, ModuleVersion, Program, Unit
from eduplatform.db import new_session
from eduplatform.exchange.models import (
    ActivityAttachment,
    ActivityParticipant,
    ActivityReflection,
    ExchangeActivity,
    Partnership,
)
from eduplatform.notifications.models import Notification
from eduplatform.people.activation import issue_codes
from eduplatform.people.models import (
    Cohort,
    CohortTeacher,
    Enrollment,
    Organization,
    SchoolMembership,
    User,
)
from eduplatform.sqltypes import utcnow
from eduplatform.training import service as training
from eduplatform.training.models import Certificate, UnitCompletion
from tests.conftest import PASSWORD
from tests.security.quality_world import add_plans, add_quality, plans_of_sides

TODAY = datetime.now(ZoneInfo("Asia/Jakarta")).date()  # the schools' today, as the app's
# Cheap to check, so that signing in dozens of times stays fast; real hashes elsewhere.
CHEAP_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")


def jpeg_bytes(size=(40, 30), colour=(200, 80, 20)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


@dataclass
class Side:
    school: Organization
    university: Organization
    module: Module
    version: ModuleVersion  # published, every unit of it verified for the student
    draft: ModuleVersion  # a draft of the same module
    draft_unit: Unit
    units: list  # published units
    cohort: Cohort
    teacher: User
    student: User
    author: User
    submitted: UnitCompletion  # waiting for review, with a photo
    certificate: Certificate
    partnership: Partnership
    activity: ExchangeActivity
    participant: ActivityParticipant
    attachment: ActivityAttachment
    slug: str  # the student's public passport
    school_module: Module = None  # the school's own adaptation of `module`, published
    company: Organization = None  # an EV workshop (companies are shared by every school)
    placement: object = None  # the student's running industry placement there
    entry: object = None  # a journal entry of the placement, with a photo, pending
    link: object = None  # the supervisor's countersign link of the placement
    link_token: str = None
    returned: UnitCompletion = None  # an earlier attempt at the first unit, sent back today


@dataclass
class World:
    a: Side
    b: Side
    office: User
    admin: User
    program: Program
    # A third school C: side A's teacher teaches there too (home A, second school C), and
    # C's teacher teaches at A as their second school. B stays the other school for both.
    third_school: Organization = None
    third_cohort: Cohort = None
    second_school_teacher: User = None  # home C, member of A
    tokens: dict = field(default_factory=dict)  # user id -> {"api": raw, "spare_id": id}
    notifications: dict = field(default_factory=dict)  # user id -> one of their notification ids
    samples: dict = field(default_factory=dict)  # "a"/"b" -> a sample ready for review
    plans: dict = field(default_factory=dict)  # "a"/"b" -> its university's sampling plan
    actions: dict = field(default_factory=dict)  # teacher id -> their quality action

    def actor(self, role):
        """The signed-in user of each role (side A for school and university roles)."""
        return {
            "student": self.a.student,
            "teacher": self.a.teacher,
            "teacher_of_two": self.second_school_teacher,
            "author": self.a.author,
            "office": self.office,
            "admin": self.admin,
        }[role]


def person(db, role, organization, name, **fields):
    n = db.info.setdefault("people", 0) + 1
    db.info["people"] = n
    email = f"{role}.{n}@{(organization.npsn or 'org') if organization else 'org'}.example.org"
    user = User(
        role=role,
        email=email,
        full_name=name,
        organization_id=organization.id if organization else None,
        password_hash=CHEAP_HASH,
        **fields,
    )
    db.add(user)
    db.commit()
    if role == "teacher":
        db.add(SchoolMembership(user_id=user.id, school_id=organization.id, since=TODAY))
        db.commit()
    return user


def _module(db, program, owner, code, position):
    module = Module(code=code, program_id=program.id, owner_id=owner.id, position=position)
    db.add(module)
    db.flush()
    versions = []
    for number, status in ((1, "published"), (2, "draft")):
        version = ModuleVersion(
            module_id=module.id,
            number=number,
            status=status,
            title={"id": f"Modul {code}", "en": f"Module {code}", "zh": f"模块 {code}"},
            summary={"id": f"Ringkasan {code}", "en": f"Summary of {code}"},
            published_at=utcnow() if status == "published" else None,
        )
        db.add(version)
        db.flush()
        versions.append(version)
    units = []
    for version in versions:
        for position_ in range(2):
            unit = Unit(
                version_id=version.id,
                code=f"{code}-U{position_ + 1}",
                position=position_,
                title={"id": f"Unit {position_ + 1}", "en": f"Unit {position_ + 1}"},
                task={"id": "Tugas", "en": "Task"},
                criteria=[{"id": "Kriteria", "en": "Criterion"}],
                practice_hours=Decimal("2"),
            )
            db.add(unit)
            db.flush()
            units.append(unit)
    db.commit()
    return module, versions, units


def _side(app, db, *, letter, npsn, curriculum, other_units, office):
    module, (version, draft), units = curriculum
    school = Organization(
        kind="school", name=f"SMK Sisi {letter}", npsn=npsn, city="Surakarta", country="ID"
    )
    db.add(school)
    db.commit()
    university = db.get(Organization, module.owner_id)
    cohort = Cohort(
        school_id=school.id, name=f"XI TKRO {letter}", academic_year="2025/2026",
        program_id=module.program_id,
    )  # fmt: skip
    db.add(cohort)
    db.commit()
    teacher = person(db, "teacher", school, f"Guru {letter}")
    student = person(
        db, "student", school, f"Siswa {letter} Nur'aini 李", nisn=f"99990{npsn[-5:]}",
        birth_date=date(TODAY.year - 16, 5, 17), gender="P",
    )  # fmt: skip
    author = person(db, "author", university, f"Author {letter}")
    db.add(CohortTeacher(cohort_id=cohort.id, teacher_id=teacher.id))
    db.add(Enrollment(cohort_id=cohort.id, student_id=student.id,
                      enrolled_on=TODAY - timedelta(days=60)))  # fmt: skip
    db.commit()
    published = [u for u in units if u.version_id == version.id]

    with app.test_request_context("/?lang=en"), new_session(app) as session:
        actor = session.get(User, student.id)
        reviewer = session.get(User, teacher.id)
        # A first attempt at the first unit is sent back (the student may dispute it).
        returned = training.log_completion(
            session, actor=actor, unit=published[0], performed_on=TODAY, hours="2",
            note="Percobaan pertama.",
        )  # fmt: skip
        training.reject_completion(session, actor=reviewer, completion=returned,
                                   feedback="Foto belum menunjukkan label lock-out.")  # fmt: skip
        for unit in published:
            done = training.log_completion(
                session, actor=actor, unit=unit, performed_on=TODAY, hours="2",
                note=f"Saya mengerjakan {unit.code} bersama kelompok.",
            )  # fmt: skip
            training.approve_completion(session, actor=reviewer, completion=done, criteria_met=[1])
        # A unit of the other side's module waits for review, with a photo.
        submitted = training.log_completion(
            session, actor=actor, unit=other_units[0], performed_on=TODAY, hours="1.5",
            note="Menunggu pemeriksaan.", photo=io.BytesIO(jpeg_bytes()),
        )  # fmt: skip
        certificate = session.exec(
            select(Certificate).where(Certificate.student_id == student.id)
        ).one()
        issue_codes(session, actor=reviewer, students=[actor])
        # A code for an account in use resets its password; the world's student keeps theirs
        # (as if the code had been issued before they first signed in).
        actor.password_hash, actor.reset_notice_at = CHEAP_HASH, None
        session.add(actor)
        training.record_consent(
            session, actor=reviewer, student=actor, guardian_name=f"Ibu {letter}",
            relationship="mother", confirmed=True,
        )  # fmt: skip
        slug = training.enable_passport(session, actor=actor, today=TODAY).slug
        partnership = Partnership(
            school_id=school.id, partner_id=university.id, kind="university",
            areas=["education"], status="active", created_by_id=office.id,
        )  # fmt: skip
        session.add(partnership)
        session.commit()
        activity = ExchangeActivity(
            partnership_id=partnership.id, kind="joint_workshop", title=f"Workshop {letter}",
            starts_on=TODAY - timedelta(days=3), ends_on=TODAY - timedelta(days=2),
            place="Surakarta", created_by_id=teacher.id,
        )  # fmt: skip
        session.add(activity)
        session.commit()
        participant = ActivityParticipant(
            activity_id=activity.id, user_id=student.id, hours=Decimal("4")
        )
        reflection = ActivityReflection(
            activity_id=activity.id, user_id=student.id,
            body=f"Refleksi siswa {letter}: saya belajar banyak.",
        )  # fmt: skip
        stored = uploads.store(io.BytesIO(jpeg_bytes()), field="attachment", allow_pdf=True)
        attachment = ActivityAttachment(
            activity_id=activity.id, stored_name=stored.name, original_name="foto.jpg",
            mime_type=stored.mime_type, size=stored.size, uploaded_by_id=teacher.id,
        )  # fmt: skip
        session.add_all([participant, reflection, attachment])
        session.commit()
        company, placement, entry, (link_token, link) = _placement(
            session, reviewer, actor, published, letter
        )
    return Side(
        school=school, university=university, module=module, version=version, draft=draft,
        draft_unit=[u for u in units if u.version_id == draft.id][0], units=published,
        cohort=cohort, teacher=teacher, student=student, author=author, submitted=submitted,
        certificate=certificate, partnership=partnership, activity=activity,
        participant=participant, attachment=attachment, slug=slug, company=company,
        placement=placement, entry=entry, link=link, link_token=link_token, returned=returned,
    )  # fmt: skip


def _placement(session, teacher, student, units, letter):
    """An EV workshop with its supervisor, and the student's running placement there."""
    from eduplatform.placements import companies, journal, links, service

    company = companies.create_company(
        session, actor=teacher, name=f"Bengkel EV {letter}", sector="dealer_workshop"
    )
    supervisor = companies.add_supervisor(
        session, actor=teacher, company=company, full_name=f"Pembimbing {letter}",
        email=f"pembimbing.{letter.lower()}@bengkel.example",
    )  # fmt: skip
    placement = service.create_placement(
        session, actor=teacher, student=student, company=company, supervisor=supervisor,
        teacher=teacher, starts_on=TODAY - timedelta(days=7), ends_on=TODAY + timedelta(days=60),
        unit_ids=[u.id for u in units], dates_note="Across two academic years",
    )  # fmt: skip
    service.change_status(session, actor=teacher, placement=placement, action="start")
    entry = journal.write_entry(
        session, actor=student, placement=placement, day=TODAY - timedelta(days=1),
        kind="present", arrived_at=time(8), left_at=time(16), activities=f"Jurnal {letter}",
        unit_ids=[units[0].id], photo=io.BytesIO(jpeg_bytes()),
    )  # fmt: skip
    issued = links.issue_link(session, actor=teacher, placement=placement, purpose="countersign")
    return company, placement, entry, issued


def _tokens(app, users):
    """Two API tokens per user: one to call the API with, a spare one for the revoke route."""
    made = {}
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        for user in users:
            row = session.get(User, user.id)
            _token, raw = tokens.create_token(
                session, actor=row, user=row, name="api", scope="read-write"
            )
            spare, _raw = tokens.create_token(session, actor=row, user=row, name="spare")
            made[user.id] = {"api": raw, "spare_id": spare.id}
    return made


def build_world(app, db):
    """Both sides, the office and an admin; everything committed."""
    office_org = Organization(kind="office", name="Dinas Pendidikan", city="Surakarta")
    university_a = Organization(kind="university", name="University A", city="Xi'an", country="CN")
    university_b = Organization(kind="university", name="University B", city="Wuhan", country="CN")
    program = Program(code="EV-MECH", title={"id": "Mekanik EV", "en": "EV mechanic"})
    db.add_all([office_org, university_a, university_b, program])
    db.commit()
    add_plans(db, (university_a, university_b), program)
    office = person(db, "office", office_org, "Ibu Rina")
    admin = person(db, "admin", office_org, "Admin")
    curriculum_a = _module(db, program, university_a, "EV-101", 1)
    curriculum_b = _module(db, program, university_b, "EV-201", 2)
    published_a = [u for u in curriculum_a[2] if u.version_id == curriculum_a[1][0].id]
    published_b = [u for u in curriculum_b[2] if u.version_id == curriculum_b[1][0].id]
    a = _side(app, db, letter="A", npsn="99990101", curriculum=curriculum_a,
              other_units=published_b, office=office)  # fmt: skip
    b = _side(app, db, letter="B", npsn="99990202", curriculum=curriculum_b,
              other_units=published_a, office=office)  # fmt: skip
    for side in (a, b):
        side.school_module = _adaptation(db, side)
    third, third_cohort, second_school_teacher = _third_school(db, a)
    users = [a.student, a.teacher, a.author, b.student, b.teacher, b.author, office, admin,
             second_school_teacher]  # fmt: skip
    world = World(
        a=a, b=b, office=office, admin=admin, program=program, third_school=third,
        third_cohort=third_cohort, second_school_teacher=second_school_teacher,
        tokens=_tokens(app, users), notifications=_notifications(db, users),
    )  # fmt: skip
    world.samples, world.actions = add_quality(app, db, world, jpeg_bytes())
    world.plans = plans_of_sides(db, world)
    return world


def _adaptation(db, side):
    """The school's own adaptation of its side's shared module: version 1, published, with
    one unit more (made after the classes started the shared module, which they keep)."""
    module = Module(
        code=f"{side.module.code}-{side.school.npsn}", program_id=side.module.program_id,
        owner_id=side.school.id, school_id=side.school.id, adapted_from_id=side.module.id,
        position=side.module.position,
    )  # fmt: skip
    db.add(module)
    db.flush()
    version = ModuleVersion(
        module_id=module.id, number=1, status="published", title=dict(side.version.title),
        published_at=utcnow(), based_on_id=side.version.id,
    )  # fmt: skip
    db.add(version)
    db.flush()
    db.add(
        Unit(
            version_id=version.id, code=f"{module.code}-U1", title={"id": "Unit bengkel"},
            task={"id": "Tugas"}, criteria=[{"id": "Kriteria"}], practice_hours=Decimal("2"),
        )
    )  # fmt: skip
    db.commit()
    return module


def _notifications(db, users):
    """A notification for everyone (students already have theirs, from their reviews)."""
    made = {}
    for user in users:
        existing = db.exec(select(Notification.id).where(Notification.user_id == user.id)).first()
        if existing is None:
            notification = Notification(
                user_id=user.id, kind="reviews_waiting", details={"count": 1, "days": 3}
            )
            db.add(notification)
            db.commit()
            existing = notification.id
        made[user.id] = existing
    return made


def _third_school(db, a):
    """School C with a class and its teacher; A's and C's teachers each teach at both."""
    school = Organization(kind="school", name="SMK Sisi C", npsn="99990303", city="Klaten")
    db.add(school)
    db.commit()
    cohort = Cohort(school_id=school.id, name="XI TKRO C", academic_year="2025/2026",
                    program_id=a.cohort.program_id)  # fmt: skip
    db.add(cohort)
    db.commit()
    teacher = person(db, "teacher", school, "Guru C")
    db.add(SchoolMembership(user_id=teacher.id, school_id=a.school.id, since=TODAY))
    db.add(SchoolMembership(user_id=a.teacher.id, school_id=school.id, since=TODAY))
    db.add(CohortTeacher(cohort_id=cohort.id, teacher_id=teacher.id))
    db.add(CohortTeacher(cohort_id=cohort.id, teacher_id=a.teacher.id))
    db.commit()
    return school, cohort, teacher
