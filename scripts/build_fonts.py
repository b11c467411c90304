"""Build the subset TrueType fonts in eduplatform/fonts/ (run by hand; the output is committed).

    .venv/bin/pip install fonttools
    .venv/bin/python scripts/build_fonts.py NOTO_SANS_VF NOTO_CJK_REGULAR_TTC NOTO_CJK_BOLD_TTC

NOTO_SANS_VF is Noto Sans' variable TrueType font, `NotoSans[wdth,wght].ttf` (Google Fonts,
notofonts/latin-greek-cyrillic; also on PyPI in fontpkg-noto-sans); the two TTC files are
Debian's fonts-noto-cjk (/usr/share/fonts/opentype/noto/NotoSansCJK-{Regular,Bold}.ttc).

ReportLab embeds TrueType outlines only, and Noto Sans CJK is published with CFF (PostScript)
outlines, so its Simplified Chinese face is subset, then converted to quadratic TrueType curves
(fontTools' cu2qu, at most 1 unit from the original curve). The Chinese subset holds GB 2312
(the 6,763 hanzi of everyday Simplified Chinese and its symbols), CJK punctuation and full-width
forms, and every character of the Chinese catalogue and curricula, so the app's own text is
always covered (tests/training/test_fonts.py checks). Everything is under the SIL Open Font
License 1.1 (OFL.txt beside the fonts); Noto declares no Reserved Font Name.
"""

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable
from fontTools.varLib import instancer

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "eduplatform" / "fonts"
SC_FACE = 2  # in the Noto Sans CJK collections: JP, KR, SC, TC, HK, then the Mono faces

LATIN = [
    *range(0x20, 0x7F),  # ASCII
    *range(0xA0, 0x250),  # Latin-1, Latin Extended-A and -B
    *range(0x250, 0x2B0),  # IPA (ə in Indonesian dictionaries)
    *range(0x2B0, 0x370),  # spacing modifiers and combining marks
    *range(0x1E00, 0x1F00),  # Latin Extended Additional (Vietnamese)
    *range(0x2000, 0x2070),  # general punctuation: dashes, quotes, bullet, ellipsis
    *range(0x20A0, 0x20C1),  # currency: € ₹ ₫ ...
    *range(0x2100, 0x2150),  # letterlike: № ™ ℃
    *range(0x2190, 0x2200),  # arrows
    *range(0x2200, 0x2300),  # mathematical operators: − × ÷ ≤ ≥
    0x25A0,
    0x25A1,
    0x25B2,
    0x25BC,
    0x25CF,
    0x25CB,
    0xFFFD,  # shapes for bullets and charts
]


def gb2312():
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(ord(bytes([high, low]).decode("gb2312")))
    return chars


def catalogue_chinese():
    """Every character of the Chinese catalogue and of the curricula's Chinese text."""
    text = (ROOT / "eduplatform/translations/zh/LC_MESSAGES/messages.po").read_text("utf-8")
    for path in sorted((ROOT / "curricula").rglob("*.yaml")):
        text += path.read_text("utf-8")
    return {ord(c) for c in text if ord(c) >= 0x2E80}


def chinese():
    return sorted(
        gb2312()
        | catalogue_chinese()
        | set(range(0x3000, 0x3040))  # CJK symbols and punctuation
        | set(range(0xFF00, 0xFFF0))  # full-width forms
        | set(range(0x20, 0x7F))  # ASCII: a space between two hanzi stays in the same run
    )


def _subset(font, unicodes):
    options = subset.Options()
    options.layout_features = []  # ReportLab neither shapes nor kerns
    options.hinting = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # copyright and licence stay in the file
    options.notdef_outline = True
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)


def _cff_to_truetype(font):
    """Replace CFF outlines by quadratic TrueType ones (fontTools' otf2ttf recipe)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        width, _ = hmtx[name]
        hmtx[name] = (width, getattr(glyph, "xMin", 0))
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones",):
        setattr(maxp, field, 1)
    for field in (
        "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
        "maxStackElements", "maxSizeOfInstructions", "maxComponentElements",
    ):  # fmt: skip
        setattr(maxp, field, 0)
    post = font["post"]
    post.formatType = 3.0
    font["head"].indexToLocFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def build_latin(variable_font):
    for weight, style in ((400, "Regular"), (700, "Bold")):
        font = instancer.instantiateVariableFont(
            TTFont(variable_font), {"wght": weight, "wdth": 100}, updateFontNames=True
        )
        _subset(font, LATIN)
        font.save(OUT / f"NotoSans-{style}.ttf")


def build_chinese(collection, style):
    font = TTCollection(collection).fonts[SC_FACE]
    _subset(font, chinese())
    _cff_to_truetype(font)
    font.save(OUT / f"NotoSansSC-{style}.ttf")


def main(variable_font, regular_ttc, bold_ttc):
    OUT.mkdir(exist_ok=True)
    build_latin(variable_font)
    build_chinese(regular_ttc, "Regular")
    build_chinese(bold_ttc, "Bold")
    for path in sorted(OUT.glob("*.ttf")):
        print(f"{path.name}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:4])
