"""The student's home: each module's summary tells what waits for review and what was rejected,
and the modules that need the student's attention (or that the page was sent to) are open."""

import re
from urllib.parse import urlsplit

import pytest

from eduplatform.training import service
from tests.training.conftest import TODAY


@pytest.fixture
def workshop(training, add_module):
    """A third module, EV-103, whose three units need nothing first (the first unfinished
    module, EV-101, stays the one open by default)."""
    module, _version, units = add_module(
        training.program,
        "EV-103",
        [(f"EV-103-U{n}", {"id": f"Unit {n}", "en": f"Unit {n}"}, False, []) for n in (1, 2, 3)],
        owner=training.university,
        position=3,
    )
    training.units.update(units)
    return module


@pytest.fixture
def reject(app, session, training, log):
    def make(code, feedback="Photo too dark."):
        completion = log(code)
        with app.test_request_context("/?lang=en"):
            service.reject_completion(
                session, actor=training.teacher, completion=completion, feedback=feedback
            )
        return completion

    return make


def _details(page, module):
    """The opening <details> tag of a module's section."""
    match = re.search(rf'<details class="card module" id="module-{module.id}"[^>]*>', page)
    assert match, f"no section for {module.code}"
    return match.group(0)


def _is_open(page, module):
    return re.search(r"\sopen(\s|>|=)", _details(page, module)) is not None


def _summary(page, module):
    """The text of a module's summary line, whitespace collapsed, tags removed."""
    start = page.index(f'id="module-{module.id}"')
    summary = page[start : page.index("</summary>", start)]
    line = re.search(r'<p class="muted small module-status">(.*?)</p>', summary, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", "", line).split())


def test_summary_counts_units_waiting_for_review_and_rejected(
    client, login, training, workshop, log, reject
):
    log("EV-103-U1")
    reject("EV-103-U2")
    login(training.student)
    page = client.get("/?lang=en").get_data(as_text=True)
    assert _summary(page, workshop) == (
        "0 of 3 units verified · 1 unit waiting for review · 1 unit rejected"
    )
    # Nothing waits and nothing was rejected: the line says only what is verified.
    assert _summary(page, training.battery) == "0 of 2 units verified"
    assert _summary(page, training.safety) == "0 of 2 units verified"


def test_summary_uses_plural_forms(client, login, training, workshop, log, reject):
    log("EV-103-U1")
    log("EV-103-U2")
    reject("EV-101-U1")
    login(training.student)
    page = client.get("/?lang=en").get_data(as_text=True)
    assert _summary(page, workshop) == "0 of 3 units verified · 2 units waiting for review"
    assert _summary(page, training.safety) == "0 of 2 units verified · 1 unit rejected"


def test_module_with_a_waiting_or_rejected_unit_is_open(
    client, login, training, workshop, log, reject
):
    login(training.student)
    page = client.get("/?lang=en").get_data(as_text=True)
    # By default only the first unfinished module is open.
    assert [_is_open(page, m) for m in (training.safety, training.battery, workshop)] == [
        True,
        False,
        False,
    ]

    log("EV-102-U1")  # waiting for review
    page = client.get("/?lang=en").get_data(as_text=True)
    assert _is_open(page, training.battery) and not _is_open(page, workshop)

    reject("EV-103-U1")
    page = client.get("/?lang=en").get_data(as_text=True)
    assert all(_is_open(page, m) for m in (training.safety, training.battery, workshop))
    assert "Photo too dark." in page and "Log it again" in page


def test_open_parameter_opens_that_module_by_id_or_code(client, login, training, workshop):
    login(training.student)
    for asked in (str(workshop.id), workshop.code):
        page = client.get(f"/?lang=en&open={asked}").get_data(as_text=True)
        assert _is_open(page, workshop) and not _is_open(page, training.battery)
    # Anything else opens nothing more (and breaks nothing).
    for asked in ("", "nope", "<script>", "999999"):
        response = client.get("/", query_string={"lang": "en", "open": asked})
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert not _is_open(page, workshop) and not _is_open(page, training.battery)


def test_after_logging_a_unit_the_page_it_returns_to_opens_that_module(
    client, login, training, workshop
):
    login(training.student)
    unit = training.units["EV-103-U3"]
    response = client.post(
        f"/training/units/{unit.id}/log",
        data={
            "performed_on": TODAY.isoformat(),
            "hours": "2",
            "note": "Marked every orange cable on the worksheet.",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == "/"
    assert target.fragment == f"module-{workshop.id}"
    assert f"open={workshop.id}" in target.query.split("&")

    followed = client.get(f"{target.path}?{target.query}&lang=en")
    assert followed.status_code == 200
    page = followed.get_data(as_text=True)
    assert _is_open(page, workshop) and not _is_open(page, training.battery)
    assert _summary(page, workshop) == "0 of 3 units verified · 1 unit waiting for review"
    section = page[page.index(f'id="module-{workshop.id}"') :].split("</details>")[0]
    assert "Awaiting review" in section


def test_the_page_sent_to_opens_the_module_even_when_nothing_else_would(
    client, login, training, workshop
):
    """The ?open= target is honoured on its own, not only because a unit now waits."""
    login(training.student)
    page = client.get(f"/?lang=en&open={training.battery.id}").get_data(as_text=True)
    assert _is_open(page, training.battery)
    assert _is_open(page, training.safety)  # the first unfinished module stays open too
    assert not _is_open(page, workshop)
