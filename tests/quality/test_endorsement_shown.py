# ruff: noqa: F811 - the endorsement fixtures imported below are used by name
"""A certificate's endorsement shows wherever the certificate does: its public check, the
signed-in certificate page and the PDF say who endorsed it, when, and what the university states
(the words of its signed EndorsementCredential), in the reader's or the certificate's language."""

import difflib
import xml.etree.ElementTree as ET

import pytest
from flask_babel import format_date

from tests import poppler
from tests.i18n.pages import read_nodes
from tests.quality.test_endorsements import _answer_all, _certificate, reviewed_term  # noqa: F401
from tests.quality.test_endorsements import _endorsement as endorsement_row

UNIVERSITY = "Xi'an Partner Automotive University"
ENDORSED_BY = {"en": f"Endorsed by {UNIVERSITY}", "id": f"Disahkan oleh {UNIVERSITY}",
               "zh": f"已获{UNIVERSITY}认可"}  # fmt: skip


@pytest.fixture
def endorsed(app, db, training, reviewed_term):
    """Siti's EV-101 certificate once the university endorses the school's EV-101 certificates."""
    certificate = _certificate(db, training)
    reviewed_term(True, True, True, False)
    _answer_all(app, training)
    return certificate


def _statement(client, certificate, lang):
    url = f"/verify/{certificate.code}/endorsement?lang={lang}"
    return client.get(url).get_json()["credentialSubject"]["endorsementComment"]


def _date(app, db, training, lang):
    with app.test_request_context(f"/?lang={lang}"):
        return format_date(endorsement_row(db, training).endorsed_at, "long")


def _nodes(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return read_nodes(response.get_data(as_text=True))


def test_the_certificate_pages_say_who_endorsed_it_when_and_what_they_state(
    app, client, db, login, training, reviewed_term
):
    certificate = _certificate(db, training)
    login(training.student)
    for url in (f"/verify/{certificate.code}?lang=en", f"/certificates/{certificate.code}?lang=en"):
        assert not any("Endorsed" in node for node in _nodes(client, url)), url
    reviewed_term(True, True, True, False)
    _answer_all(app, training)
    for lang in ("en", "id", "zh"):
        statement = _statement(client, certificate, lang)
        assert UNIVERSITY in statement and "EV-101" in statement
        for page in ("verify", "certificates"):
            nodes = _nodes(client, f"/{page}/{certificate.code}?lang={lang}")
            # Who, when, and what they state, one after the other.
            who = nodes.index(f"✓ {ENDORSED_BY[lang]}")
            assert _date(app, db, training, lang) in nodes[who + 1], (page, lang)
            assert nodes[who + 2] == statement, (page, lang)


def test_a_visitor_without_an_account_reads_what_the_university_states(client, endorsed):
    nodes = _nodes(client, f"/verify/{endorsed.code}?lang=id")
    assert f"✓ {ENDORSED_BY['id']}" in nodes
    assert _statement(client, endorsed, "id") in nodes


def _pdf(client, tmp_path, certificate, lang):
    """The holder's PDF in `lang` as pdftotext reads it: its lines of text, and its words with
    their vertical extent in reading order ([(word, top, bottom)], y growing downwards)."""
    response = client.get(f"/certificates/{certificate.code}/pdf?lang={lang}")
    assert response.status_code == 200
    path = tmp_path / f"certificate-{lang}.pdf"
    path.write_bytes(response.data)
    boxes = ET.fromstring(poppler.run("pdftotext", "-bbox", str(path), "-"))
    words = [
        (word.text, float(word.get("yMin")), float(word.get("yMax")))
        for word in boxes.iter("{http://www.w3.org/1999/xhtml}word")
    ]
    lines = [line.strip() for line in poppler.run("pdftotext", str(path), "-").splitlines()]
    return [line for line in lines if line], words


def _squeezed(text):
    return "".join(text.split())


def test_the_certificate_pdf_carries_the_endorsement_in_its_language(
    app, client, db, login, training, reviewed_term, tmp_path
):
    certificate = _certificate(db, training)
    login(training.student)
    before = {lang: _pdf(client, tmp_path, certificate, lang)[0] for lang in ("en", "id", "zh")}
    reviewed_term(True, True, True, False)
    _answer_all(app, training)
    for lang, lines_before in before.items():
        lines, words = _pdf(client, tmp_path, certificate, lang)
        changes = list(difflib.ndiff(lines_before, lines))
        assert not [line for line in changes if line[0] == "-"], lang  # nothing else changed
        added = [line[2:] for line in changes if line[0] == "+"]
        # Who and when, then the statement (its credential's words), wrapped over lines.
        shown = _squeezed(" ".join(added))
        statement = _squeezed(_statement(client, certificate, lang))
        assert shown.endswith(statement), lang
        endorsed = shown.removesuffix(statement)
        assert _squeezed(UNIVERSITY) in endorsed, lang
        assert _squeezed(_date(app, db, training, lang)) in endorsed, lang
        if lang == "en":
            assert added[0] == f"Endorsed by {UNIVERSITY} on {_date(app, db, training, 'en')}"
            # Between the module's lines and the facts, overlapping neither.
            names = [word for word, _top, _bottom in words]
            first, issued = names.index("Endorsed"), names.index("Issued")
            endorsement = words[first:issued]
            assert names[first - 1] == "work"  # "... hours of verified practical work"
            assert words[first - 1][2] < min(top for _word, top, _bottom in endorsement)
            assert max(bottom for _word, _top, bottom in endorsement) < words[issued][1]
