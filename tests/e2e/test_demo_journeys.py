"""Every journey starts as written from `eduplatform demo` (what `make run` loads), in each
user's language, at phone and desktop width (issue #14, section 7)."""

import re

import pytest
from playwright.sync_api import expect

from eduplatform.clock import local_today
from eduplatform.demo import DEMO_PASSWORD

THIS_YEAR = (
    f"{local_today().year - (local_today().month < 7)}/"
    f"{local_today().year - (local_today().month < 7) + 1}"
)


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output


def _sign_in(page, live_server, login):
    page.goto(f"{live_server}/login")
    page.get_by_label(re.compile("Email atau NISN|邮箱或 NISN|Email or NISN")).fill(login)
    page.locator("input[type=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server}/")


def _sign_out(page):
    page.context.clear_cookies()


def test_siti_and_pak_budi_start_their_day(page, live_server, demo):
    # Siti, with her NISN: her class of this year, the battery module locked for safety, and
    # the de-energising unit ready to log.
    _sign_in(page, live_server, "9999000001")
    expect(page.get_by_text(f"XI TKRO 2, {THIS_YEAR}")).to_be_visible()
    battery = page.locator("details.module", has_text="EV-103")  # traction battery and BMS
    expect(battery.locator(".lock-reason")).to_contain_text("unit keselamatan tegangan tinggi")
    unit = page.locator("li.unit", has_text="EV-101-U4")
    expect(unit.get_by_role("link", name="Saya sudah mengerjakan ini")).to_be_visible()
    verified = page.locator("li.unit", has_text="EV-101-U3")
    expect(verified.locator(".feedback")).to_contain_text("Rapi dan aman")
    _sign_out(page)

    # Pak Budi: four units wait in his queue, and "XI TKRO 1" is still his to create.
    _sign_in(page, live_server, "teacher@demo.example.org")
    page.goto(f"{live_server}/training/verification")
    expect(page.locator("#left-count")).to_contain_text("4")
    page.goto(f"{live_server}/classes/new")
    page.get_by_label("Nama kelas").fill("XI TKRO 1")
    page.get_by_label("Tahun ajaran").fill("2025/2026")
    page.get_by_label("Program").select_option(index=1)
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("XI TKRO 1")


def test_ibu_rina_and_ms_chen_find_the_city_programme(page, live_server, demo):
    # Ibu Rina: the city's sister-school MoU with its three schools; this year's dashboard.
    _sign_in(page, live_server, "office@demo.example.org")
    page.goto(f"{live_server}/exchange/partnerships")
    row = page.locator("tr", has_text="Dinas Pendidikan Kota Surakarta (demo)")
    expect(row).to_contain_text("tingkat kota, 3 sekolah anggota")
    expect(row).to_contain_text("DEMO/MOU-KOTA/2025")
    page.goto(f"{live_server}/dashboard/?year={THIS_YEAR}")
    expect(page.locator("#period-note")).to_be_visible()
    # Siti's and Andi's units, and the grade XII class's EV-101 (Ms. Chen's samples): 4 + 12.
    expect(page.locator("#figure-units_verified .figure-value")).to_have_text("16")
    expect(page.locator("#figure-teachers_trained .figure-value")).to_have_text("2")
    expect(page.locator("#figure-active_students .figure-value")).to_have_text("8")
    _sign_out(page)

    # Ms. Chen, in Chinese: the programme's page, where she records the visit she hosted.
    _sign_in(page, live_server, "author@demo.example.org")
    page.goto(f"{live_server}/exchange/partnerships")
    page.get_by_role("link", name="Dinas Pendidikan Kota Surakarta (demo)").click()
    expect(page.locator("dl.facts")).to_contain_text("SMK Demo Laweyan")
    page.get_by_role("link", name="计划活动").click()
    expect(page.get_by_label("成员学校")).to_be_visible()  # for one school, or the whole city
