"""Students logging units and teachers reviewing them, many at once, against a served app.

Every answer is recorded as the client saw it: "accepted" (the app confirmed the write),
"refused" (the app answered and wrote nothing, e.g. a conflict), or "unknown" (the connection
broke before an answer: the write may or may not have happened). The checks then compare the
database with what was acknowledged.
"""

import random
import re
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import func, select
from sqlmodel import Session
from werkzeug.security import generate_password_hash

from eduplatform.audit.models import AuditEvent
from eduplatform.curriculum.models import Module, ModuleVersion, Program, Unit
from eduplatform.people.models import Cohort, CohortTeacher, Enrollment, Organization, User
from eduplatform.sqltypes import utcnow
from eduplatform.training.models import Certificate, UnitCompletion

PASSWORD = "load test passphrase"
TODAY = datetime.now(ZoneInfo("Asia/Jakarta")).date()  # the schools' today, as the app's
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REVIEW_LINK = re.compile(r'href="/training/completions/(\d+)"')
TIMEOUT = 20


@dataclass
class LoadWorld:
    school_id: int
    units: list  # unit ids of the one module
    students: list  # user rows
    teachers: list


def build_load_world(engine, *, students=12, teachers=2, units=6):
    """A school whose class follows one published module; people with cheap password hashes."""
    cheap = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
    with Session(engine, expire_on_commit=False) as db:
        school = Organization(kind="school", name="SMK Beban", npsn="99998888", city="Solo")
        university = Organization(kind="university", name="Partner", city="Xi'an", country="CN")
        program = Program(code="EV-LOAD", title={"id": "Program beban", "en": "Load program"})
        db.add_all([school, university, program])
        db.commit()
        module = Module(code="EV-LOAD-1", program_id=program.id, owner_id=university.id)
        db.add(module)
        db.commit()
        version = ModuleVersion(
            module_id=module.id, number=1, status="published", published_at=utcnow(),
            title={"id": "Modul beban", "en": "Load module"},
        )  # fmt: skip
        db.add(version)
        db.commit()
        made_units = []
        for n in range(units):
            unit = Unit(
                version_id=version.id, code=f"EV-LOAD-1-U{n + 1}", position=n,
                title={"id": f"Unit {n + 1}"}, task={"id": "Tugas"}, practice_hours=Decimal(2),
            )  # fmt: skip
            db.add(unit)
            made_units.append(unit)
        cohort = Cohort(school_id=school.id, name="XII TKRO 9", academic_year="2025/2026",
                        program_id=program.id)  # fmt: skip
        db.add(cohort)
        db.commit()
        people = {"student": [], "teacher": []}
        for role, count in (("student", students), ("teacher", teachers)):
            for n in range(count):
                person = User(
                    role=role, email=f"{role}{n}@load.example.org", full_name=f"{role} {n}",
                    organization_id=school.id, password_hash=cheap,
                    nisn=f"{7000000000 + n:010d}" if role == "student" else None,
                )  # fmt: skip
                db.add(person)
                people[role].append(person)
        db.commit()
        for teacher in people["teacher"]:
            db.add(CohortTeacher(cohort_id=cohort.id, teacher_id=teacher.id))
        for student in people["student"]:
            db.add(Enrollment(cohort_id=cohort.id, student_id=student.id,
                              enrolled_on=TODAY - timedelta(days=30)))  # fmt: skip
        db.commit()
        return LoadWorld(
            school_id=school.id, units=[u.id for u in made_units],
            students=people["student"], teachers=people["teacher"],
        )  # fmt: skip


@dataclass
class Outcome:
    logs: dict = field(default_factory=dict)  # (student id, unit id) -> [answers]
    reviews: list = field(default_factory=list)  # (completion id, teacher id, decision, answer)
    server_errors: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def log(self, key, answer):
        with self.lock:
            self.logs.setdefault(key, []).append(answer)

    def review(self, completion_id, teacher_id, decision, answer):
        with self.lock:
            self.reviews.append((completion_id, teacher_id, decision, answer))

    def check_status(self, response):
        if response.status_code >= 500:
            with self.lock:
                self.server_errors.append((response.request.method, response.url,
                                           response.status_code,
                                           response.headers.get("X-Request-ID")))  # fmt: skip

    def accepted_logs(self):
        return {k for k, answers in self.logs.items() if "accepted" in answers}


