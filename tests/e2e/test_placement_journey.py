"""Issue 19's journey in a real browser: Pak Budi places Siti at an EV workshop of a Chinese
firm, she writes a week of entries on her phone, the supervisor countersigns them from a link
on his phone (in Chinese, without an account), Pak Budi visits and verifies a unit from the
entries, the supervisor's final assessment closes the placement and Siti downloads the
placement certificate.

Siti and the supervisor are on phones (360 px); Pak Budi at phone and at desktop width. Siti
and Pak Budi read Indonesian; the supervisor's pages are in Chinese because Pak Budi chose
that language for him, whatever his phone's browser asks for.
"""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlmodel import select

from eduplatform.placements.models import JournalEntry, Placement, PlacementAssessment
from tests.conftest import PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE, Catalogue, assert_fits_the_screen
from tests.placements.conftest import TODAY, pkl  # noqa: F401 - the placement world
from tests.training.conftest import (  # noqa: F401 - fixtures the placement world uses
    add_module,
    enrol,
    jpeg_bytes,
    quick_password_hashes,
)

COMPANY = "PT Huaxin Servis Kendaraan Listrik"
COMPANY_ZH = "华信电动汽车服务有限公司"
SUPERVISOR = "Wang Lei"
# Last week's five days; the placement started the day before.
DAYS = [TODAY - timedelta(days=d) for d in (6, 5, 4, 3, 2)]
WORK = (
    ("EV-201-U1", "Memeriksa tegangan modul baterai bersama teknisi."),
    ("EV-201-U1", "Mencatat hasil uji isolasi paket baterai."),
    ("EV-201-U2", "Membantu pengisian daya AC dan membaca status pengisian."),
    ("EV-201-U2", "Memeriksa kabel pengisian dan soket Type 2."),
    ("EV-201-U3", "Membaca kode gangguan dengan scan tool."),
)


def _sign_in(page, base, user, t):
    page.goto(f"{base}/login")
    page.get_by_label(t("Email or NISN")).fill(user.email or user.nisn)
    page.get_by_label(t("Password")).fill(PASSWORD)
    page.get_by_role("button", name=t("Sign in")).click()
    page.wait_for_url(f"{base}/")


def _link_from_qr_page(teacher, t):
    expect(teacher.get_by_role("heading", level=1)).to_have_text(t("Supervisor link"))
    expect(teacher.locator("img[alt]").first).to_be_visible()  # the QR code to scan
    return teacher.locator("main a[href*='/pkl/']").get_attribute("href")


def _give_link(teacher, base, placement_id, t, purpose):
    teacher.goto(f"{base}/placements/{placement_id}#links")
    teacher.get_by_label(t("The link is for")).select_option(label=t(purpose))
    teacher.get_by_label(t("Give it")).select_option(label=t("Show a QR code to scan now"))
    teacher.get_by_role("button", name=t("Give the supervisor a new link")).click()
    return _link_from_qr_page(teacher, t)


