"""Pak Budi adapts a university module for his workshop (issue 14 section 2, JOURNEYS.md):
"Adapt for my school" gives his school a copy of the charging module, he adds one unit for the
workshop's trainer kit as a new draft and publishes it, his class follows it; Ms. Chen, at the
university, sees which school adapted the module and the difference, in Chinese. Pak Budi
works in Indonesian; phone and desktop width."""

from playwright.sync_api import expect
from sqlmodel import select

from eduplatform.curriculum.models import Module
from eduplatform.people.models import Cohort, CohortTeacher, Enrollment
from tests.curriculum.conftest import ev_program  # noqa: F401 - the imported EV curriculum
from tests.e2e.conftest import Catalogue, assert_fits_the_screen

SCHOOL = "SMK Negeri 2 Surakarta"
UNIT_TITLE = {
    "id": "Diagnosis pengisian daya pada trainer kit bengkel",
    "en": "Diagnosing charging on the workshop's trainer kit",
    "zh": "在实训车间教具上诊断充电故障",
}


def test_pak_budi_adapts_a_module_and_ms_chen_sees_the_difference(
    db,
    ev_program,  # noqa: F811
    make_org,
    make_user,
    sign_in,
    page,
    live_server,
):
    id_, zh = Catalogue("id"), Catalogue("zh")
    school = make_org("school", name=SCHOOL, npsn="20312345")
    budi = make_user("teacher", organization=school, full_name="Budi Santoso", locale="id")
    chen = make_user("author", organization=ev_program["owner"], full_name="陈老师", locale="zh")
    program_id = ev_program["summary"]["programs"][0]["id"]
    cohort = Cohort(
        school_id=school.id, name="XI TKRO 2", academic_year="2026/2027", program_id=program_id
    )
    db.add(cohort)
    db.commit()
    siti = make_user("student", organization=school, full_name="Siti Rahayu")
    db.add_all(
        [
            CohortTeacher(cohort_id=cohort.id, teacher_id=budi.id),
            Enrollment(cohort_id=cohort.id, student_id=siti.id),
        ]
    )
    db.commit()

    # Pak Budi opens the university's charging module and adapts it for his school.
    sign_in(budi)
    page.goto(f"{live_server}/curriculum/modules/EV-105")
    assert_fits_the_screen(page)
    page.get_by_role("button", name=id_("Adapt for %(school)s", school=SCHOOL)).click()
    code = "EV-105-20312345"
    expect(page.get_by_role("heading", level=1)).to_have_text(
        id_("Draft of %(code)s, version %(number)d", code=code, number=1)
    )
    assert_fits_the_screen(page)

    # One extra unit for the workshop's equipment, translated.
    page.get_by_role("link", name=id_("Add a unit")).click()
    for lang, name in (("id", "Indonesian"), ("en", "English"), ("zh", "Chinese")):
        page.get_by_label(id_(f"Title in {name}")).fill(UNIT_TITLE[lang])
    page.get_by_label(id_("Practical task in Indonesian")).fill(
        "Membaca kode kesalahan pengisian dengan alat diagnosis bengkel"
    )
    page.get_by_label(id_("Practical task in Chinese")).fill("用车间诊断仪读取充电故障码")
    page.get_by_label(id_("Learning outcomes in Indonesian")).fill("Membaca kode kesalahan")
    page.get_by_label(id_("Learning outcomes in Chinese")).fill("读取充电故障码")
    page.get_by_label(id_("Assessment criteria in Indonesian")).fill("Kode kesalahan terbaca")
    page.get_by_label(id_("Assessment criteria in Chinese")).fill("故障码读取正确")
    page.get_by_label(id_("Practice hours")).fill("4")
    page.get_by_role("button", name=id_("Save unit")).click()
    unit_code = f"{code}-U"  # the added unit (the copied ones keep EV-105-U…)
    expect(page.locator(".flash-success")).to_contain_text(unit_code)
    assert_fits_the_screen(page)

    publish = page.get_by_role("button", name=id_("Publish version %(number)d", number=1))
    publish.click()
    expect(page.get_by_role("heading", name=id_("Publish version %(number)d of %(code)s?",
                                                number=1, code=code))).to_be_visible()  # fmt: skip
    assert_fits_the_screen(page)
    publish.click()
    expect(page.get_by_text(id_("Version %(number)d of %(code)s is published.", number=1,
                                code=code))).to_be_visible()  # fmt: skip
    expect(page.get_by_text(UNIT_TITLE["id"]).first).to_be_visible()
    assert_fits_the_screen(page)

    # His class follows the adapted version, with the new unit.
    adapted = db.exec(select(Module).where(Module.code == code)).one()
    page.goto(f"{live_server}/training/progress/cohorts/{cohort.id}?module={adapted.id}")
    expect(page.locator("caption")).to_contain_text(code)
    expect(page.get_by_text(f"{code}-U").first).to_be_visible()
    assert_fits_the_screen(page)

    # Ms. Chen, at the university, works in Chinese: which school adapted which module.
    page.context.clear_cookies()
    sign_in(chen)
    page.goto(f"{live_server}/curriculum/modules/EV-105")
    adaptations = page.locator("#adaptations")
    expect(adaptations).to_contain_text(SCHOOL)
    expect(adaptations).to_contain_text(code)
    assert_fits_the_screen(page)
    page.goto(f"{live_server}/curriculum/school-modules")
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Schools' own modules"))
    entry = page.locator(".school-module-entry").filter(has_text=code)
    expect(entry).to_contain_text(SCHOOL)
    assert_fits_the_screen(page)
    entry.get_by_role("link", name=zh("Difference from the original")).click()

    # The difference is readable, in her language: the new unit, its outcome and criterion.
    difference = page.locator("#original")
    expect(difference.get_by_role("heading", level=2)).to_have_text(
        zh("Difference from the original")
    )
    expect(difference).to_contain_text(zh("New unit"))
    expect(difference).to_contain_text(UNIT_TITLE["zh"])
    expect(difference).to_contain_text("读取充电故障码")
    expect(difference).to_contain_text("故障码读取正确")
    assert_fits_the_screen(page)
