"""Charts drawn on the server as small inline SVG: no script, nothing to download, CSP-safe.

Colours come from classes styled in app.css (never style attributes). Each chart is an image
with a title; the same numbers are in the table the page shows next to it.
"""

import math

from markupsafe import Markup, escape

# Drawn 350 units wide: a phone's labels are 9.5-10.4 px on 360-390 px screens (8.3-9.1 px
# when it was 400), and twelve months' names and five-digit values still fit apart in every
# language; app.css caps a chart at 30rem on wider screens (labels 15 px, 19-23 px before).
WIDTH = 350
FONT = 11
SMALLEST_FONT = 8  # a value label that would need less is shortened, then left out


def nice_top(value):
    """An axis maximum at or above `value` whose four grid steps are round whole numbers."""
    wanted = value / 4
    if wanted <= 1:
        return 4
    magnitude = 10 ** math.floor(math.log10(wanted))
    for step in (1, 2, 2.5, 5, 10):
        tick = step * magnitude
        if tick >= wanted and tick == int(tick):
            return int(tick) * 4
    return int(10 * magnitude) * 4


def _svg(chart_id, title, height, body):
    return Markup(
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title" preserveAspectRatio="xMidYMid meet" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{chart_id}-title">{escape(title)}</title>'
        f"{body}</svg>"
    )


def _text(x, y, content, anchor="middle", css="label", size=FONT):
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{css}" '
        f'font-size="{size}">{escape(content)}</text>'
    )


def _clip(label, length=42):
    label = str(label)
    return label if len(label) <= length else label[: length - 1] + "…"


def _ems(text):
    """About how many ems `text` takes: digits and Latin letters ~0.6, CJK characters 1."""
    return sum(1.0 if ord(char) >= 0x2E80 else 0.6 for char in text) or 1


def _axis_lines(label, room):
    """[(line, font size)] of an axis label in a slot `room` units wide: one line when it fits,
    else split at the space nearest its middle ("2024/2025 第 2 学期" over two lines), each line
    shrunk to fit, and shortened with "…" when even the smallest size is too wide."""
    label = str(label)
    lines = [label]
    if _ems(label) * FONT > room and " " in label:
        spaces = [i for i, char in enumerate(label) if char == " "]
        middle = min(spaces, key=lambda i: abs(i - len(label) / 2))
        lines = [label[:middle], label[middle + 1 :]]
    fitted = []
    for line in lines:
        size = min(FONT, room / _ems(line))
        while size < SMALLEST_FONT and len(line) > 2:
            line = line[:-2] + "…"
            size = min(FONT, room / _ems(line))
        fitted.append((line, round(max(size, SMALLEST_FONT), 1)))
    return fitted


def _fitting(value, fmt, room):
    """(label, font size) for a bar `room` units wide: neighbouring labels never overlap.

    A label too long for the bar at SMALLEST_FONT loses its decimal (49.1K becomes 49K); if
    even that does not fit it is left out: the table beside the chart has every exact value.
    """
    candidates = ["<5"] if value is None else [fmt(value), fmt(value, fraction_digits=0)]
    for shown in candidates:
        size = min(FONT, room / _ems(shown))
        if size >= SMALLEST_FONT:
            return shown, round(size, 1)
    return None, None


def columns(chart_id, title, labels, values, fmt, css="bar"):
    """Vertical bars, one per label (months), with a value axis and each bar's value."""
    height, left, right, top, bottom = 200, 40, 6, 16, 36
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    numbers = [v for v in values if v is not None]
    top_value = nice_top(max(numbers, default=0))
    parts = []
    for step in range(5):
        value = top_value * step / 4
        y = top + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
        )
        parts.append(_text(left - 4, y + 4, fmt(value), anchor="end", css="axis"))
    slot = plot_w / max(len(labels), 1)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + slot * index
        bar_h = plot_h * (value or 0) / top_value
        y = top + plot_h - bar_h
        parts.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{bar_h:.1f}" class="{css}"/>'
        )
        shown, size = _fitting(value, fmt, slot * 0.95)
        if shown:
            parts.append(_text(x + slot / 2, y - 3, shown, css="value", size=size))
        for line, text in enumerate(part for part in label if part):
            # A year (under each January) has room from its neighbours, within the chart.
            room = slot * 0.95 if line == 0 else min(slot * 1.9, 2 * (WIDTH - x - slot / 2))
            (shown, size), *_rest = _axis_lines(text, room)
            y = height - bottom + 14 + 14 * line
            parts.append(_text(x + slot / 2, y, shown, css="axis", size=size))
    return _svg(chart_id, title, height, "".join(parts))


def bars(chart_id, title, labels, values, fmt, css="bar"):
    """Horizontal bars, one row per label (schools, funnel steps), the label above its bar."""
    row_h, top = 34, 4
    height = top + row_h * max(len(labels), 1) + 4
    numbers = [v for v in values if v is not None]
    top_value = max(numbers, default=0) or 1
    parts = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + row_h * index
        parts.append(_text(0, y + 12, _clip(label), anchor="start"))
        width = (WIDTH - 60) * (value or 0) / top_value
        parts.append(
            f'<rect x="0" y="{y + 16:.1f}" width="{width:.1f}" height="12" class="{css}"/>'
        )
        shown = "<5" if value is None else fmt(value)
        parts.append(_text(width + 4, y + 26, shown, anchor="start", css="value"))
    return _svg(chart_id, title, height, "".join(parts))


def stacked(chart_id, title, labels, series, fmt, legend=()):
    """Stacked vertical bars: one bar per label (terms), one coloured part per series (kinds).

    `series` is [(css class, [value per label])]; `legend` [(css class, name)], shown below.
    """
    legend_rows = (len(legend) + 1) // 2
    height, left, right, top, bottom = 214 + 18 * legend_rows, 40, 6, 12, 38 + 18 * legend_rows
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    totals = [sum(values[i] or 0 for _, values in series) for i in range(len(labels))]
    top_value = nice_top(max(totals, default=0))
    parts = []
    for step in range(5):
        y = top + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
        )
        parts.append(_text(left - 4, y + 4, fmt(top_value * step / 4), anchor="end", css="axis"))
    slot = plot_w / max(len(labels), 1)
    for index, label in enumerate(labels):
        x, base = left + slot * index + slot * 0.2, top + plot_h
        for css, values in series:
            part = plot_h * (values[index] or 0) / top_value
            if part:
                base -= part
                parts.append(
                    f'<rect x="{x:.1f}" y="{base:.1f}" width="{slot * 0.6:.1f}" '
                    f'height="{part:.1f}" class="{css}"/>'
                )
        parts.append(_text(left + slot * (index + 0.5), base - 3, fmt(totals[index]), css="value"))
        for line, (text, size) in enumerate(_axis_lines(label, slot * 0.95)):
            y = top + plot_h + 14 + 14 * line
            parts.append(_text(left + slot * (index + 0.5), y, text, css="axis", size=size))
    for index, (css, name) in enumerate(legend):
        x, y = (index % 2) * WIDTH / 2, top + plot_h + 44 + 18 * (index // 2)
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="10" height="10" class="{css}"/>')
        parts.append(_text(x + 14, y + 9, _clip(name, 23), anchor="start"))
    return _svg(chart_id, title, height, "".join(parts))
