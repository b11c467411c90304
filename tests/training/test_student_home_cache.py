"""The student home renders what every student of a module version sees alike once per process
(training/home.py) and reads a published version's units once (progress.version_units): no
student's or school's data reaches another's page, each page is in its reader's language, and a
newly published version shows at once."""

import re

import pytest
from sqlmodel import select

from eduplatform.curriculum import authoring
from eduplatform.curriculum.models import ModuleVersion, Unit
from eduplatform.people.models import Cohort
from eduplatform.training import progress
from tests.conftest import PASSWORD
from tests.sql import recorded


def signed_in(app, user):
    """A client of the user's own, signed in."""
    client = app.test_client()
    response = client.post("/login", data={"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def home(app):
    """home(user, lang): the user's home page as text, from a client of their own."""

    def get(user, lang="en"):
        response = signed_in(app, user).get(f"/?lang={lang}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    return get


def _row(page, code):
    """The <li> of a unit, whitespace collapsed."""
    match = re.search(rf'<li class="unit [^"]*">\s*<div class="unit-head">\s*<span><strong>{code}'
                      r"</strong>.*?</li>", page, re.S)  # fmt: skip
    assert match, f"no row for {code}"
    return " ".join(match.group(0).split())


def test_two_students_of_one_class_each_see_their_own_states_and_feedback(
    app, session, home, training, verified, log
):
    from eduplatform.training import service

    verified("EV-101-U1")
    completion = log("EV-101-U2")
    with app.test_request_context("/?lang=en"):
        service.reject_completion(
            session, actor=training.teacher, completion=completion, feedback="Gloves missing."
        )
    for _round in range(2):  # the second round reads everything from the cache
        mine = home(training.student)
        theirs = home(training.classmate)
        assert 'class="unit state-verified"' in _row(mine, "EV-101-U1")
        assert "state-rejected" in _row(mine, "EV-101-U2")
        assert "Gloves missing." in _row(mine, "EV-101-U2")
        assert "Log it again" in _row(mine, "EV-101-U2")
        assert "state-not_started" in _row(theirs, "EV-101-U1")
        assert "I did this" in _row(theirs, "EV-101-U1")
        assert "state-locked" in _row(theirs, "EV-101-U2")
        assert "Verify these units first: EV-101-U1 High-voltage hazards" in _row(
            theirs, "EV-101-U2"
        )
        assert "Gloves missing." not in theirs
        assert "Verified" not in _row(theirs, "EV-101-U1")
        # The battery module's safety-critical unit waits for the whole safety module.
        assert "Verify the high-voltage safety units first: EV-101-U2 De-energising" in _row(
            mine, "EV-102-U2"
        )


def test_each_page_is_in_its_readers_language(home, training):
    english = home(training.student, "en")
    indonesian = home(training.student, "id")
    chinese = home(training.student, "zh")
    english_again = home(training.student, "en")
    assert "High-voltage hazards" in _row(english, "EV-101-U1")
    main = re.compile(r"<main.*</main>", re.S)  # the rest holds each session's CSRF token
    assert main.search(english_again).group(0) == main.search(english).group(0)
    assert "Bahaya tegangan tinggi" in _row(indonesian, "EV-101-U1")
    assert "High-voltage hazards" not in indonesian
    assert "高压危害" in _row(chinese, "EV-101-U1")
    # No Chinese title: the Indonesian one, marked as not translated in the reader's language.
    row = _row(chinese, "EV-101-U2")
    assert '<span lang="id">Prosedur bebas tegangan</span>' in row
    assert "not yet translated" not in row and "not yet translated" not in indonesian
    assert "Module EV-101" in english and "模块 EV-101" in chinese and "Modul EV-101" in indonesian


def test_a_newly_published_version_shows_at_once(db, app, home, training, add_module, make_user):
    module, draft, _units = add_module(
        training.program,
        "EV-104",
        [("EV-104-U1", {"id": "Pengisian daya", "en": "Charging"}, False, [])],
        owner=training.university,
        position=4,
        status="draft",
    )
    page = home(training.student)
    assert "This module has no published version yet." in page
    assert "EV-104-U1" not in page
    # The draft changes before it is published; the page shows what was published.
    unit = db.get(Unit, _units["EV-104-U1"].id)
    unit.title = {"id": "Pengisian daya AC", "en": "AC charging"}
    db.add(unit)
    db.commit()
    with app.test_request_context("/?lang=en"):
        authoring.publish(
            db,
            actor=make_user("author", organization=training.university),
            module=module,
            version=db.get(ModuleVersion, draft.id),
        )
    page = home(training.student)
    assert "AC charging" in _row(page, "EV-104-U1")
    assert "This module has no published version yet." not in page


def test_a_schools_adaptation_reaches_only_that_schools_students(
    db, home, training, add_module, make_user, enrol
):
    adapted, _version, _units = add_module(
        training.program,
        "EV-102-SMK2",
        [("EV-102-U1", {"id": "Baterai bengkel kami", "en": "Our workshop battery"}, False, [])],
        owner=training.school,
        position=2,
    )
    adapted.school_id, adapted.adapted_from_id = training.school.id, training.battery.id
    db.add(adapted)
    other_cohort = Cohort(school_id=training.other_school.id, name="XI TKRO 9",
                          academic_year="2025/2026", program_id=training.program.id)  # fmt: skip
    db.add(other_cohort)
    db.commit()
    outsider = make_user("student", organization=training.other_school)
    enrol(outsider, other_cohort)
    for _round in range(2):
        theirs = home(outsider)
        mine = home(training.student)
        assert "Battery architecture" in _row(theirs, "EV-102-U1")
        assert "Our workshop battery" not in theirs and "EV-102-SMK2" not in theirs
        assert "Our workshop battery" in _row(mine, "EV-102-U1")
        assert "Battery architecture" not in mine


def test_unit_titles_stay_escaped(db, home, training):
    unit = db.get(Unit, training.units["EV-101-U1"].id)
    unit.title = {"id": "<script>alert(1)</script>", "en": "<b>Bold</b> & more"}
    db.add(unit)
    db.commit()
    for _round in range(2):
        page = home(training.student)
        assert "&lt;b&gt;Bold&lt;/b&gt; &amp; more" in _row(page, "EV-101-U1")
        assert "<b>Bold</b>" not in page
        # Named in the lock message of the unit that requires it, escaped there too.
        assert "EV-101-U1 &lt;b&gt;Bold&lt;/b&gt; &amp; more" in _row(page, "EV-101-U2")


def test_published_units_are_read_once_per_process_and_drafts_every_time(
    db, app, session, training, add_module
):
    _module, draft, _units = add_module(
        training.program, "EV-105", [("EV-105-U1", {"id": "Satu"}, False, [])], status="draft"
    )
    published = session.get(ModuleVersion, db.get(Unit, training.units["EV-101-U1"].id).version_id)
    with app.test_request_context("/"):
        first = progress.version_units(session, [published, session.get(ModuleVersion, draft.id)])
        again = progress.version_units(session, [published, session.get(ModuleVersion, draft.id)])
    assert again[published.id] is first[published.id]
    assert [u.code for u in first[published.id].units] == ["EV-101-U1", "EV-101-U2"]
    assert isinstance(first[published.id].units[0], progress.FrozenUnit)
    assert again[draft.id] is not first[draft.id]
    assert isinstance(first[draft.id].units[0], Unit)
    required = first[published.id].prerequisites[training.units["EV-101-U2"].id]
    assert required == (training.units["EV-101-U1"].id,)


def test_the_safety_version_found_among_the_cohorts_modules_is_the_one_looked_up(
    db, session, training, add_module
):
    """student_progress takes the safety module's version from the cohort's modules instead of
    looking it up: the same version, also when the school follows its own adaptation."""
    adapted, version, _units = add_module(
        training.program,
        "EV-101-SMK2",
        [("EV-101-U1", {"id": "Keselamatan bengkel kami"}, False, [])],
        owner=training.school,
        position=1,
    )
    adapted.school_id, adapted.adapted_from_id = training.school.id, training.safety.id
    db.add(adapted)
    db.commit()
    cohort = session.get(Cohort, training.cohort.id)
    modules, offered = progress._cohort_modules(session, cohort)
    found = progress._safety_among(modules, offered)
    assert found.id == progress.safety_version(session, cohort).id == version.id


def _card(page, code):
    """A module's <details> card, whitespace collapsed."""
    start = r'<details class="card module"[^>]*>\s*<summary>\s*<span class="module-title">'
    match = re.search(rf"{start}<strong>{code}</strong>.*?</details>", page, re.S)
    assert match, f"no card for {code}"
    return " ".join(match.group(0).split())


def test_whole_module_cards_are_each_students_own_and_open_as_asked(
    app, home, training, verified, log
):
    """Cards are kept whole per what they show: counts, states, open or not, the certificate."""
    verified("EV-101-U1")
    log("EV-101-U2")
    for _round in range(2):  # the second round reads the cards from the cache
        mine, theirs = home(training.student), home(training.classmate)
        assert (
            '1 of 2 units verified · <span class="status-waiting">1 unit waiting for review</span>'
            in _card(mine, "EV-101")
        )
        assert "0 of 2 units verified" in _card(theirs, "EV-101")
        assert "waiting for review" not in _card(theirs, "EV-101")
        # Open: the classmate's first unfinished module; the student's module with a wait.
        assert _card(mine, "EV-101").startswith('<details class="card module" id="module-')
        assert " open>" in _card(mine, "EV-101")[:80] and " open>" in _card(theirs, "EV-101")[:80]
        assert " open>" not in _card(theirs, "EV-102")[:80]
        classmate = signed_in(app, training.classmate)
        asked = classmate.get("/?lang=en&open=EV-102").get_data(as_text=True)
        assert " open>" in _card(asked, "EV-102")[:80]
    assert "Module complete." not in mine


def _main(page):
    """The page's <main> (the header's form tokens differ from one client to the next)."""
    return re.search(r"<main.*</main>", page, re.S).group(0)


def test_the_kept_rows_and_cards_stay_within_their_budget_and_pages_stay_right(
    app, home, training, verified, log
):
    """A worker keeps at most KEPT_CHARACTERS of rows and cards: past it every version forgets
    its rows and cards, and the pages read after that are still each student's own."""
    from eduplatform.training import home as student_home

    verified("EV-101-U1")
    log("EV-101-U2")
    mine, theirs = _main(home(training.student)), _main(home(training.classmate))
    with app.app_context():
        cache = student_home._cache()
        kept = sum(student_home._characters(view) for view in cache.entries.values())
        assert kept == cache.kept > 0
        cache.budget = kept + 1  # the next row or card kept goes past it
    for _round in range(3):
        again_mine = _main(home(training.student))
        again_theirs = _main(home(training.classmate))
        assert again_mine == mine and again_theirs == theirs
        assert cache.kept <= cache.budget
        assert sum(student_home._characters(view) for view in cache.entries.values()) <= (
            cache.budget
        )
    chinese = home(training.classmate, lang="zh")  # new rows and cards: the budget is passed
    assert "EV-101" in chinese
    assert cache.kept <= cache.budget
    assert sum(student_home._characters(view) for view in cache.entries.values()) == cache.kept


def test_certificates_are_read_with_the_class_in_one_statement(app, home, training, verified):
    """The home reads the student's class, its school, the curriculum's token and the student's
    valid certificates in one statement, then the records: a complete module's card links its
    certificate without a statement of its own."""
    verified("EV-101-U1")
    assert "Your certificate" not in home(training.student)
    verified("EV-101-U2")
    with recorded(app) as seen:
        page = home(training.student)
    (read_with_the_class,) = seen.selects("certificate")  # no statement of their own
    assert read_with_the_class.startswith("SELECT cohort.id")
    assert "AS certificate_codes" in read_with_the_class
    assert "Module complete." in _card(page, "EV-101") and "Your certificate" in page
    code = page.split("/certificates/")[1].split('"')[0]
    assert code == _certificate_code(app, training.student)


def _certificate_code(app, student):
    from sqlmodel import Session, select

    from eduplatform.db import get_engine
    from eduplatform.training.models import Certificate

    with app.app_context(), Session(get_engine(app)) as session:
        (code,) = session.exec(select(Certificate.code).where(Certificate.student_id == student.id))
    return code


def test_kept_cards_in_indonesian_and_english_are_one_byte_a_character(
    app, home, training, verified
):
    """A worker keeps thousands of rows and cards: one character past Latin-1 (a "✓") makes
    Python store a whole card at 2 bytes a character, so the templates write such signs as
    references (&#10003;)."""
    verified("EV-101-U1")
    verified("EV-101-U2")  # a certificate: the card says the module is complete
    assert "Module complete." in home(training.student, "en")
    home(training.student, "id")
    kept = [
        markup
        for view in app.extensions["training.home_versions"].entries.values()
        for markup in [view.title, *view.heads.values(), *view.rows.values()]
    ]
    assert any("&#10003;" in markup for markup in kept)
    wide = {char for markup in kept for char in markup if ord(char) > 0xFF}
    assert wide == set()


def test_a_students_records_are_read_as_rows_the_session_does_not_track(
    app, session, training, verified, log
):
    """The states come from the student's records read as plain rows (each field by its name):
    no object per record is built and tracked, and every field a page shows is there."""
    from eduplatform.training import service
    from eduplatform.training.models import UnitCompletion

    verified("EV-101-U1")
    log("EV-101-U2")
    session.expunge_all()
    cohort = service.student_cohort(session, training.student)[1]
    modules = service.student_progress(session, student_id=training.student.id, cohort=cohort)
    states = {u.unit.code: u for m in modules for u in m.units}
    assert states["EV-101-U1"].state == progress.UnitState.VERIFIED
    assert states["EV-101-U2"].state == progress.UnitState.SUBMITTED
    record = states["EV-101-U2"].completion
    assert record.status == "submitted" and record.hours > 0 and record.performed_on
    assert record.student_id == training.student.id
    assert not [o for o in session.identity_map.values() if isinstance(o, UnitCompletion)]


def test_a_students_kept_cards_follow_every_change_of_their_records(
    db, app, session, training, log, verified, monkeypatch
):
    """One student's cards are kept per process, keyed by their records and certificates: each
    change shows on the next visit, whether made by the services or by a plain UPDATE, and a
    visit with nothing changed draws nothing again."""
    from sqlalchemy import text

    from eduplatform.training import home as student_home
    from eduplatform.training import service
    from eduplatform.training.models import Certificate

    drawn = []
    draw = student_home.student_progress
    monkeypatch.setattr(
        student_home, "student_progress", lambda *a, **k: drawn.append(1) or draw(*a, **k)
    )
    client = signed_in(app, training.student)

    def page():
        response = client.get("/?lang=en")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    assert "I did this" in _row(page(), "EV-101-U1")
    page()
    assert len(drawn) == 1  # the second visit: the kept cards
    completion = log("EV-101-U1")
    assert "state-submitted" in _row(page(), "EV-101-U1")
    with app.test_request_context("/?lang=en"):
        service.reject_completion(
            session, actor=training.teacher, completion=completion, feedback="Gloves missing."
        )
    assert "Gloves missing." in _row(page(), "EV-101-U1")
    # A change no service made (a correction in the database): the next visit shows it too.
    db.execute(
        text("UPDATE unit_completion SET feedback = 'Wear class 0 gloves.' WHERE id = :id"),
        {"id": completion.id},
    )
    db.commit()
    row = _row(page(), "EV-101-U1")
    assert "Wear class 0 gloves." in row and "Gloves missing." not in row
    verified("EV-101-U1", "EV-101-U2")
    shown = page()
    assert "Your certificate" in shown and "2 of 2 units verified" in shown
    certificate = db.exec(select(Certificate)).one()
    with app.test_request_context("/?lang=en"):
        service.revoke_certificate(
            session, actor=training.office, certificate=session.get(Certificate, certificate.id),
            reason="Issued in error.",
        )  # fmt: skip
    assert "Your certificate" not in page()
    drawn.clear()
    page()
    assert drawn == []
    # Another student of the class never gets these cards.
    other = signed_in(app, training.classmate)
    theirs = other.get("/?lang=en").get_data(as_text=True)
    assert "Wear class 0 gloves." not in theirs and "2 of 2 units verified" not in theirs
    assert drawn == [1]


def test_an_open_module_asked_by_the_address_is_kept_only_when_it_is_the_classs(app, training):
    client = signed_in(app, training.student)
    opened = client.get(f"/?lang=en&open={training.battery.code}").get_data(as_text=True)
    assert re.search(rf'id="module-{training.battery.id}"\s+open', opened)
    for junk in ("x" * 2000, "EV-999", "<script>"):
        assert client.get("/", query_string={"lang": "en", "open": junk}).status_code == 200
    with app.app_context():
        keys = list(app.extensions["training.student_homes"].entries)
    assert sorted(key[4] for key in keys) == ["", training.battery.code]
