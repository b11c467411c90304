"""The public certificate lookup in a browser: refused input never widens the page."""

import pytest

from tests.e2e.conftest import assert_fits_the_screen


@pytest.mark.parametrize(
    "typed", ["X" * 600, "R2B6-" * 8, "https://host.example/verify/" + "Q" * 300]
)
def test_a_refused_code_never_widens_the_page(page, live_server, typed):
    page.goto(f"{live_server}/verify")
    page.locator("#code").fill(typed)
    page.locator("form[action='/verify'] button[type=submit]").click()
    page.get_by_role("alert").wait_for()
    assert "10" in page.get_by_role("alert").inner_text()
    assert_fits_the_screen(page)
