"""The shipped fonts cover every character the app itself writes, in all three languages."""

from pathlib import Path

from babel.messages.pofile import read_po

from eduplatform.pdf import fonts

ROOT = Path(__file__).resolve().parents[2]


def _catalogue_text(lang):
    with open(ROOT / f"eduplatform/translations/{lang}/LC_MESSAGES/messages.po", "rb") as file:
        catalogue = read_po(file)
    parts = []
    for message in catalogue:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        parts.extend(s for s in strings if s)
    return "".join(parts)


def test_every_character_of_the_catalogues_and_curricula_has_a_glyph():
    text = "".join(_catalogue_text(lang) for lang in ("id", "en", "zh"))
    text += "".join(p.read_text("utf-8") for p in sorted((ROOT / "curricula").rglob("*.yaml")))
    missing = sorted({c for c in text if not c.isspace() and not fonts.covered(c)})
    assert missing == [], (
        f"no glyph for {''.join(missing)!r}: run scripts/build_fonts.py (eduplatform/fonts)"
    )


def test_a_mixed_line_is_cut_into_latin_and_chinese_runs():
    assert fonts.runs("EV-101 电动车, 6,5 jam", bold=True) == [
        ("NotoSans-Bold", "EV-101 "),
        ("NotoSansSC-Bold", "电动车"),
        ("NotoSans-Bold", ", 6,5 jam"),
    ]
    assert not fonts.covered("\ue000")


def test_the_fonts_ship_with_the_package_beside_their_licence():
    """Issue 16.2: the Noto fonts travel inside the package (setuptools' package data), with
    the SIL Open Font License that names each of them."""
    import tomllib
    from fnmatch import fnmatch

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["eduplatform"]
    licence = (fonts.FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    for path in [*fonts.FILES.values(), fonts.FONT_DIR / "OFL.txt"]:
        inside = path.relative_to(ROOT / "eduplatform").as_posix()
        assert path.is_file() and any(fnmatch(inside, p) for p in patterns), inside
        if path.suffix == ".ttf":
            assert path.name in licence  # the licence says which files it covers
