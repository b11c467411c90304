"""Demo data that lets every journey of the product start as written (JOURNEYS.md).

- the city's sister-school programme: one MoU of the education office with the university, the
  three demo schools its members (Pak Budi plans a joint workshop in it; Ms. Chen records a
  visit; teachers of every member school take part with their accounts);
- Siti's class of the academic year that contains today in Jakarta (clock.local_today), named
  so that Pak Budi can still create "XI TKRO 1" in his first step; Siti's birth date (she is
  16, so her passport needs a parent's consent); her first three high-voltage safety units
  verified, so that she logs the de-energising unit next while the battery module stays locked;
- classmates awaiting activation (the activation sheet has names to print), a few of whose units
  wait in Pak Budi's queue, and a unit verified this month (the dashboard has figures);
- a teacher-training activity of the last weeks, completed with hours (teachers trained);
- Ms. Chen's sampling of the schools' sign-offs (demo_quality): the plan, a grade XII class
  whose EV-101 certificates wait for the university's endorsement, earlier reviews;
- industry placements (demo_placements): Siti's running placement at an EV workshop with last
  week's journal, and a grade XII student's finished, certified one at a Chinese firm.

Everything goes through the services, so audit events and dashboard rollups are kept as in real
use. Each part runs only when its data is missing: loading the demo twice changes nothing.
"""

from datetime import date, timedelta

from sqlmodel import select

from eduplatform import demo_photos, demo_placements, demo_quality
from eduplatform.clock import local_today
from eduplatform.curriculum.models import Module, ModuleVersion, Unit
from eduplatform.exchange import participation, partnerships
from eduplatform.exchange import service as exchange
from eduplatform.exchange.models import ExchangeActivity, Partnership
from eduplatform.people.memberships import add_membership, memberships
from eduplatform.people.models import Cohort, CohortTeacher, Enrollment, Role, User
from eduplatform.training.completions import log_completion
from eduplatform.training.models import UnitCompletion
from eduplatform.training.reviews import approve_completion

CLASS_NAME = "XI TKRO 2"  # never "XI TKRO 1": Pak Budi creates that one in his first step
MOU = "DEMO/MOU-KOTA/2025"  # fictional, like every demo name
# Siti's classmates: awaiting activation, some with work waiting for review (NISN 9999...: no
# real student's). (name, NISN, units logged: the first verified before the others are logged)
CLASSMATES = (
    ("Dewi Anggraini", "9999000002", ("EV-101-U1",)),
    ("Rizki Pratama", "9999000003", ("EV-101-U1",)),
    ("Andi Saputra", "9999000004", ("EV-101-U1", "EV-101-U2")),
    ("Putri Maharani", "9999000005", ("EV-101-U1",)),
    ("Bagus Nugroho", "9999000006", ()),
)
SITI_VERIFIED = ("EV-101-U1", "EV-101-U2", "EV-101-U3")
COLLEAGUE = {"name": "Agus Wibowo", "email": "agus.wibowo@demo.example.org"}


def academic_year_of(day):
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}/{start + 1}"


def first_school_day(academic_year, today):
    """Mid-July of the year's start (or today, in its first days)."""
    return min(date(int(academic_year[:4]), 7, 14), today)


def birth_date_of_age(today, years, months_more=4):
    """A birth date that makes someone `years` old today (and some months)."""
    year, month = today.year - years, today.month - months_more
    if month < 1:
        year, month = year - 1, month + 12
    return date(year, month, min(today.day, 28))


def current_class(session, school, program, teacher, today):
    """Siti's class of this academic year, with Pak Budi as its teacher."""
    year = academic_year_of(today)
    cohort = session.exec(
        select(Cohort).where(
            Cohort.school_id == school.id, Cohort.name == CLASS_NAME, Cohort.academic_year == year
        )
    ).first()
    if cohort is None:
        cohort = Cohort(
            school_id=school.id, name=CLASS_NAME, academic_year=year, program_id=program.id
        )
        session.add(cohort)
        session.flush()
        session.add(CohortTeacher(cohort_id=cohort.id, teacher_id=teacher.id))
    return cohort


