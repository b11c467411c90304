"""A teacher makes an API token on the profile page, uses it, and revokes it; the reference page
renders the OpenAPI document without any outside script."""

from tests.e2e.conftest import assert_fits_the_screen


def test_teacher_creates_uses_and_revokes_a_token(make_user, sign_in, live_server, page):
    teacher = make_user("teacher", full_name="Budi Santoso")
    sign_in(teacher)
    page.goto(f"{live_server}/profile?lang=en")
    section = page.locator("#api-tokens")
    section.get_by_label("Token name").fill("School administration system")
    section.get_by_label("Read only").check()
    section.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").input_value()
    assert token.startswith("edu_")
    assert_fits_the_screen(page)

    me = page.request.get(f"{live_server}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status == 200 and me.json()["full_name"] == "Budi Santoso"

    page.goto(f"{live_server}/profile?lang=en")
    page.get_by_role("button", name="Revoke the token School administration system").click()
    page.locator("#api-tokens .badge.muted").wait_for()  # the token is listed as revoked
    denied = page.request.get(
        f"{live_server}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert denied.status == 401


def test_reference_page_renders_the_document(live_server, page):
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("console", lambda message: message.type == "error" and failed.append(message.text))
    page.goto(f"{live_server}/api/v1/docs")
    page.locator("#op-create_completion").wait_for()
    assert page.get_by_text("POST /completions", exact=True).first.is_visible()
    assert failed == []
    assert_fits_the_screen(page)
