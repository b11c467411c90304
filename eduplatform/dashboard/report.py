"""The office's printable report: the dashboard as a PDF in the reader's language.

Headline figures with their definitions and as-of times, the charts (drawn with ReportLab from
the same ChartData the page's SVG charts use), every table with its note, and the filters that
were applied, in the embedded Noto fonts (eduplatform.pdf.fonts), as a PDF/A-3b document.
The tables come from the same service call as the XLSX workbook: the same scope and the same
small-count suppression.
"""

import io
from datetime import datetime

from flask_babel import gettext as _
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from eduplatform.dashboard import charts, present
from eduplatform.pdf import fonts, pdfa

BRAND = colors.HexColor("#0b6e4f")
ALT = colors.HexColor("#f2a900")
INK = colors.HexColor("#1c2430")
MUTED = colors.HexColor("#5b6573")
GRID = colors.HexColor("#d9dee4")
# One colour per kind of exchange activity, in the order of the activities table.
PALETTE = [colors.HexColor(c) for c in ("#0b6e4f", "#f2a900", "#3a6ea5", "#b04a5a", "#6b8e23",
                                         "#7a5195", "#ef8a17", "#2a9d8f")]  # fmt: skip
WIDTH = A4[0] - 36 * mm
MAX_BAR_ROWS = 30  # a longer list is drawn in part; its table below has every row


def _styles():
    base = {"fontName": fonts.REGULAR, "textColor": INK, "fontSize": 9, "leading": 12}
    return {
        "title": ParagraphStyle(
            "title", **{**base, "fontSize": 20, "leading": 26, "textColor": BRAND}
        ),  # fmt: skip
        "h2": ParagraphStyle(
            "h2",
            **{
                **base,
                "fontSize": 13,
                "leading": 18,
                "spaceBefore": 10,
                "spaceAfter": 4,
                "textColor": BRAND,
            },
        ),  # fmt: skip
        "h3": ParagraphStyle(
            "h3", **{**base, "fontSize": 10.5, "leading": 14, "spaceBefore": 6, "spaceAfter": 2}
        ),  # fmt: skip
        "body": ParagraphStyle("body", **base),
        "muted": ParagraphStyle(
            "muted", **{**base, "fontSize": 8, "leading": 10, "textColor": MUTED}
        ),  # fmt: skip
        "cell": ParagraphStyle("cell", **{**base, "fontSize": 7.5, "leading": 9.5}),
        "number": ParagraphStyle(
            "number", **{**base, "fontSize": 7.5, "leading": 9.5, "alignment": TA_RIGHT}
        ),  # fmt: skip
    }


def _p(text, style, bold=False):
    return Paragraph(fonts.markup(text, bold), style)


def _label_font(text, bold=False):
    """One font for a chart label: Noto Sans when it has every character, else Noto Sans SC."""
    chinese = fonts.font_name(fonts.CHINESE, bold)
    needs_chinese = any(font == chinese for font, _part in fonts.runs(text, bold))
    return chinese if needs_chinese else fonts.font_name(fonts.LATIN, bold)


def _string(x, y, text, size=7, anchor="middle", colour=MUTED, bold=False):
    return String(x, y, text, fontName=_label_font(text, bold), fontSize=size,
                  fillColor=colour, textAnchor=anchor)  # fmt: skip


def _clip(text, size, room):
    text = str(text)
    while len(text) > 1 and fonts.width(text, size) > room:
        text = text[:-2] + "…"
    return text


def _drawing(height):
    drawing = Drawing(WIDTH, height)
    drawing.initialFontName = fonts.REGULAR  # else ReportLab's state starts in Helvetica
    return drawing


def _value_text(value):
    return "<5" if value is None else present.short_number(value)


def _axis(drawing, left, top, plot_w, plot_h, top_value):
    for step in range(5):
        y = top - plot_h + plot_h * step / 4
        drawing.add(Line(left, y, left + plot_w, y, strokeColor=GRID, strokeWidth=0.5))
        drawing.add(_string(left - 3, y - 2.5, present.short_number(top_value * step / 4),
                            anchor="end"))  # fmt: skip


