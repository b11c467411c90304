"""Ibu Rina assigns Pak Budi to a second school: his first school's class keeps him, he sees
both schools; taking him out of a school asks first and names the class that loses him. In
Indonesian and Chinese, at phone and desktop width (issue 14 section 1)."""

import re

from playwright.sync_api import expect
from sqlmodel import select

from eduplatform.people.models import Cohort, CohortTeacher
from tests.e2e.conftest import assert_fits_the_screen


def _teaches(db, cohort, teacher):
    query = select(CohortTeacher).where(
        CohortTeacher.cohort_id == cohort.id, CohortTeacher.teacher_id == teacher.id
    )
    return db.exec(query).first() is not None


def test_a_teacher_gets_a_second_school_and_keeps_his_class(
    db, make_org, make_user, sign_in, page, live_server, lang, t
):
    first = make_org("school", name="SMK Negeri 2 Surakarta", npsn="20300001")
    second = make_org("school", name="SMK Negeri 5 Surakarta", npsn="20300005")
    budi = make_user("teacher", organization=first, full_name="Budi Santoso", locale=lang)
    rina = make_user("office", full_name="Rina Wulandari", locale=lang)
    cohort = Cohort(school_id=first.id, name="XI TKRO 1", academic_year="2025/2026")
    other = Cohort(school_id=second.id, name="X TKRO 2", academic_year="2025/2026")
    db.add_all([cohort, other])
    db.commit()
    db.add(CohortTeacher(cohort_id=cohort.id, teacher_id=budi.id))
    db.commit()

    # Ibu Rina opens the second school and assigns Pak Budi, who already has an account.
    sign_in(rina)
    page.goto(f"{live_server}/schools/{second.id}")
    page.get_by_text(t("Assign an existing teacher")).click()
    page.get_by_label(t("Email of an existing teacher account")).fill(budi.email)
    page.get_by_role("button", name=t("Assign"), exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        t("%(name)s now also teaches at this school; their other schools and classes stay.",
          name="Budi Santoso")
    )  # fmt: skip
    expect(page.locator(".staff-list")).to_contain_text("Budi Santoso")
    expect(page.locator(".staff-list")).to_contain_text(
        t("Also teaches at: %(schools)s", schools="SMK Negeri 2 Surakarta")
    )
    assert_fits_the_screen(page)

    # His first school still has him, and its class still has its teacher.
    page.goto(f"{live_server}/schools/{first.id}")
    expect(page.locator(".staff-list")).to_contain_text("Budi Santoso")
    class_row = page.get_by_role("row").filter(has_text="XI TKRO 1")
    expect(class_row).to_contain_text("Budi Santoso")

    # Pak Budi sees both schools on his desk and both classes in his list, named by school.
    page.context.clear_cookies()
    sign_in(budi)
    expect(page.get_by_role("heading", name="SMK Negeri 2 Surakarta")).to_be_visible()
    expect(page.get_by_role("heading", name="SMK Negeri 5 Surakarta")).to_be_visible()
    page.goto(f"{live_server}/classes/")
    expect(page.get_by_role("row").filter(has_text="XI TKRO 1")).to_contain_text(
        "SMK Negeri 2 Surakarta"
    )
    expect(page.get_by_role("row").filter(has_text="X TKRO 2")).to_contain_text(
        "SMK Negeri 5 Surakarta"
    )
    assert_fits_the_screen(page)

    # Taking him out of his first school: the page asks first and names the class he leaves.
    page.context.clear_cookies()
    sign_in(rina)
    page.goto(f"{live_server}/schools/{first.id}")
    page.get_by_role("link", name=t("Remove from this school…")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Remove %(name)s from %(school)s", name="Budi Santoso", school="SMK Negeri 2 Surakarta")
    )
    losses = page.locator(".class-losses")
    expect(losses).to_contain_text("XI TKRO 1")
    expect(losses).to_contain_text(t("left without a teacher"))
    expect(
        page.get_by_text(
            t("%(school)s becomes their main school.", school="SMK Negeri 5 Surakarta")
        )
    ).to_be_visible()
    assert_fits_the_screen(page)
    assert _teaches(db, cohort, budi)  # asking changed nothing

    page.get_by_role(
        "button", name=t("Remove from %(school)s", school="SMK Negeri 2 Surakarta")
    ).click()
    expect(page.get_by_role("status")).to_contain_text(
        t("%(name)s no longer teaches at %(school)s.", name="Budi Santoso",
          school="SMK Negeri 2 Surakarta")
    )  # fmt: skip
    expect(page.locator(".staff-list")).not_to_contain_text("Budi Santoso")
    expect(page.get_by_role("row").filter(has_text="XI TKRO 1")).not_to_contain_text("Budi")
    assert not _teaches(db, cohort, budi)
    page.goto(f"{live_server}/schools/{second.id}")
    expect(page.locator(".staff-list")).to_contain_text(re.compile("Budi Santoso"))
