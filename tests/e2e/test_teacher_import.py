"""Ibu Rina imports a school's teacher list from Dapodik (GTK): preview, confirm, invitations."""

from pathlib import Path

from playwright.sync_api import expect
from sqlmodel import select

from eduplatform.people.models import User
from tests.e2e.conftest import assert_fits_the_screen

FILES = Path(__file__).parents[1] / "people" / "files"


def test_ibu_rina_imports_the_gtk_export_in_indonesian(
    page, live_server, sign_in, db, make_org, make_user, mailbox
):
    """Issue 16.1 (teachers): the GTK export as it is, at 360 and 1280 px, in Indonesian."""
    school = make_org("school", name="SMK Negeri 99 Contoh")
    office = make_user("office", full_name="Rina Wati")
    sign_in(office)

    page.goto(f"{live_server}/schools/{school.id}")
    page.get_by_role("link", name="Impor daftar guru (GTK Dapodik)").click()
    page.get_by_label("Daftar guru (CSV atau XLSX)").set_input_files(FILES / "dapodik_gtk.xlsx")
    page.get_by_role("button", name="Periksa berkas").click()

    ignored = page.locator("details.ignored-columns")
    expect(ignored).to_contain_text("Kolom yang tidak diimpor (25):")
    expect(page.locator("tr.invite")).to_have_count(5)
    needs_email = page.locator(".needs-email")
    expect(needs_email).to_contain_text("tidak dapat diundang")
    expect(needs_email).to_contain_text("Baris 10: AHMAD FAUZI, S.T.")
    expect(needs_email).to_contain_text("Baris 15: YULIANA, S.Pd.")
    expect(page.locator(".not-teachers")).to_contain_text("Tenaga Administrasi Sekolah")
    assert_fits_the_screen(page)
    # The result of each row shows beside it, even at 360 px: long emails break, the table
    # does not hide its last column in a frame to scroll.
    assert page.evaluate(
        "[...document.querySelectorAll('.table-wrap')].every(w => w.scrollWidth <= w.clientWidth)"
    )
    assert mailbox.messages == []

    page.get_by_role("button", name="Konfirmasi: undang 5 dan tambahkan 0 ke sekolah ini").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Daftar guru diimpor")
    expect(page.locator("ul.needs-email li")).to_have_count(2)
    assert_fits_the_screen(page)
    invited = db.exec(select(User.email).where(User.role == "teacher")).all()
    assert len(invited) == 5
    assert sorted(m.rcpt_tos[0] for m in mailbox.messages) == sorted(invited)
    assert "SMK Negeri 99 Contoh" in mailbox.last("budi.santoso@smkn99.contoh.sch.id").text
