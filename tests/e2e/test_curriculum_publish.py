"""An author publishes a new version of a module and finds it in the catalogue."""

from playwright.sync_api import expect

from tests.curriculum.conftest import ev_program  # noqa: F401 - the imported EV curriculum


def test_author_edits_a_unit_publishes_version_2_and_sees_it_in_the_catalogue(
    ev_program,  # noqa: F811
    make_user,
    sign_in,
    live_server,
):
    author = make_user("author", organization=ev_program["owner"], locale="en")
    page = sign_in(author)
    page.goto(f"{live_server}/curriculum/modules/EV-102")
    page.get_by_role("button", name="Edit: start a new version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft of EV-102, version 2")

    page.get_by_role("link", name="EV-102-U1", exact=False).click()
    page.get_by_label("Title in English").fill("Types of electrified vehicle (revised)")
    page.get_by_role("button", name="Save unit").click()
    expect(page.get_by_text("Unit EV-102-U1 saved.")).to_be_visible()

    page.get_by_role("button", name="Publish version 2").click()
    # Asked first, naming what publishing does: it cannot be undone.
    expect(page.get_by_role("heading", name="Publish version 2 of EV-102?")).to_be_visible()
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_text("Version 2 of EV-102 is published.")).to_be_visible()
    expect(
        page.get_by_role("heading", name="EV-102-U1 · Types of electrified vehicle (revised)")
    ).to_be_visible()

    page.goto(f"{live_server}/curriculum/?q=EV-102")
    entry = page.get_by_role("listitem").filter(has_text="EV-102")
    expect(entry).to_contain_text("version 2")
