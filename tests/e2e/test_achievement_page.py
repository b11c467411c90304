# ruff: noqa: F811 - the training fixtures imported below are used by name
"""An employer follows a credential's achievement id in a browser, on a phone and a desktop, in
Indonesian and in Chinese: the achievement's page in their language, fitting the screen, with
the way to check a certificate."""

from playwright.sync_api import expect
from sqlmodel import select

from eduplatform.training.models import Certificate
from tests.e2e.conftest import Catalogue, assert_fits_the_screen
from tests.training.conftest import (  # noqa: F401 - fixtures shared with the training tests
    add_module,
    enrol,
    log,
    quick_password_hashes,
    session,
    training,
    verified,
)

TITLES = {"id": "Modul EV-101", "zh": "模块 EV-101"}


def test_an_employer_follows_the_achievement_id_of_a_credential(
    page, live_server, db, training, verified, lang
):
    verified("EV-101-U1", "EV-101-U2")
    certificate = db.exec(select(Certificate)).one()
    credential = page.request.get(f"{live_server}/verify/{certificate.code}/credential").json()
    achievement_id = credential["credentialSubject"]["achievement"]["id"]
    assert achievement_id == f"{live_server}/achievements/EV-101/v1"

    page.goto(achievement_id)  # no ?lang=: the browser's language, as an employer's would be
    expect(page.locator("h1")).to_contain_text(TITLES[lang])
    expect(page.locator(".achievement-units")).to_contain_text("EV-101-U2")
    assert_fits_the_screen(page)
    page.get_by_role("link", name=Catalogue(lang)("Check a certificate")).click()
    expect(page.locator("#code")).to_be_visible()
