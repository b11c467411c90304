"""A parent's copy of the data: besides the JSON files for computers, the archive holds one
document to read, in the language the admin chose for the parent."""

import io
import json
import zipfile

import pytest
from babel.dates import format_date

from tests.conftest import PASSWORD
from tests.i18n.test_no_raw_text import problems_on


def _export(client, world, language=None):
    client.post("/login", data={"login": world.admin.email, "password": PASSWORD})
    data = {"language": language} if language else {}
    response = client.post(f"/admin/students/{world.a.student.id}/privacy/export", data=data)
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.data))


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("id", ["Data yang disimpan tentang", "Unit yang dicatat", "Sertifikat"]),
        ("zh", ["个人信息", "证书"]),
        ("en", ["Data held about", "Logged units", "Certificates"]),
    ],
)
def test_the_archive_holds_a_readable_document_in_the_parents_language(
    client, world, language, words
):
    archive = _export(client, world, language)
    manifest = json.loads(archive.read("manifest.json"))
    name = f"student-{world.a.student.id}-data-{language}.html"
    assert manifest["readable"] == name
    document = archive.read(name).decode()
    assert f'<html lang="{language}">' in document
    for word in words:
        assert word in document, word
    student = world.a.student
    assert student.full_name.replace("'", "&#39;") in document
    assert format_date(student.birth_date, "long", locale=language) in document
    assert world.a.certificate.code in document
    assert "EV-101-U1" in document and "Saya mengerjakan EV-101-U1" in document  # their note
    assert world.a.activity.title in document
    assert problems_on(document, language) == []  # words, dates and names, nothing raw
    assert "<script" not in document and "http" not in document.split("<body>")[1]


def test_the_document_defaults_to_the_students_language_and_the_ticks_are_kept(client, world, db):
    world.a.student.locale = "zh"
    db.add(world.a.student)
    db.commit()
    archive = _export(client, world)
    assert f"student-{world.a.student.id}-data-zh.html" in archive.namelist()
    ticks = json.loads(archive.read("completion_criterion.json"))
    verified = {u.id for u in world.a.units}
    sent_back = [t["met"] for t in ticks if t["completion_id"] == world.a.returned.id]
    ticks = [t for t in ticks if t["completion_id"] != world.a.returned.id]
    assert sent_back == [False]  # the first attempt, sent back with its criterion unticked
    assert ticks and {t["met"] for t in ticks} == {True}
    assert len(ticks) == len(verified)  # one criterion each, ticked when verified


def test_the_privacy_page_offers_the_language(client, world):
    client.post("/login", data={"login": world.admin.email, "password": PASSWORD})
    page = client.get(f"/admin/students/{world.a.student.id}/privacy?lang=en").get_data(
        as_text=True
    )
    assert 'name="language"' in page and "Language of the readable document" in page
