# ruff: noqa: F811 - the training and quality fixtures imported below are used by name
"""A student disputes a unit sent back, on her phone in Indonesian (and at a desk); the
university's reviewer reads the reason in Chinese under the sample's pseudonym, disagrees with
the teacher, and the student sees her dispute upheld with the reviewer's feedback (issue 18)."""

import io

from playwright.sync_api import expect

from eduplatform.training import service as training_service
from tests.e2e.conftest import Catalogue, assert_fits_the_screen
from tests.quality.conftest import quality  # noqa: F401
from tests.training.conftest import (  # noqa: F401
    add_module,
    enrol,
    jpeg_bytes,
    log,
    quick_password_hashes,
    session,
    training,
)

ID, ZH = Catalogue("id"), Catalogue("zh")
REASON = "Saya Siti Rahayu sudah memasang label lock-out di steker servis; lihat fotonya."
FEEDBACK = "照片清楚地显示了上锁挂牌，应当通过此单元。"


def test_siti_disputes_and_ms_chen_gives_a_second_opinion(
    app, page, live_server, sign_in, session, training, quality, log
):
    completion = log("EV-101-U1", photo=io.BytesIO(jpeg_bytes()))
    with app.test_request_context("/?lang=en"):
        training_service.reject_completion(
            session, actor=training.teacher, completion=completion,
            feedback="Foto belum menunjukkan label lock-out.",
        )  # fmt: skip

    # Siti, in Indonesian: the unit sent back offers a second opinion.
    sign_in(training.student)
    page.goto(f"{live_server}/training/units/{completion.unit_id}/log")
    page.get_by_role("link", name=ID("Dispute this decision")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ID("Dispute a decision"))
    assert_fits_the_screen(page)
    page.get_by_label(ID("Why do you think the decision is wrong?")).fill(REASON)
    page.get_by_role("button", name=ID("Send the dispute")).click()
    expect(page.locator(".flash-success")).to_contain_text(
        ID("Your dispute was sent. The university's reviewer will give a second opinion; "
           "your teacher was told.")
    )  # fmt: skip
    expect(page.locator("#dispute-status")).to_have_text(
        ID("Waiting for the university's reviewer")
    )
    assert_fits_the_screen(page)

    # Ms. Chen, in Chinese: the disputed decision in the queue, the reason without the name.
    page.context.clear_cookies()
    sign_in(quality.reviewer)
    page.goto(f"{live_server}/quality/samples")
    expect(page.get_by_role("heading", level=1)).to_have_text(ZH("Quality samples"))
    row = page.locator("tr.sample-row").first
    expect(row).to_contain_text(ZH("Disputed by the student"))
    row.get_by_role("link").click()
    expect(page.locator("#dispute h2")).to_have_text(
        ZH("The student disputes the teacher's decision")
    )
    expect(page.locator("#dispute-reason")).to_contain_text("sudah memasang label lock-out")
    for secret in ("Siti", "Rahayu", training.student.nisn, training.student.email):
        assert secret not in page.content(), secret
    assert_fits_the_screen(page)
    page.get_by_label(ZH("I disagree")).check()
    page.get_by_label(ZH("2: weakly justified")).check()
    page.get_by_label(ZH("Feedback for the teacher")).fill(FEEDBACK)
    page.get_by_role("button", name=ZH("Save review")).click()
    expect(page.locator(".flash-success")).to_contain_text(ZH("Review saved."))

    # Siti again: her dispute was upheld, with the reviewer's feedback.
    page.context.clear_cookies()
    sign_in(training.student)
    page.goto(f"{live_server}/training/completions/{completion.id}/dispute")
    expect(page.locator("#dispute-status")).to_have_text(
        ID("Upheld: the reviewer disagreed with the teacher's decision")
    )
    expect(page.locator("#dispute-feedback")).to_have_text(FEEDBACK)
    assert_fits_the_screen(page)