def _flash(page, text):
    expect(page.locator(".flash:not([hidden])").first).to_have_text(text)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_pak_budi_places_siti_she_writes_the_supervisor_countersigns_in_chinese_certificate(
    app,
    db,
    browser,
    page,
    live_server,
    t,
    pkl,  # noqa: F811 - the fixture imported above
    viewport,
):
    zh = Catalogue("zh")
    teacher = page  # Pak Budi: at the test's width, in Indonesian (his browser's language)
    student = browser.new_context(viewport=PHONE, locale="id-ID").new_page()
    # The supervisor's phone asks for Indonesian: his pages follow the language Pak Budi chose.
    supervisor = browser.new_context(viewport=PHONE, locale="id-ID").new_page()
    for other in (student, supervisor):
        other.context.set_default_timeout(10_000)

    # Pak Budi adds the Chinese firm's EV workshop and its supervisor, who reads Chinese.
    _sign_in(teacher, live_server, pkl.teacher, t)
    teacher.goto(f"{live_server}/placements/companies")
    teacher.get_by_role("link", name=t("New company")).click()
    teacher.get_by_label(t("Company name"), exact=True).fill(COMPANY)
    teacher.get_by_label(t("Name in Chinese (optional)")).fill(COMPANY_ZH)
    teacher.get_by_label(t("Sector")).select_option(label=t("Dealer's workshop"))
    teacher.get_by_label(t("City")).fill("Sukoharjo")
    teacher.get_by_role("button", name=t("Save")).click()
    _flash(teacher, t("Company added."))
    assert_fits_the_screen(teacher)
    teacher.get_by_label(t("Name"), exact=True).fill(SUPERVISOR)
    teacher.get_by_label(t("Position")).fill("Kepala bengkel")
    teacher.get_by_label(t("Phone")).fill("+62 812 0000 0303")
    teacher.get_by_label(t("Language of the supervisor's pages")).select_option(label="中文")
    teacher.get_by_role("button", name=t("Add supervisor")).click()
    _flash(teacher, t("Supervisor added."))
    expect(teacher.locator("main li", has_text=SUPERVISOR)).to_contain_text("中文")

    # He places Siti there from last week on, for the battery and charging units.
    teacher.goto(f"{live_server}/placements/")
    teacher.get_by_role("link", name=t("New placement")).click()
    # each student with their class: two of one name are told apart
    teacher.get_by_label(t("Student"), exact=True).select_option(
        label=f"{pkl.student.full_name} ({pkl.cohort.name})"
    )
    teacher.get_by_label(t("Company"), exact=True).select_option(label=COMPANY)
    teacher.get_by_label(t("Supervisor at the company")).select_option(
        label=f"{SUPERVISOR} ({COMPANY})"
    )
    teacher.get_by_label(t("First day")).fill((DAYS[0] - timedelta(days=1)).isoformat())
    teacher.get_by_label(t("Last day")).fill((TODAY + timedelta(days=150)).isoformat())
    teacher.get_by_label(t("Note on the dates (if outside the academic year)")).fill(
        "PKL enam bulan, melewati akhir tahun ajaran."
    )
    for code in ("EV-201-U1", "EV-201-U2", "EV-201-U3"):
        teacher.get_by_label(re.compile(code)).check()
    teacher.get_by_role("button", name=t("Save")).click()
    _flash(teacher, t("Placement planned."))
    teacher.get_by_role("button", name=t("Start the placement")).click()
    _flash(teacher, t("Placement updated."))
    expect(teacher.locator(".facts").first).to_contain_text(t("Running"))
    assert_fits_the_screen(teacher)
    placement = db.exec(select(Placement).where(Placement.student_id == pkl.student.id)).one()

    # Siti writes last week's entries on her phone; Thursday's with a photo of the battery.
    _sign_in(student, live_server, pkl.student, t)
    for number, (day, (code, work)) in enumerate(zip(DAYS, WORK, strict=True)):
        student.goto(f"{live_server}/placements/journal")
        student.get_by_role("link", name=t("Write today's entry")).click()
        student.get_by_label(t("Date")).fill(day.isoformat())
        student.get_by_label(t("Arrived at")).fill("07:30")
        student.get_by_label(t("Left at")).fill("16:00")
        student.get_by_label(t("What I did")).fill(work)
        student.get_by_label(re.compile(code)).check()
        if number == 3:
            student.get_by_label(t("Photo (optional)")).set_input_files(
                {"name": "baterai.jpg", "mimeType": "image/jpeg",
                 "buffer": jpeg_bytes(size=(1600, 1200))}
            )  # fmt: skip
        save = student.get_by_role("button", name=t("Save"))
        assert save.bounding_box()["height"] >= 44
        save.click()
        _flash(student, t("Saved. Your supervisor countersigns it from their link."))
    expect(student.locator("article.card")).to_have_count(5)
    assert_fits_the_screen(student)

    # Pak Budi shows the supervisor a QR code; the supervisor's page is in Chinese.
    link = _give_link(teacher, live_server, placement.id, t, "Countersigning the journal")
    supervisor.goto(link)
    expect(supervisor.get_by_role("heading", level=1)).to_have_text(
        zh("Journal of %(name)s", name=pkl.student.full_name)
    )
    expect(supervisor.locator("html")).to_have_attribute("lang", "zh")
    expect(supervisor.locator(".subnav a[aria-current]")).to_have_text("中文")
    expect(supervisor.get_by_text(COMPANY_ZH)).to_be_visible()
    assert_fits_the_screen(supervisor)
    # The photo as a small thumbnail made by the server, through this link only.
    thumbnail = supervisor.locator("article img.thumb")
    expect(thumbnail).to_have_count(1)
    expect(thumbnail).to_have_js_property("naturalWidth", 160)
    assert "/thumbnail" in thumbnail.get_attribute("src")

    # He returns Wednesday's entry with a comment (refused first without one) ...
    wednesday = supervisor.locator("article", has_text=WORK[2][1])
    wednesday.get_by_role("button", name=zh("Return to the student")).click()
    refused = supervisor.locator("article", has_text=WORK[2][1])
    expect(refused.locator(".error")).to_have_text(zh("Say what the student should change."))
    refused.get_by_label(zh("Comment (needed to return the entry)")).fill("请写清楚充电功率。")
    refused.get_by_role("button", name=zh("Return to the student")).click()
    _flash(supervisor, zh("Returned to the student with your comment."))
    # ... approves Monday's alone, then whole weeks.
    supervisor.locator("article", has_text=WORK[0][1]).get_by_role(
        "button", name=zh("Approve"), exact=True
    ).click()
    _flash(supervisor, zh("Countersigned. Thank you."))
    nothing = supervisor.get_by_text(zh("Nothing is waiting for your countersign."))
    while not nothing.is_visible():
        supervisor.locator("section.card form button").first.click()
        _flash(supervisor, zh("The week is countersigned. Thank you."))
    statuses = {e.day: e.status for e in db.exec(select(JournalEntry))}
    assert statuses[DAYS[2]] == "returned"
    assert sorted(s for d, s in statuses.items() if d != DAYS[2]) == ["approved"] * 4

    # Siti reads the comment, adds the power and sends the entry again; it is countersigned.
    student.goto(f"{live_server}/placements/journal")
    entry = student.locator("article", has_text=WORK[2][1])
    expect(entry.locator(".feedback")).to_contain_text("请写清楚充电功率。")
    entry.get_by_role("link", name=t("Change")).click()
    student.get_by_label(t("What I did")).fill(WORK[2][1] + " Daya pengisian 7 kW.")
    student.get_by_role("button", name=t("Save")).click()
    _flash(student, t("Saved. Your supervisor countersigns it from their link."))
    supervisor.goto(link)
    supervisor.locator("article", has_text="7 kW").get_by_role(
        "button", name=zh("Approve"), exact=True
    ).click()
    _flash(supervisor, zh("Countersigned. Thank you."))
    expect(nothing).to_be_visible()

    # Pak Budi visits the workshop, notes it, and verifies a unit from the countersigned days.
    teacher.goto(f"{live_server}/placements/{placement.id}")
    expect(teacher.locator("#figures")).to_contain_text(
        t("%(approved)d countersigned, %(waiting)d waiting, %(returned)d returned",
          approved=5, waiting=0, returned=0)
    )  # fmt: skip
    teacher.get_by_label(t("Date of the visit")).fill(TODAY.isoformat())
    teacher.get_by_label(t("Notes"), exact=True).fill("Siti aktif; pembimbing puas.")
    teacher.get_by_role("button", name=t("Record the visit")).click()
    _flash(teacher, t("Visit recorded."))
    unit = teacher.locator("#units li", has_text="EV-201-U1")
    expect(unit).to_contain_text(
        t.n("%(num)d countersigned entry", "%(num)d countersigned entries", 2)
    )
    unit.get_by_role("button", name=t("Verify from the journal")).click()
    _flash(teacher, t("Unit verified from the journal."))
    expect(teacher.locator("#units li", has_text="EV-201-U1").locator(".badge")).to_have_text(
        t("Verified")
    )
    assert_fits_the_screen(teacher)

    # The supervisor's final assessment, in Chinese, through an assessment link.
    link = _give_link(teacher, live_server, placement.id, t, "The final assessment")
    supervisor.goto(link)
    expect(supervisor.get_by_role("heading", level=1)).to_have_text(
        zh("Final assessment of %(name)s", name=pkl.student.full_name)
    )
    for fieldset in supervisor.locator("fieldset").all():
        fieldset.get_by_label(re.compile(r"^\s*4 · ")).check()
    supervisor.get_by_label(zh("Comment")).fill("工作认真，安全意识强。")
    assert_fits_the_screen(supervisor)
    supervisor.get_by_role("button", name=zh("Send the assessment")).click()
    _flash(supervisor, zh("Your assessment was sent. Thank you."))

    # Pak Budi gives the school's grade, which closes the placement.
    teacher.goto(f"{live_server}/placements/{placement.id}#assessment")
    expect(teacher.locator("#assessment")).to_contain_text("工作认真，安全意识强。")
    teacher.get_by_label(t("School's grade (0 to 100)")).fill("88")
    teacher.get_by_role("button", name=t("Give the grade and close the placement")).click()
    _flash(teacher, t("The school's grade is recorded; the placement is finished."))
    expect(teacher.locator(".facts").first).to_contain_text(t("Finished"))

    # Siti downloads her placement certificate; its code checks out on the public page.
    student.goto(f"{live_server}/placements/journal")
    with student.expect_download() as download:
        student.get_by_role("link", name=t("Placement certificate (PDF)")).click()
    data = Path(download.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    code = db.get(PlacementAssessment, placement.id).certificate_code
    assert data.startswith(b"%PDF") and pkl.student.full_name in text and code in text
    student.goto(f"{live_server}/placements/verify/{code}")
    expect(student.locator("main")).to_contain_text(COMPANY)
    assert_fits_the_screen(student)
    for other in (student, supervisor):
        other.context.close()
