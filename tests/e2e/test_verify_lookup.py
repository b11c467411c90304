# ruff: noqa: F811 - the training fixtures imported below are used by name
"""The public certificate lookup in a browser: refused input never widens the page, and a page a
link opened in a language answers in it."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from eduplatform.training.models import Certificate
from tests.e2e.conftest import assert_fits_the_screen
from tests.training.conftest import (  # noqa: F401 - fixtures shared with the training tests
    add_module,
    enrol,
    log,
    quick_password_hashes,
    session,
    training,
    verified,
)


@pytest.mark.parametrize(
    "typed", ["X" * 600, "R2B6-" * 8, "https://host.example/verify/" + "Q" * 300]
)
def test_a_refused_code_never_widens_the_page(page, live_server, typed):
    page.goto(f"{live_server}/verify")
    page.locator("#code").fill(typed)
    page.locator("form[action='/verify'] button[type=submit]").click()
    page.get_by_role("alert").wait_for()
    assert "10" in page.get_by_role("alert").inner_text()
    assert_fits_the_screen(page)


def test_a_code_typed_on_a_page_opened_in_chinese_shows_the_certificate_in_chinese(
    page, live_server, db, training, verified
):
    """The partner university's link (?lang=zh) opened in a browser set to Indonesian."""
    verified("EV-101-U1", "EV-101-U2")
    code = db.exec(select(Certificate)).one().code
    page.goto(f"{live_server}/verify?lang=zh")
    page.locator("#code").fill(f"{code[:4]}-{code[4:8]}-{code[8:]}".lower())
    page.locator("form[action='/verify'] button[type=submit]").click()
    expect(page).to_have_url(f"{live_server}/verify/{code}?lang=zh")
    expect(page.locator("main")).to_contain_text("证书有效")
    assert_fits_the_screen(page)
