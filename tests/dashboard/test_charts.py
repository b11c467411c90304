"""The server-drawn charts: value labels stay readable and never run into each other."""

import html
import re

from babel.numbers import format_compact_decimal

from eduplatform.dashboard import charts

LABEL = re.compile(
    r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle" class="value" '
    r'font-size="([\d.]+)">([^<]*)</text>'
)


def compact(locale):
    def fmt(value, fraction_digits=1):
        return format_compact_decimal(value, locale=locale, fraction_digits=fraction_digits)

    return fmt


def value_labels(svg):
    return [
        (float(x), float(size), html.unescape(text)) for x, size, text in LABEL.findall(str(svg))
    ]


def test_twelve_months_of_large_numbers_get_short_labels_that_do_not_overlap():
    months = [(f"M{n}", "") for n in range(12)]
    values = [49_100, 48_200, 42_500, 46_100, 42_100, 29_700, 14_700, 24_400, 52_600, 50_700,
              52_000, 38_400]  # fmt: skip
    for locale in ("id", "en", "zh"):
        labels = value_labels(charts.columns("c", "t", months, values, compact(locale)))
        assert len(labels) == 12
        for (x, size, text), (next_x, next_size, _next) in zip(labels, labels[1:], strict=False):
            assert size >= charts.SMALLEST_FONT
            half, next_half = charts._ems(text) * size / 2, charts._ems(_next) * next_size / 2
            assert x + half <= next_x - next_half, (locale, text, _next)
        assert "49\xa0rb" in [text for _x, _s, text in labels] or locale != "id"


def test_few_bars_keep_the_decimal_and_the_full_size():
    labels = value_labels(
        charts.columns("c", "t", [("A", ""), ("B", "")], [4_800, None], compact("en"))
    )
    assert [(size, text) for _x, size, text in labels] == [(charts.FONT, "4.8K"), (11, "<5")]
