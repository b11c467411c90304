"""A credential's `achievement.id` resolves: an employer who follows it reads what the certificate
certifies in their language, and a JSON client gets the very Achievement the credential embeds,
as a JSON-LD document of its own; drafts and unknown versions are nobody's achievement."""

import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from eduplatform.curriculum.models import ModuleVersion
from eduplatform.sqltypes import utcnow
from tests.credentials import js

TITLES = {"id": "Modul EV-101", "en": "Module EV-101", "zh": "模块 EV-101"}
JSON_LD = "application/ld+json"


@pytest.fixture
def credential(issued):
    """The English credential of Siti's EV-101 certificate, as a wallet downloads it."""
    return issued("EV-101-U1", "EV-101-U2").document


def _path(url):
    return urlsplit(url).path


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class Page(HTMLParser):
    """A page as its reader sees it: the text inside elements named by tag, `.class` or
    `[attribute=value]`, the document's language and its links."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.lang, self.links, self.texts, self._open = None, [], {}, []
        self.feed(html)

    @staticmethod
    def _names(tag, attrs):
        names = {tag, *(f"[{name}={value}]" for name, value in attrs)}
        return names | {f".{name}" for name in (dict(attrs).get("class") or "").split()}

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag == "a":
            self.links.append(dict(attrs).get("href"))
        if tag not in VOID:
            self._open.append((tag, self._names(tag, attrs)))

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for _tag, names in self._open:
            for name in names:
                self.texts.setdefault(name, []).append(data)

    def text(self, name):
        return " ".join("".join(self.texts.get(name, [])).split())


def _page(response):
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    return Page(response.get_data(as_text=True))


def test_a_browser_following_the_achievement_id_reads_it_in_its_language(client, credential):
    url = credential["credentialSubject"]["achievement"]["id"]
    assert url == "http://localhost/achievements/EV-101/v1"
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    for lang, title in TITLES.items():
        page = _page(client.get(f"{_path(url)}?lang={lang}", headers=browser))
        assert page.lang == lang
        assert title in page.text("h1"), lang
        assert "EV-101-U1" in page.text(".achievement-units")
        # The partner university that created it, and the way to check a certificate.
        assert "Xi'an Partner Automotive University" in page.text(".facts")
        assert "/verify" in page.links
    english = _page(client.get(_path(url), headers={**browser, "Accept-Language": "en"}))
    assert "Module EV-101" in english.text("h1")
    units = english.text(".achievement-units")
    assert "High-voltage hazards" in units and "De-energising" in units
    assert "Task EV-101-U1" in units and "Criterion" in units
    # What the credential says it takes, word for word.
    narrative = credential["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert narrative in english.text("p")
    indonesian = _page(client.get(_path(url), headers=browser))  # no language asked: Indonesian
    assert "Modul EV-101" in indonesian.text("h1")
    assert "Bahaya tegangan tinggi" in indonesian.text(".achievement-units")


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [(JSON_LD, JSON_LD), ("application/json", "application/json"), ("*/*", JSON_LD)],
)
def test_a_json_client_gets_the_achievement_the_credential_embeds(
    client, credential, accept, mimetype
):
    embedded = credential["credentialSubject"]["achievement"]
    response = client.get(f"{_path(embedded['id'])}?lang=en", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == mimetype
    assert "Accept" in response.headers["Vary"]
    document = json.loads(response.data)
    assert document["id"] == embedded["id"] == "http://localhost/achievements/EV-101/v1"
    assert "Achievement" in document["type"]
    assert "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" in document["@context"]
    assert {key: value for key, value in document.items() if key != "@context"} == embedded


def test_the_achievement_is_json_ld_of_its_own_and_the_credential_still_verifies(
    client, credential
):
    url = _path(credential["credentialSubject"]["achievement"]["id"])
    document = client.get(f"{url}?lang=zh", headers={"Accept": JSON_LD}).get_json()
    assert document["name"] == "模块 EV-101" and document["inLanguage"] == "zh"
    # Safe-mode expansion fails on any term the contexts leave undefined.
    result = js.run("expand", document, js.reference_contexts())
    assert result["error"] is None and result["verified"] is True
    result = js.run("ldp", credential, js.documents_for(client, credential))
    assert result["error"] is None and result["verified"] is True


def test_unknown_modules_versions_and_drafts_are_nobodys_achievement(
    client, db, training, credential
):
    draft = ModuleVersion(module_id=training.safety.id, number=2, status="draft",
                          title={"id": "Modul EV-101 baru"})  # fmt: skip
    db.add(draft)
    db.commit()
    for url in ("/achievements/EV-999/v1", "/achievements/EV-101/v3", "/achievements/EV-101/v2"):
        for accept in ("text/html", JSON_LD):
            response = client.get(url, headers={"Accept": accept})
            assert response.status_code == 404, (url, accept)


def test_a_retired_version_still_answers_and_says_it_is_retired(client, db, training, credential):
    version = db.exec(
        select(ModuleVersion).where(ModuleVersion.module_id == training.safety.id)
    ).one()
    version.status, version.retired_at = "retired", utcnow()
    db.add(version)
    db.commit()
    url = _path(credential["credentialSubject"]["achievement"]["id"])
    page = _page(client.get(f"{url}?lang=en", headers={"Accept": "text/html"}))
    assert "This version was retired on" in page.text("[role=status]")
    assert "Retired" in page.text(".facts")
    document = client.get(f"{url}?lang=en", headers={"Accept": JSON_LD}).get_json()
    embedded = credential["credentialSubject"]["achievement"]
    assert {key: value for key, value in document.items() if key != "@context"} == embedded


def test_a_learner_records_unit_achievement_ids_answer_too(client, login, training, credential):
    """The skills passport's learner record names each verified unit by an id under its
    module's: a JSON client gets the unit's Achievement as the record embeds it, a browser is
    sent to the unit on its module's page, and a unit the version lacks is nobody's."""
    login(training.student)
    record = json.loads(client.get("/passport/clr?lang=en").data)
    client.post("/logout")
    embedded = {a["humanCode"]: a for a in record["credentialSubject"]["achievement"]}
    unit = embedded["EV-101-U2"]
    assert unit["id"] == "http://localhost/achievements/EV-101/v1/units/EV-101-U2"
    answered = client.get(_path(unit["id"]) + "?lang=en", headers={"Accept": JSON_LD})
    assert answered.status_code == 200 and answered.mimetype == JSON_LD
    document = answered.get_json()
    assert {key: value for key, value in document.items() if key != "@context"} == unit
    assert "Accept" in answered.headers["Vary"]
    browser = client.get(_path(unit["id"]), headers={"Accept": "text/html,*/*;q=0.8"})
    assert browser.status_code == 303
    assert browser.headers["Location"] == "/achievements/EV-101/v1#unit-EV-101-U2"
    page = client.get("/achievements/EV-101/v1?lang=en", headers={"Accept": "text/html"})
    assert 'id="unit-EV-101-U2"' in page.get_data(as_text=True)
    for missing in ("/achievements/EV-101/v1/units/EV-102-U1", "/achievements/EV-101/v9/units/x"):
        assert client.get(missing, headers={"Accept": JSON_LD}).status_code == 404
