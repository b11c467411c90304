"""The public lookup form at /verify: pasted links, long input, wrong lengths, empty input."""

import re

import pytest
from sqlmodel import select

from eduplatform.training import service
from eduplatform.training.certificates import CODE_LENGTH
from eduplatform.training.models import Certificate

EXAMPLE = "R2B6 32BP Q2"  # the example code the format message gives


@pytest.fixture
def certified(db, verified):
    """The student completed EV-101: both its units verified; returns the certificate."""
    verified("EV-101-U1", "EV-101-U2")
    (certificate,) = db.exec(select(Certificate)).all()
    return certificate


def alert(page):
    """The text of the error box (tags removed), or None."""
    match = re.search(r'<p class="flash flash-error[^"]*" role="alert">(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)) if match else None


def card(page):
    """The page's own content (the layout's language switcher keeps the whole URL, hidden)."""
    return re.search(r'<section class="card narrow">.*?</section>', page, re.S).group(0)


def lookup(client, typed, lang="en"):
    return client.get("/verify", query_string={"code": typed, "lang": lang})


@pytest.mark.parametrize(
    "link",
    [
        "http://127.0.0.1:5000/verify/{code}",
        "https://host.example/verify/{dashed}?lang=en",
        "  https://host.example/verify/{code}/  ",
        "host.example/verify/{code}#top",
        "https://host.example/verify/{spaced_escaped}",
    ],
)
def test_a_pasted_link_goes_to_its_certificate(client, certified, link):
    code = certified.code
    typed = link.format(
        code=code,
        dashed=f"{code[:4]}-{code[4:8]}-{code[8:]}".lower(),
        spaced_escaped=f"{code[:4]}%20{code[4:8]}%20{code[8:]}",
    )
    response = lookup(client, typed)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{code}?lang=en")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Valid certificate" in page and "Siti Rahayu" in page


def test_a_pasted_link_is_followed_to_the_end(client, certified):
    response = lookup(client, f"https://host.example/verify/{certified.code}", lang="en")
    assert client.get(response.headers["Location"]).status_code == 200


def test_the_language_a_link_asked_for_is_kept_from_the_form_to_the_certificate(client, certified):
    """A partner's link opens the form in Chinese (?lang=zh): the form carries the language, the
    redirect to the certificate keeps it, and so does the one from a code typed in lower case."""
    form = client.get("/verify?lang=zh").get_data(as_text=True)
    assert '<input type="hidden" name="lang" value="zh">' in card(form)
    response = lookup(client, certified.code.lower(), lang="zh")
    assert response.headers["Location"].endswith(f"/verify/{certified.code}?lang=zh")
    assert "证书有效" in client.get(response.headers["Location"]).get_data(as_text=True)
    lower = client.get(f"/verify/{certified.code.lower()}?lang=zh")
    assert lower.headers["Location"].endswith(f"/verify/{certified.code}?lang=zh")
    # No language asked (a QR code's link): the redirect adds none, and an unknown one is dropped.
    assert lookup(client, certified.code, lang="xx").headers["Location"].endswith(certified.code)
    assert 'name="lang"' not in card(client.get("/verify?lang=xx").get_data(as_text=True))


def test_a_pasted_link_to_an_unknown_code_is_treated_as_that_code(client, certified):
    response = lookup(client, "https://host.example/verify/ABCD-EFGH-JK")
    assert response.status_code == 302
    followed = client.get(response.headers["Location"])
    assert followed.status_code == 404
    assert alert(followed.get_data(as_text=True)).startswith(
        "No certificate has the code ABCDEFGHJK"
    )
    short = lookup(client, "https://host.example/verify/ABC?lang=en")
    assert short.status_code == 422
    assert "10 letters and digits" in alert(short.get_data(as_text=True))
    assert "https" not in alert(short.get_data(as_text=True))


def test_long_input_is_echoed_only_in_part_and_wraps(client):
    typed = "X" * 600
    response = lookup(client, typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "X" * 41 not in card(page)
    assert 'value=""' in card(page)  # not put back into the field either
    message = alert(page)
    assert "X" * 39 + "…" in message
    assert re.search(r'<p class="flash flash-error break"', page)
    assert '<code class="break">' + "X" * 39 + "…</code>" in page


def test_a_long_path_is_echoed_only_in_part(client):
    response = client.get("/verify/" + "Y" * 600 + "?lang=en")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Y" * 41 not in card(page)
    assert "Y" * 39 + "…" in alert(page)


def test_short_input_is_echoed_whole_and_kept_in_the_field(client):
    response = lookup(client, "R2B6 32BP")
    page = response.get_data(as_text=True)
    assert "R2B6 32BP is not a certificate code" in alert(page)
    assert 'value="R2B6 32BP"' in page


def test_echoed_input_is_escaped(client):
    page = lookup(client, "<script>x</script>").get_data(as_text=True)
    assert "<script>x" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "typed", ["ABC", "R2B6 32BP Q23", "R2B6-32BP", "R2B6.32BP.Q", "ÄÄÄÄÄÄÄÄÄÄ"]
)
def test_a_code_of_the_wrong_form_says_what_a_code_looks_like(client, typed):
    response = lookup(client, typed)
    message = alert(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "A certificate code has 10 letters and digits, like R2B6 32BP Q2." in message
    assert "No certificate has" not in message


def test_the_example_in_the_message_is_a_well_formed_code():
    assert CODE_LENGTH == 10
    assert service.normalize_code(EXAMPLE) == "R2B632BPQ2"


def test_a_well_formed_unknown_code_still_says_no_certificate(client, certified):
    typed = "ABCDEFGHJK" if certified.code != "ABCDEFGHJK" else "ABCDEFGHJM"
    response = client.get(f"/verify/{typed}?lang=en")
    assert response.status_code == 404
    assert alert(response.get_data(as_text=True)) == (
        f"No certificate has the code {typed}. Check the code and try again."
    )
    # ten letters and digits, but with a letter codes never use (O): refused on the form
    response = lookup(client, "ABCDEFGHJO")
    assert response.status_code == 422
    assert alert(response.get_data(as_text=True)).startswith(
        "No certificate has the code ABCDEFGHJO"
    )


@pytest.mark.parametrize("typed", ["", "   ", " - - "])
def test_an_empty_submission_asks_for_the_code(client, typed):
    response = lookup(client, typed)
    message = alert(response.get_data(as_text=True))
    assert response.status_code == 422
    assert message == "Enter the certificate code printed on the certificate."


def test_the_blank_form_shows_no_error(client):
    response = client.get("/verify?lang=en")
    assert response.status_code == 200
    assert alert(response.get_data(as_text=True)) is None


def test_the_messages_are_translated(client):
    # Until the new strings reach the catalogues the English shows; the page must still render.
    for lang in ("id", "zh"):
        for typed in ("", "ABC", "ABCDEFGHJO"):
            response = lookup(client, typed, lang=lang)
            assert response.status_code == 422
            assert alert(response.get_data(as_text=True))
