"""Ms. Chen's sampling journey from `eduplatform demo`, in a real browser at phone and desktop
width: she opens the samples from SMK Demo Bengawan (in Chinese), disagrees with one decision;
Pak Budi answers the action (in Indonesian); the school's agreement reaches the plan's threshold
and its EV-101 certificates show the university's endorsement (issue 18)."""

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from eduplatform.curriculum.models import Module, ModuleVersion
from eduplatform.demo import DEMO_PASSWORD
from eduplatform.training.models import Certificate
from tests.e2e.conftest import Catalogue, assert_fits_the_screen

ZH, ID = Catalogue("zh"), Catalogue("id")
FACES = (
    "Photos may show faces. The school is responsible for them: do not copy, share or keep "
    "them, and judge only the work."
)
STUDENT_NAMES = ("Rudi", "Wulan", "Siti", "Andi", "Hartono", "9999000011", "9999000012")


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output


def _sign_in(page, live_server, login):
    page.context.clear_cookies()
    page.goto(f"{live_server}/login")
    page.get_by_label(re.compile("Email atau NISN|邮箱或 NISN|Email or NISN")).fill(login)
    page.locator("input[type=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server}/")


def _no_identity(page):
    html = page.content()
    for secret in STUDENT_NAMES:
        assert secret not in html, (page.url, secret)


def _ev101_certificates(db):
    return db.exec(
        select(Certificate)
        .join(ModuleVersion, ModuleVersion.id == Certificate.version_id)
        .join(Module, Module.id == ModuleVersion.module_id)
        .where(Module.code == "EV-101")
    ).all()


def test_ms_chen_samples_pak_budi_answers_and_the_certificates_are_endorsed(
    page, live_server, demo, db
):
    certificates = _ev101_certificates(db)
    assert len(certificates) == 2  # issued at once: sampling never holds them back
    page.goto(f"{live_server}/verify/{certificates[0].code}?lang=id")
    expect(page.locator("#endorsement")).to_have_count(0)

    # Ms. Chen, in Chinese: the samples from SMK Demo Bengawan, under pseudonyms.
    _sign_in(page, live_server, "author@demo.example.org")
    page.goto(f"{live_server}/quality/samples")
    expect(page.get_by_role("heading", level=1)).to_have_text(ZH("Quality samples"))
    page.get_by_label(ZH("School")).select_option(label="SMK Demo Bengawan")
    page.get_by_role("button", name=ZH("Filter")).click()
    rows = page.locator("tr.sample-row")
    expect(rows.first).to_contain_text("SMK Demo Bengawan")
    expect(rows.first).to_contain_text("Budi Santoso")
    _no_identity(page)
    assert_fits_the_screen(page)
    rows.first.get_by_role("link").click()
    expect(page.locator("#faces-notice")).to_contain_text(ZH(FACES))
    _no_identity(page)
    assert_fits_the_screen(page)
    page.get_by_label(ZH("I disagree")).check()
    page.get_by_label(ZH("2: weakly justified")).check()
    page.get_by_label(ZH("Feedback for the teacher")).fill(
        "照片没有显示维修开关上的上锁挂牌，请与学生一起重新检查。"
    )
    page.get_by_role("button", name=ZH("Save review")).click()
    expect(page.locator(".flash-success")).to_contain_text(ZH("Review saved."))
    page.goto(f"{live_server}/verify/{certificates[0].code}")
    expect(page.locator("#endorsement")).to_have_count(0)  # 4 of 5 agree, the action is open

    # Pak Budi, in Indonesian: his sampled decisions and the action to answer.
    _sign_in(page, live_server, "teacher@demo.example.org")
    page.goto(f"{live_server}/quality/my-samples")
    expect(page.get_by_role("heading", level=1)).to_have_text(ID("Sampled decisions"))
    expect(page.locator("body")).to_contain_text("照片没有显示")
    assert_fits_the_screen(page)
    page.get_by_role("link", name=ID("Answer the action")).click()
    assert_fits_the_screen(page)
    page.get_by_label(ID("Your answer")).fill(
        "Sudah saya tinjau ulang bersama siswa; foto label lock-out diambil ulang."
    )
    page.get_by_role("button", name=ID("Send the answer")).click()
    expect(page.locator(".flash-success")).to_contain_text(
        ID("Thank you: your answer was sent to the reviewer.")
    )

    # The school's EV-101 certificates now carry the university's endorsement.
    page.context.clear_cookies()
    for certificate in certificates:
        page.goto(f"{live_server}/verify/{certificate.code}?lang=id")
        expect(page.locator("#endorsement")).to_contain_text("Disahkan oleh")
        expect(page.locator("#endorsement")).to_contain_text("4 dari 5")
        assert_fits_the_screen(page)
    page.goto(f"{live_server}/verify/{certificates[0].code}?lang=zh")
    expect(page.locator("#endorsement")).to_contain_text("认可")
