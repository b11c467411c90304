"""The fonts every PDF of the app embeds: Noto Sans for Latin text, Noto Sans SC for Chinese.

Both are TrueType subsets shipped in eduplatform/fonts (SIL Open Font License, see OFL.txt and
scripts/build_fonts.py); ReportLab embeds a further subset of the glyphs each document uses, so
every viewer draws the same letters, with no font needed on the reader's machine.
Text is drawn in runs: each character in Noto Sans when that font has it, else in Noto Sans SC.
"""

import re
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
LATIN = "NotoSans"
CHINESE = "NotoSansSC"
FILES = {
    f"{family}-{style}": FONT_DIR / f"{family}-{style}.ttf"
    for family in (LATIN, CHINESE)
    for style in ("Regular", "Bold")
}
REGULAR = f"{LATIN}-Regular"  # the canvas' initial font (never ReportLab's unembedded Helvetica)

# Where a line may break: after a space, or between two CJK characters.
TOKENS = re.compile(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+")


@cache
def register():
    """Register the four faces with ReportLab (once per process); returns their cmaps."""
    for name, path in FILES.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(LATIN, normal=f"{LATIN}-Regular", bold=f"{LATIN}-Bold")
    pdfmetrics.registerFontFamily(CHINESE, normal=f"{CHINESE}-Regular", bold=f"{CHINESE}-Bold")
    return {name: frozenset(pdfmetrics.getFont(name).face.charToGlyph) for name in FILES}


def font_name(family, bold=False):
    return f"{family}-{'Bold' if bold else 'Regular'}"


def covered(char):
    """Whether one of the shipped fonts has a glyph for `char`."""
    maps = register()
    return ord(char) in maps[f"{LATIN}-Regular"] or ord(char) in maps[f"{CHINESE}-Regular"]


def runs(text, bold=False):
    """[(font name, text), ...]: the text cut where it changes between Latin and Chinese."""
    latin_map = register()[f"{LATIN}-Regular"]
    found = []
    for char in text:
        family = LATIN if ord(char) in latin_map or char.isspace() else CHINESE
        font = font_name(family, bold)
        if found and found[-1][0] == font:
            found[-1][1] += char
        else:
            found.append([font, char])
    return [(font, part) for font, part in found]


def width(text, size, bold=False):
    return sum(stringWidth(part, font, size) for font, part in runs(text, bold))


def wrap(text, size, max_width, bold=False):
    """The text's lines, broken at spaces or between CJK characters to fit `max_width`."""
    lines, line = [], ""
    for token in TOKENS.findall(text):
        if line and width(line + token, size, bold) > max_width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    return [*lines, line.rstrip()] if line.strip() or not lines else lines


def draw(canvas, x, y, text, size, bold=False):
    """Draw one line at (x, y) in runs; returns its width."""
    start = x
    for font, part in runs(text, bold):
        canvas.setFont(font, size)
        canvas.drawString(x, y, part)
        x += stringWidth(part, font, size)
    return x - start


def markup(text, bold=False):
    """Paragraph markup of `text` with each run in its font (for platypus tables and paragraphs)."""
    return "".join(
        f'<font face="{font}">{escape(part)}</font>' for font, part in runs(str(text), bold)
    )