def enrol(session, cohort, student, today):
    if session.exec(select(Enrollment.id).where(Enrollment.student_id == student.id)).first():
        return
    session.add(
        Enrollment(
            cohort_id=cohort.id,
            student_id=student.id,
            enrolled_on=first_school_day(cohort.academic_year, today),
        )
    )


def classmates(session, school, cohort, today):
    """Siti's classmates (no password yet: their activation sheet is to be printed)."""
    students = []
    for offset, (name, nisn, _units) in enumerate(CLASSMATES):
        student = session.exec(select(User).where(User.nisn == nisn)).first()
        if student is None:
            student = User(
                full_name=name,
                role=Role.STUDENT,
                organization_id=school.id,
                nisn=nisn,
                birth_date=birth_date_of_age(today, 16, months_more=2 + offset),
            )
            session.add(student)
            session.flush()
        enrol(session, cohort, student, today)
        students.append(student)
    return students


def colleague(session, school):
    """A teacher of another member school, who takes part in the city's exchange."""
    teacher = session.exec(select(User).where(User.email == COLLEAGUE["email"])).first()
    if teacher is None:
        teacher = User(
            email=COLLEAGUE["email"],
            full_name=COLLEAGUE["name"],
            role=Role.TEACHER,
            organization_id=school.id,
        )
        session.add(teacher)
        session.flush()
    if not memberships(session, teacher.id):
        add_membership(session, teacher=teacher, school=school)
    return teacher


def _unit(session, code):
    """The unit of the module's current published version."""
    module_code = code.rsplit("-", 1)[0]
    return session.exec(
        select(Unit)
        .join(ModuleVersion, ModuleVersion.id == Unit.version_id)
        .join(Module, Module.id == ModuleVersion.module_id)
        .where(Module.code == module_code, Unit.code == code, ModuleVersion.status == "published")
        .order_by(ModuleVersion.number.desc())
    ).first()


def _verify(session, teacher, completion, feedback=None):
    unit = session.get(Unit, completion.unit_id)
    approve_completion(
        session,
        actor=teacher,
        completion=completion,
        feedback=feedback,
        criteria_met=range(1, len(unit.criteria or []) + 1),
    )


def class_work(session, cohort, teacher, siti, students, today):
    """Siti's verified safety units and her classmates' units waiting in the queue (once)."""
    if session.exec(select(UnitCompletion.id).where(UnitCompletion.cohort_id == cohort.id)).first():
        return
    day = first_school_day(cohort.academic_year, today)

    def performed(days_ago):
        return max(day, today - timedelta(days=days_ago))

    notes = {
        "EV-101-U1": "Mengidentifikasi kabel oranye dan komponen tegangan tinggi pada mobil latih.",
        "EV-101-U2": "Memeriksa sarung tangan isolasi kelas 0 dengan uji gulung, tanpa kebocoran.",
        "EV-101-U3": "Memasang pembatas area dan rambu bahaya di sekitar mobil latih.",
    }
    for number, code in enumerate(SITI_VERIFIED):
        completion = log_completion(
            session, actor=siti, unit=_unit(session, code), performed_on=performed(9 - number),
            hours="2", note=notes[code],
        )  # fmt: skip
        feedback = "Rapi dan aman. Lanjutkan ke prosedur bebas tegangan." if number == 2 else None
        _verify(session, teacher, completion, feedback)
    for (_name, _nisn, codes), student in zip(CLASSMATES, students, strict=True):
        for number, code in enumerate(codes):
            completion = log_completion(
                session, actor=student, unit=_unit(session, code),
                performed_on=performed(3 - number), hours="2", note=notes[code],
            )  # fmt: skip
            if number < len(codes) - 1:  # earlier units verified; the last one waits
                _verify(session, teacher, completion)


