import pytest

HOME_MARKERS = {
    "admin": "/admin/users",
    "office": "NPSN",
    "author": "author",
    "teacher": "teacher",
    "student": "student",
}


@pytest.mark.parametrize("role", ["admin", "office", "author", "teacher", "student"])
def test_each_role_signs_in_and_sees_its_home_page(role, make_user, sign_in, live_server):
    user = make_user(role, full_name=f"Tester {role}")
    page = sign_in(user)
    assert page.get_by_role("heading", level=1).inner_text().endswith(f"Tester {role}")
    assert page.locator("html").get_attribute("lang") == "id"
