"""Every page of every role, in each language, reads as words for people: no event codes
(`auth.login`), no ISO dates in prose, no `#7` for a record, no Python reprs (`['`, `None`),
and on an Indonesian or Chinese page no English text the catalogue translates.

The pages come from the URL map, walked as tests/security does with a seeded world (two
schools, people of every role, logged and verified units, a certificate, a passport, an
exchange activity, notifications), so a page added later is read here without a change.
"""

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.i18n.pages import BROWSER, LANGUAGES, main_html, page_urls, read_nodes, with_lang
from tests.security.crawl import sign_in

CATALOGUES = Path(__file__).resolve().parents[2] / "eduplatform" / "translations"
ACTION_PREFIXES = (
    "auth|activation|user|organization|school|cohort|student|roster|module|curricula|completion"
    "|passport|certificate|token|partnership|activity|exchange|demo|mail|notification"
)
RAW = {
    "an event code": re.compile(rf"\b(?:{ACTION_PREFIXES})\.[a-z][a-z_]+\b"),
    "an ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "a record number": re.compile(r"(?<![\w&])#\d+\b"),
    "a Python value": re.compile(
        r"\['|\[\"|\{'|\{\"|^(?:None|True|False)$|=None\b| object at 0x|Decimal\(|datetime\.date"
    ),
}


@cache
def english_msgids(lang):
    """Catalogue texts that read differently in `lang`: on its pages they must not show
    (unless the same words are the translation of another text, as "Filter" in Indonesian)."""
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale=lang)
    found, translations = set(), set()
    for message in catalogue:
        if not message.id or isinstance(message.id, tuple) or "%" in message.id:
            continue
        translation = message.string
        translations.add(translation)
        if translation and translation != message.id and re.search(r"[A-Za-z]{3}", message.id):
            found.add(message.id)
    return frozenset(found - translations)


# Chinese writes the year first: "12月 2026" or "5 12月 2026" is a European pattern in Chinese.
RAW_IN = {
    "zh": {
        "a European date": re.compile(r"(?:\d|[一二三四五六七八九十])月 \d{4}|\b\d{1,2} \d{1,2}月")
    }
}


def problems_on(html, lang):
    found = []
    nodes = read_nodes(main_html(html))
    for node in nodes:
        for what, pattern in {**RAW, **RAW_IN.get(lang, {})}.items():
            match = pattern.search(node)
            if match:
                found.append(f"{what} {match.group(0)!r} in {node[:120]!r}")
        if lang != "en" and node in english_msgids(lang):
            found.append(f"untranslated {node!r}")
    return found


def read_every_page(app, world, role):
    client = app.test_client()
    actor = None if role == "anonymous" else world.actor(role)
    if actor is not None:
        sign_in(client, actor)
    problems, read = [], 0
    for endpoint, url in page_urls(app, world, actor):
        if endpoint == "auth.logout":
            continue
        for lang in LANGUAGES:
            response = client.get(with_lang(url, lang), headers=BROWSER)
            body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            response.close()
            if response.status_code != 200 or not body:
                continue
            read += 1
            problems += [f"{role} {lang} {url}: {p}" for p in problems_on(body, lang)]
    return problems, read


@pytest.mark.parametrize("role", ["anonymous", "student", "teacher", "author", "office", "admin"])
def test_every_page_reads_as_words_in_every_language(app, world, role):
    problems, read = read_every_page(app, world, role)
    assert read >= 3 * 5  # the walk reached the role's pages (a broken walk reads nothing)
    assert not problems, f"{len(problems)} raw texts:\n" + "\n".join(sorted(set(problems)))


@pytest.mark.parametrize(
    ("html", "lang", "found"),
    [
        ("<p>auth.login</p>", "en", "an event code"),
        ('<span title="module.published">Published</span>', "en", "an event code"),
        ("<p>Published 2026-12-04 by Ms Chen</p>", "en", "an ISO date"),
        ("<td>Partnership #1</td>", "en", "a record number"),
        ("<dd>['EV-101', 'EV-102']</dd>", "en", "a Python value"),
        ("<dd>None</dd>", "id", "a Python value"),
        ("<button>Save</button>", "id", "untranslated"),
        ("<label>Feedback for the student</label>", "zh", "untranslated"),
        ("<p>Data per 5 12月 2026 07:05</p>", "zh", "a European date"),
        ("<p>从七月 2025到六月 2026</p>", "zh", "a European date"),
    ],
)
def test_the_reader_finds_each_kind_of_raw_text(html, lang, found):
    assert any(problem.startswith(found) for problem in problems_on(html, lang))


def test_the_reader_passes_words_and_what_is_not_read():
    html = (
        '<p>Simpan</p><p>4 Desember 2026</p><input type="date" value="2026-12-04">'
        '<script>var x = {"a": None}</script><a href="/x#1" data-action="auth.login">Masuk</a>'
    )
    assert problems_on(html, "id") == []


def test_an_anonymised_student_is_named_in_the_pages_language(app, client, world, db):
    from eduplatform.db import new_session
    from eduplatform.people.models import User
    from eduplatform.privacy import service as privacy

    with app.test_request_context(), new_session(app) as session:
        privacy.anonymise_student(
            session,
            actor=session.get(User, world.admin.id),
            student=session.get(User, world.b.student.id),
        )
    sign_in(client, world.admin)
    number = world.b.student.id
    for lang, name in (("id", "Siswa anonim"), ("en", "Anonymised student"), ("zh", "匿名学生")):
        for url in ("/admin/users", f"/admin/users/{number}", "/admin/audit/"):
            page = client.get(with_lang(url, lang)).get_data(as_text=True)
            assert f"{name} {number}" in page, (lang, url)
            assert problems_on(page, lang) == [], (lang, url)