def _columns(chart):
    height, left, bottom = 170, 34, 26
    top, plot_h, plot_w = height - 12, height - 12 - bottom, WIDTH - 34 - 4
    drawing = _drawing(height)
    top_value = charts.nice_top(max([v for v in chart.values if v is not None], default=0))
    _axis(drawing, left, top, plot_w, plot_h, top_value)
    slot = plot_w / max(len(chart.labels), 1)
    fill = ALT if "alt" in chart.css else BRAND
    for index, ((month, year), value) in enumerate(zip(chart.labels, chart.values, strict=True)):
        x = left + slot * index
        bar_h = plot_h * (value or 0) / top_value
        drawing.add(Rect(x + slot * 0.15, bottom, slot * 0.7, bar_h, fillColor=fill,
                         strokeColor=None))  # fmt: skip
        drawing.add(_string(x + slot / 2, bottom + bar_h + 2, _value_text(value), colour=INK))
        drawing.add(_string(x + slot / 2, bottom - 10, month))
        if year:
            drawing.add(_string(x + slot / 2, bottom - 19, year))
    return drawing


def _bars(chart):
    rows = list(zip(chart.labels, chart.values, strict=True))[:MAX_BAR_ROWS]
    row_h, label_w = 15, 170
    height = row_h * max(len(rows), 1) + 4
    drawing = _drawing(height)
    top_value = max([v for _label, v in rows if v is not None], default=0) or 1
    room = WIDTH - label_w - 40
    for index, (label, value) in enumerate(rows):
        y = height - row_h * (index + 1)
        drawing.add(_string(0, y + 4, _clip(label, 7, label_w - 6), anchor="start", colour=INK))
        width = room * (value or 0) / top_value
        drawing.add(Rect(label_w, y + 2, width, row_h - 5, fillColor=BRAND, strokeColor=None))
        drawing.add(_string(label_w + width + 3, y + 4, _value_text(value), anchor="start"))
    return drawing


def _stacked(chart):
    legend_rows = (len(chart.legend) + 1) // 2
    height, left, bottom = 170 + 14 * legend_rows, 34, 20 + 14 * legend_rows
    top, plot_w = height - 12, WIDTH - 34 - 4
    plot_h = top - bottom
    drawing = _drawing(height)
    totals = [
        sum(values[i] or 0 for _css, values in chart.values) for i in range(len(chart.labels))
    ]
    top_value = charts.nice_top(max(totals, default=0))
    _axis(drawing, left, top, plot_w, plot_h, top_value)
    slot = plot_w / max(len(chart.labels), 1)
    for index, label in enumerate(chart.labels):
        base = bottom
        for number, (_css, values) in enumerate(chart.values):
            part = plot_h * (values[index] or 0) / top_value
            if part:
                colour = PALETTE[number % len(PALETTE)]
                drawing.add(Rect(left + slot * (index + 0.2), base, slot * 0.6, part,
                                 fillColor=colour, strokeColor=None))  # fmt: skip
                base += part
        drawing.add(_string(left + slot * (index + 0.5), base + 2,
                            present.short_number(totals[index]), colour=INK))  # fmt: skip
        drawing.add(_string(left + slot * (index + 0.5), bottom - 10, label))
    for number, (_css, name) in enumerate(chart.legend):
        x, y = (number % 2) * WIDTH / 2, bottom - 26 - 14 * (number // 2)
        drawing.add(Rect(x, y, 8, 8, fillColor=PALETTE[number % len(PALETTE)], strokeColor=None))
        drawing.add(_string(x + 12, y + 1, _clip(name, 7, WIDTH / 2 - 16), anchor="start",
                            colour=INK))  # fmt: skip
    return drawing


DRAW = {"columns": _columns, "bars": _bars, "stacked": _stacked}


def _table(table, styles):
    """A dashboard table as a platypus Table, numbers formatted as the page shows them."""
    header = [_p(str(c.label), styles["cell"], bold=True) for c in table.columns]
    body = []
    for row in table.rows:
        body.append(
            [
                _p(
                    present.cell(row.get(c.key), c.kind),
                    styles["cell"]
                    if c.kind in ("text", "code", "month", "term", "datetime")
                    else styles["number"],
                )  # fmt: skip
                for c in table.columns
            ]
        )
    textual = [c.kind in ("text", "code") for c in table.columns]
    weights = [3 if text else 1 for text in textual]
    widths = [WIDTH * w / sum(weights) for w in weights]
    flowable = Table([header, *body], colWidths=widths, repeatRows=1)
    flowable.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # not Helvetica, never embedded
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, BRAND),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return flowable


