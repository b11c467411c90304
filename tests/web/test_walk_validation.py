"""Input the browser walk found accepted without a word: "not-an-email" on the forgot-password
page was answered as if a link were on its way. The address's shape is checked at its field;
whether an account has a well-formed address stays unsaid."""

import re

import pytest

SENT = "If an account has the address"


def _forgot(client, email, lang="en"):
    return client.post(f"/forgot-password?lang={lang}", data={"email": email})


def _field_errors(response):
    page = response.get_data(as_text=True)
    return re.findall(r'<p class="error" id="email-error">(.*?)</p>', page)


@pytest.mark.parametrize("typed", ["not-an-email", "guru@example", "guru @example.org", "@x.id"])
def test_forgot_password_refuses_what_is_no_email_address_at_its_field(
    client, make_user, mailbox, typed
):
    make_user("teacher", email="guru@example.org")
    response = _forgot(client, typed)
    assert _field_errors(response) == ["Enter a valid email address."]
    assert SENT not in response.get_data(as_text=True)
    assert mailbox.messages == []


def test_the_refusal_is_in_the_readers_language(client):
    assert _field_errors(_forgot(client, "not-an-email", lang="id")) == [
        "Masukkan alamat email yang valid."
    ]


def test_a_well_formed_address_still_gets_the_same_answer_either_way(client, make_user, mailbox):
    make_user("teacher", email="guru@example.org")
    known = _forgot(client, " guru@example.org ").get_data(as_text=True)
    unknown = _forgot(client, "nobody@example.org").get_data(as_text=True)
    assert SENT in known and SENT in unknown
    assert [m.rcpt_tos for m in mailbox.messages] == [["guru@example.org"]]