class Browser:
    """One person's browser: a cookie jar, CSRF tokens from the pages, no redirects followed."""

    def __init__(self, base_url, outcome):
        self.base_url, self.outcome = base_url, outcome
        self.session = requests.Session()

    def get(self, path):
        response = self.session.get(self.base_url + path, timeout=TIMEOUT, allow_redirects=False)
        self.outcome.check_status(response)
        return response

    def post(self, path, data):
        response = self.session.post(
            self.base_url + path, data=data, timeout=TIMEOUT, allow_redirects=False
        )
        self.outcome.check_status(response)
        return response

    def token(self, path):
        match = TOKEN.search(self.get(path).text)
        return match.group(1) if match else None

    def sign_in(self, login):
        for _attempt in range(5):  # a worker killed under us: sign in again
            try:
                token = self.token("/login")
                response = self.post(
                    "/login", {"login": login, "password": PASSWORD, "csrf_token": token}
                )
                if response.status_code == 302:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise AssertionError(f"{login} could not sign in")


def student_work(server, world, student, outcome, deadline, double_submit=True):
    browser = Browser(server.base_url, outcome)
    browser.sign_in(student.email)
    units = list(world.units)
    random.Random(student.id).shuffle(units)
    for index, unit_id in enumerate(units):
        if time.monotonic() > deadline:
            return
        path = f"/training/units/{unit_id}/log"
        try:
            token = browser.token(path)
        except requests.RequestException:
            continue  # nothing was sent that writes
        data = {
            "csrf_token": token,
            "performed_on": TODAY.isoformat(),
            "hours": "1.5",
            "note": f"Unit {unit_id} done by {student.full_name}.",
        }
        senders = [browser]
        if double_submit and index == 0:  # a double tap on a slow phone: the same form twice
            twin = Browser(server.base_url, outcome)
            twin.session.cookies.update(browser.session.cookies)
            senders.append(twin)
        threads = [
            threading.Thread(target=_send_log, args=(b, path, data, (student.id, unit_id), outcome))
            for b in senders
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def _send_log(browser, path, data, key, outcome):
    try:
        response = browser.post(path, data)
    except requests.RequestException:
        outcome.log(key, "unknown")
        return
    if response.status_code == 302 and "/training/" not in response.headers.get("Location", ""):
        outcome.log(key, "accepted")
    elif response.status_code == 422:
        outcome.log(key, "refused")
    else:
        outcome.log(key, f"unexpected {response.status_code}")


def decision_for(completion_id):
    return "reject" if completion_id % 11 == 0 else "approve"


def teacher_work(server, teacher, outcome, deadline, students_done, reverse=False):
    browser = Browser(server.base_url, outcome)
    browser.sign_in(teacher.email)
    while time.monotonic() < deadline:
        try:
            ids = [int(i) for i in REVIEW_LINK.findall(browser.get("/training/verification").text)]
        except requests.RequestException:
            continue
        if not ids:
            if students_done.is_set():
                return
            time.sleep(0.1)
            continue
        for completion_id in reversed(ids) if reverse else ids:
            _review(browser, teacher, completion_id, outcome)


def _review(browser, teacher, completion_id, outcome):
    path = f"/training/completions/{completion_id}"
    try:
        token = browser.token(path)
    except requests.RequestException:
        return
    decision = decision_for(completion_id)
    data = {"csrf_token": token, "decision": decision}
    if decision == "reject":
        data["feedback"] = "Photograph the lock-out tag, then log it again."
    try:
        response = browser.post(path, data)
    except requests.RequestException:
        outcome.review(completion_id, teacher.id, decision, "unknown")
        return
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.endswith(path):
        answer = "refused"  # someone else reviewed it first: back to the same record
    elif response.status_code == 302 and (
        location.endswith("/training/verification") or "/training/completions/" in location
    ):
        answer = "accepted"  # on to the next waiting record, or the queue when none is left
    else:
        answer = f"unexpected {response.status_code}"
    outcome.review(completion_id, teacher.id, decision, answer)


def run_load(server, world, *, seconds=60, during=None):
    """Every student logs every unit while the teachers review; `during` runs alongside."""
    outcome = Outcome()
    deadline = time.monotonic() + seconds
    students_done = threading.Event()
    students = [
        threading.Thread(target=student_work, args=(server, world, s, outcome, deadline))
        for s in world.students
    ]
    teachers = [
        threading.Thread(
            target=teacher_work, args=(server, t, outcome, deadline, students_done, n % 2 == 1)
        )
        for n, t in enumerate(world.teachers)
    ]
    side = threading.Thread(target=during, args=(outcome,)) if during else None
    for thread in students + teachers + ([side] if side else []):
        thread.start()
    for thread in students:
        thread.join()
    students_done.set()
    for thread in teachers + ([side] if side else []):
        thread.join()
    assert time.monotonic() < deadline, "the load did not finish in time"
    return outcome


def explain(server, outcome):
    """The server's log lines of the requests that failed, for the assertion message."""
    ids = {error[3] for error in outcome.server_errors}
    lines = [e for e in server.log_entries() if e.get("request_id") in ids]
    return "\n".join(str(e)[:3000] for e in lines[:6])


def check_no_loss(engine, world, outcome, *, killed=False, server=None):
    """What was acknowledged is in the database exactly once; nothing is half-written."""
    if outcome.server_errors:
        detail = explain(server, outcome) if server else ""
        raise AssertionError(f"server errors: {outcome.server_errors[:10]}\n{detail}")
    unexpected = [(k, a) for k, answers in outcome.logs.items() for a in answers
                  if a.startswith("unexpected")]  # fmt: skip
    unexpected += [r for r in outcome.reviews if r[3].startswith("unexpected")]
    assert not unexpected, unexpected[:10]
    if not killed:
        assert all("unknown" not in answers for answers in outcome.logs.values())
    with Session(engine) as db:
        rows = db.exec(select(UnitCompletion)).scalars().all()
        per_pair = Counter((c.student_id, c.unit_id) for c in rows)
        # Students do not log a unit again here, so one row per student and unit at most.
        assert max(per_pair.values(), default=0) <= 1, "a unit was recorded twice"
        for key in outcome.accepted_logs():
            assert per_pair[key] == 1, f"acknowledged log {key} is missing"
        for key in per_pair:
            assert key in outcome.logs, f"{key} was never sent but is in the database"
            answers = outcome.logs[key]
            assert "accepted" in answers or "unknown" in answers, f"{key}: refused yet saved"
        for key, answers in outcome.logs.items():
            assert answers.count("accepted") <= 1, f"{key} acknowledged twice: {answers}"

        events = db.exec(select(AuditEvent.action, AuditEvent.object_id)).all()
        by_action = defaultdict(Counter)
        for action, object_id in events:
            by_action[action][object_id] += 1
        for completion in rows:
            ident = str(completion.id)
            assert by_action["completion.logged"][ident] == 1, f"completion {ident}: no event"
            reviews = (
                by_action["completion.verified"][ident] + by_action["completion.rejected"][ident]
            )
            assert reviews == (0 if completion.status == "submitted" else 1), ident
        assert len(by_action["completion.logged"]) == len(rows)

        by_id = {c.id: c for c in rows}
        accepted_reviews = [r for r in outcome.reviews if r[3] == "accepted"]
        assert len({r[0] for r in accepted_reviews}) == len(accepted_reviews), (
            "one record was acknowledged as reviewed by two teachers"
        )
        for completion_id, teacher_id, decision, _answer in accepted_reviews:
            done = by_id[completion_id]
            assert done.status == ("verified" if decision == "approve" else "rejected")
            assert done.reviewer_id == teacher_id

        complete = {
            student for student in {c.student_id for c in rows}
            if sum(1 for c in rows if c.student_id == student and c.status == "verified")
            == len(world.units)
        }  # fmt: skip
        certificates = db.exec(select(Certificate)).scalars().all()
        holders = Counter(c.student_id for c in certificates)
        assert set(holders) == complete, "certificates must match the completed modules"
        assert all(n == 1 for n in holders.values())
        for certificate in certificates:
            assert by_action["certificate.issued"][str(certificate.id)] == 1
        count = db.exec(select(func.count()).select_from(Certificate)).one()[0]
        assert count == len(complete)
    return {
        "completions": len(rows),
        "verified": sum(c.status == "verified" for c in rows),
        "certificates": len(certificates),
    }


def check_server_log(server):
    log = server.log()
    assert "database is locked" not in log
    assert "Traceback" not in log, log[log.index("Traceback") - 200 :][:3000]
    errors = [e for e in server.log_entries() if e.get("level") in ("error", "critical")]
    assert not errors, errors[:5]