def city_programme(session, office, university, schools):
    """The education office's sister-school MoU with the university; every demo school in it."""
    partnership = session.exec(
        select(Partnership).where(
            Partnership.school_id == office.id, Partnership.partner_id == university.id
        )
    ).first()
    if partnership is not None:
        return partnership
    return partnerships.create_partnership(
        session,
        actor=None,
        school=office,
        partner=university,
        kind="sister_school",
        areas=["education", "culture"],
        mou_reference=MOU,
        mou_signed_on=date(2025, 3, 12),
        started_on=date(2025, 4, 1),
        status="active",
        notes="Program sekolah kembar tingkat kota (data demo).",
        member_schools=schools,
    )


def past_training(session, partnership, author, teachers, today):
    """A completed online teacher training of the last weeks, with hours credited (once)."""
    title = "Pelatihan guru daring: dasar sistem manajemen baterai"
    if session.exec(select(ExchangeActivity.id).where(ExchangeActivity.title == title)).first():
        return
    starts = today - timedelta(days=12)
    activity = exchange.create_activity(
        session,
        actor=author,
        partnership=partnership,
        kind="teacher_training",
        title=title,
        starts_on=starts,
        ends_on=starts,
        start_time=None,
        end_time=None,
        online_url="https://meet.example.org/demo-bms",
        languages=["id", "zh"],
        currency="IDR",
    )
    participation.add_participant(
        session, actor=author, activity=activity, partnership=partnership, user=author,
        role="facilitator",
    )  # fmt: skip
    for teacher in teachers:
        participation.add_participant(
            session, actor=author, activity=activity, partnership=partnership, user=teacher
        )
    participation.add_participant(
        session, actor=author, activity=activity, partnership=partnership,
        guest_name="Li Na", guest_affiliation="Penerjemah (demo)", role="interpreter",
    )  # fmt: skip
    exchange.complete_activity(
        session,
        actor=author,
        activity=activity,
        outcomes="Guru memahami fungsi BMS dan cara membaca data sel baterai.",
        hours="3",
        follow_up="Lokakarya praktik BMS di bengkel sekolah.",
    )


def load_journeys(session, *, orgs, users, program):
    """Everything the journeys start from (see the module's docstring)."""
    today = local_today()
    teacher, siti, author = users[Role.TEACHER], users[Role.STUDENT], users[Role.AUTHOR]
    # Before any verification: the plan draws each of Pak Budi's decisions as he makes them.
    demo_quality.reviewer_and_plan(session, admin=users[Role.ADMIN], reviewer=author,
                                   program=program)  # fmt: skip
    if siti.birth_date is None:
        siti.birth_date = birth_date_of_age(today, 16)
        session.add(siti)
    cohort = current_class(session, orgs["school1"], program, teacher, today)
    enrol(session, cohort, siti, today)
    students = classmates(session, orgs["school1"], cohort, today)
    agus = colleague(session, orgs["school2"])
    session.commit()
    class_work(session, cohort, teacher, siti, students, today)
    demo_quality.finished_class(
        session, school=orgs["school1"], program=program, teacher=teacher, today=today,
        academic_year=cohort.academic_year, unit=_unit, verify=_verify,
        first_day=first_school_day(cohort.academic_year, today),
    )  # fmt: skip
    demo_quality.earlier_reviews(session, reviewer=author, school=orgs["school1"])
    schools = [orgs["school1"], orgs["school2"], orgs["school3"]]
    partnership = city_programme(session, orgs["office"], orgs["university"], schools)
    past_training(session, partnership, author, [teacher, agus], today)
    session.commit()
    demo_placements.load_placements(session, teacher=teacher, siti=siti, today=today)
    demo_photos.photograph_waiting_work(session, orgs["school1"])  # the queue's evidence
