"""An admin names a university's lecturer a quality reviewer and later revokes the permission,
each after a confirmation, in Indonesian and Chinese at phone and desktop width; the lecturer's
sample queue opens and closes with it."""

from playwright.sync_api import expect

from eduplatform.people.models import Organization
from eduplatform.quality.models import QualityReviewer
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_fits_the_screen


def test_an_admin_names_and_revokes_a_quality_reviewer(
    db, make_user, sign_in, page, live_server, lang, t
):
    university = Organization(kind="university", name="Xi'an Partner Automotive University",
                              city="Xi'an", country="CN")  # fmt: skip
    db.add(university)
    db.commit()
    chen = make_user("author", organization=university, full_name="Chen Li", locale=lang)
    sign_in(make_user("admin", locale=lang))

    page.get_by_role("link", name=t("Quality reviewers")).first.click()
    page.get_by_role("link", name=university.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Quality reviewers of %(university)s", university=university.name)
    )
    expect(page.locator(f"#staff-{chen.id}")).to_contain_text(t("Not a reviewer"))
    assert_fits_the_screen(page)

    page.get_by_role("button", name=t("Name %(name)s a reviewer…", name="Chen Li")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Name %(name)s a quality reviewer of %(university)s?", name="Chen Li",
          university=university.name)
    )  # fmt: skip
    assert_fits_the_screen(page)
    assert db.get(QualityReviewer, chen.id) is None  # asking changed nothing
    page.get_by_role("button", name=t("Name the reviewer")).click()
    expect(page.locator(".flash-success")).to_contain_text(
        t("%(name)s is now a quality reviewer of %(university)s.", name="Chen Li",
          university=university.name)
    )  # fmt: skip
    expect(page.locator(f"#staff-{chen.id}")).to_contain_text(t("Reviewer"))
    assert db.get(QualityReviewer, chen.id, populate_existing=True) is not None

    lecturer = page.context.browser.new_context(viewport=page.viewport_size).new_page()
    lecturer.goto(f"{live_server}/login")
    lecturer.locator("input[name=login]").fill(chen.email)
    lecturer.locator("input[type=password]").fill(PASSWORD)
    lecturer.locator("form button[type=submit]").last.click()
    lecturer.wait_for_url(f"{live_server}/")
    assert lecturer.goto(f"{live_server}/quality/samples").status == 200

    page.get_by_role("button", name=t("Revoke the permission of %(name)s…", name="Chen Li")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Revoke the quality reviewer permission of %(name)s?", name="Chen Li")
    )
    expect(page.locator("main")).to_contain_text(
        t("No other reviewer is left: the samples wait until you name another.")
    )
    assert_fits_the_screen(page)
    page.get_by_role("button", name=t("Revoke the permission")).click()
    expect(page.locator(".flash-success")).to_contain_text(
        t("%(name)s is no longer a quality reviewer; their sample queue is closed.", name="Chen Li")
    )
    expect(page.locator(f"#staff-{chen.id}")).to_contain_text(t("Not a reviewer"))
    assert lecturer.goto(f"{live_server}/quality/samples").status == 403  # at once
    lecturer.context.close()
