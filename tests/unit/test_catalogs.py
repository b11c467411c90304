"""Every user-facing string is translated into Indonesian and Chinese, placeholders intact."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "eduplatform"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "_ln": (1, 2),
    "lazy_gettext": None,
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]")


def _source_messages():
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, filename)
    return found


@pytest.fixture(scope="module")
def source_messages():
    return _source_messages()


@pytest.mark.parametrize("language", ["id", "zh"])
def test_every_message_is_translated(language, source_messages):
    path = PACKAGE / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    translations = {}
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        text = message.string[0] if isinstance(message.string, tuple) else message.string
        translations[msgid] = text
    missing = sorted(
        f"{where}: {msgid}"
        for msgid, where in source_messages.items()
        if not translations.get(msgid)
    )
    assert not missing, f"{len(missing)} untranslated in {language}:\n" + "\n".join(missing[:40])
    broken = sorted(
        msgid
        for msgid in source_messages
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(translations[msgid]))
    )
    assert not broken, f"placeholders differ in {language}: {broken[:20]}"
