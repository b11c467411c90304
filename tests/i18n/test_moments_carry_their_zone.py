"""A moment a page shows (a notification's time, when a unit was logged or reviewed, when a
version was published) names the city's zone beside it, in every language: a lecturer in China
(UTC+8) reads a bare "23.51" as his own time, an hour off. (The notifications list:
tests/notifications/test_notifications.py.)"""

from datetime import UTC, datetime

import pytest


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("id", "6 Des 2026 23.51 WIB (UTC+7)"),
        ("en", "Dec 6, 2026, 11:51\u202fPM WIB (UTC+7)"),
        ("zh", "2026年12月6日 23:51 WIB (UTC+7)"),
    ],
)
def test_a_moment_is_the_citys_time_with_its_zone(app, lang, shown):
    moment = datetime(2026, 12, 6, 16, 51, tzinfo=UTC)
    with app.test_request_context(f"/?lang={lang}"):
        assert app.jinja_env.filters["momentformat"](moment) == shown
        assert app.jinja_env.filters["momentformat"](None) == ""
