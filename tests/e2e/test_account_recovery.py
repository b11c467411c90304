"""Journeys of issue 14 section 4 in Chromium, at phone and desktop width, in Indonesian and
Chinese: the office invites a teacher who sets a password from the emailed link, and withdraws
an invitation sent to a mistyped address; a teacher who forgot the password gets a new one by
email. The links are read from a real SMTP server's mailbox."""

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import BROWSER_LOCALES, assert_fits_the_screen

NEW_PASSWORD = "motor listrik di bengkel"


def _fresh_page(browser, page, lang):
    """A second browser (its own cookies) of the same size, as on the invitee's own phone."""
    context = browser.new_context(viewport=page.viewport_size, locale=BROWSER_LOCALES[lang])
    context.set_default_timeout(10_000)
    return context.new_page()


def _choose_password(invitee, link, live_server, t):
    invitee.goto(link)
    invitee.wait_for_url(f"{live_server}/account/password")  # the token left the address bar
    assert_fits_the_screen(invitee)
    invitee.get_by_label(t("New password"), exact=True).fill(NEW_PASSWORD)
    invitee.get_by_label(t("Repeat the new password"), exact=True).fill(NEW_PASSWORD)
    invitee.get_by_role("button", name=t("Save the password and sign in")).click()
    invitee.wait_for_url(f"{live_server}/")


def _invite(page, t, lang, name, email):
    page.get_by_label(t("Full name"), exact=True).fill(name)
    page.get_by_label(t("Email"), exact=True).fill(email)
    page.get_by_label(t("Language of the email"), exact=True).select_option(lang)
    page.get_by_role("button", name=t("Send the invitation")).click()
    page.get_by_text(t("Invitation sent to %(email)s.", email=email)).wait_for()


def test_the_office_invites_a_teacher_who_chooses_a_password(
    app, browser, page, live_server, sign_in, make_user, make_org, mailbox, lang, t
):
    app.config["BASE_URL"] = live_server  # the email's links point at this test server
    school = make_org("school", name="SMK Negeri 5 Surakarta")
    sign_in(make_user("office", full_name="Ibu Rina", locale=lang))
    page.goto(f"{live_server}/schools/{school.id}")
    page.get_by_role("link", name=t("Invite a teacher by email")).click()
    page.get_by_label(t("Full name"), exact=True).wait_for()
    assert_fits_the_screen(page)
    assert page.get_by_label(t("Role"), exact=True).input_value() == "teacher"
    assert page.get_by_label(t("School or organization"), exact=True).input_value() == str(
        school.id
    )
    _invite(page, t, lang, "Budi Santoso", "budi.santoso@example.org")
    assert page.get_by_role("cell", name="Budi Santoso").is_visible()
    assert_fits_the_screen(page)

    message = mailbox.last("budi.santoso@example.org")
    assert message.subject == t("You are invited to eduplatform")
    assert "Ibu Rina" in message.text and "SMK Negeri 5 Surakarta" in message.text
    (link,) = message.links
    invitee = _fresh_page(browser, page, lang)
    try:
        invitee.goto(link)
        invitee.get_by_role("heading", name=t("Welcome to eduplatform")).wait_for()
        invitee.get_by_label(t("New password"), exact=True).fill(NEW_PASSWORD)
        invitee.get_by_label(t("Repeat the new password"), exact=True).fill(NEW_PASSWORD)
        invitee.get_by_role("button", name=t("Save the password and sign in")).click()
        invitee.wait_for_url(f"{live_server}/")
        assert "Budi Santoso" in invitee.get_by_role("heading", level=1).inner_text()
        assert_fits_the_screen(invitee)
        # The link worked once.
        invitee.goto(link)
        invitee.get_by_role("heading", name=t("This link does not work")).wait_for()
    finally:
        invitee.context.close()


def test_the_office_withdraws_an_invitation_sent_to_a_mistyped_address(
    app, browser, page, live_server, sign_in, make_user, make_org, mailbox, lang, t
):
    app.config["BASE_URL"] = live_server
    school = make_org("school", name="SMK Negeri 5 Surakarta")
    sign_in(make_user("office", full_name="Ibu Rina", locale=lang))
    page.goto(f"{live_server}/admin/invitations?school={school.id}")
    _invite(page, t, lang, "Dewi Lestari", "dewi@exmaple.org")
    (link,) = mailbox.last("dewi@exmaple.org").links

    row = page.get_by_role("row").filter(has_text="dewi@exmaple.org")
    row.get_by_role("button", name=t("Withdraw…")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Withdraw the invitation of %(name)s?", name="Dewi Lestari")
    )
    expect(
        page.get_by_text(
            t("The link in the email to %(email)s stops working.", email="dewi@exmaple.org")
        )
    ).to_be_visible()
    assert_fits_the_screen(page)
    page.get_by_role("link", name=t("Keep the invitation")).click()  # changed her mind
    expect(page.get_by_role("row").filter(has_text="dewi@exmaple.org")).to_be_visible()

    row.get_by_role("button", name=t("Withdraw…")).click()
    page.get_by_role("button", name=t("Withdraw the invitation"), exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        t("The invitation of %(name)s was withdrawn.", name="Dewi Lestari")
    )
    expect(page.get_by_role("row").filter(has_text="dewi@exmaple.org")).to_have_count(0)
    invitee = _fresh_page(browser, page, lang)
    try:
        invitee.goto(link)
        invitee.get_by_role("heading", name=t("This link does not work")).wait_for()
    finally:
        invitee.context.close()


def test_a_teacher_who_forgot_the_password_chooses_a_new_one(
    app, browser, page, live_server, make_user, mailbox, lang, t
):
    app.config["BASE_URL"] = live_server
    teacher = make_user(
        "teacher", email="guru.sari@example.org", full_name="Sari Wulandari", locale=lang
    )
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name=t("Forgot your password?")).click()
    page.get_by_label(t("Email"), exact=True).wait_for()
    assert_fits_the_screen(page)
    page.get_by_label(t("Email"), exact=True).fill("guru.sari@example.org")
    page.get_by_role("button", name=t("Send the link")).click()
    sent = t(
        "If an account has the address %(email)s, a link to choose a new password is on its "
        "way there. The link works once, for %(minutes)d minutes.",
        email="guru.sari@example.org",
        minutes=app.config["PASSWORD_RESET_VALID_MINUTES"],
    )
    page.get_by_text(sent).wait_for()

    message = mailbox.last(teacher.email)
    assert message.subject == t("Choose a new eduplatform password")
    (link,) = message.links
    _choose_password(page, link, live_server, t)
    assert "Sari Wulandari" in page.get_by_role("heading", level=1).inner_text()
    assert mailbox.last(teacher.email).subject == t("Your eduplatform password was changed")

    # The old password no longer signs in.
    other = _fresh_page(browser, page, lang)
    try:
        other.goto(f"{live_server}/login")
        other.get_by_label(t("Email or NISN"), exact=True).fill(teacher.email)
        other.get_by_label(t("Password"), exact=True).fill(PASSWORD)
        other.get_by_role("button", name=t("Sign in")).click()
        other.get_by_text(
            re.compile(re.escape(t("Email/NISN or password is not correct.")))
        ).wait_for()
    finally:
        other.context.close()