def _about_text(value):
    if isinstance(value, datetime):
        return present.as_of_text(value)
    return str(value)


def report_pdf(*, title, dashboard, tables, about, language, generated_at):
    """The report as PDF/A-3b bytes: `tables` are the workbook's (figures first), `about` its
    (label, value) rows of filters and export time."""
    fonts.register()
    styles = _styles()
    story = [_p(title, styles["title"])]
    if dashboard.as_of:
        story.append(_p(_("Data as of %(time)s", time=present.as_of_text(dashboard.as_of)),
                        styles["muted"]))  # fmt: skip
    story.append(_p(_("Filters applied"), styles["h2"]))
    filters = Table(
        [[_p(str(label), styles["cell"], bold=True), _p(_about_text(value), styles["cell"])]
         for label, value in about if str(value)],
        colWidths=[WIDTH * 0.28, WIDTH * 0.72],
    )  # fmt: skip
    filters.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                                 ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
                                 ("VALIGN", (0, 0), (-1, -1), "TOP")]))  # fmt: skip
    story.append(filters)

    figures, *others = tables
    story.append(_p(str(figures.title), styles["h2"]))
    story.append(_table(figures, styles))

    drawn = present.chart_data(dashboard)
    if drawn:
        story.append(_p(_("Charts"), styles["h2"]))
        for chart in drawn:
            parts = [_p(chart.title, styles["h3"]), DRAW[chart.kind](chart)]
            if chart.kind == "bars" and len(chart.labels) > MAX_BAR_ROWS:
                parts.append(_p(_("The first %(n)d of %(total)d rows; the table below has every "
                                  "row.", n=MAX_BAR_ROWS, total=len(chart.labels)),
                                styles["muted"]))  # fmt: skip
            story.append(KeepTogether(parts))

    story.append(CondPageBreak(60 * mm))
    story.append(_p(_("Tables"), styles["h2"]))
    for table in others:
        story.append(CondPageBreak(30 * mm))
        story.append(_p(str(table.title), styles["h3"]))
        if table.total is not None and table.total > len(table.rows):
            story.append(_p(_("Rows %(shown)d of %(total)d.", shown=len(table.rows),
                              total=table.total), styles["muted"]))  # fmt: skip
        story.append(_table(table, styles) if table.rows else _p(_("No data yet"), styles["muted"]))
        if table.note:
            story.append(_p(str(table.note), styles["muted"]))
    story.append(Spacer(1, 6))
    story.append(_p(_("Generated at %(time)s.", time=present.as_of_text(generated_at)),
                    styles["muted"]))  # fmt: skip

    def number_pages(canvas, document):
        canvas.saveState()
        canvas.setFillColor(MUTED)
        page = _("Page %(number)d", number=document.page)
        fonts.draw(canvas, 18 * mm, 10 * mm, f"{title} · {page}", 7)
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                                 topMargin=16 * mm, bottomMargin=18 * mm, title=title,
                                 initialFontName=fonts.REGULAR)  # fmt: skip
    document.build(story, onFirstPage=number_pages, onLaterPages=number_pages)
    return pdfa.archival(buffer.getvalue(), title=title, author="eduplatform",
                         subject=_("Dashboard"), language=language)  # fmt: skip
