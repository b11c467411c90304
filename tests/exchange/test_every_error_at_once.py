"""The activity form reports every field's problem in one submit: an amount that is no number
(refused by the form) no longer hides the place, the end time or the title (refused by the
rules), which showed only once the amount was fixed."""

import re

from sqlmodel import select

from eduplatform.exchange.models import ExchangeActivity
from tests.exchange.conftest import TODAY, text
from tests.exchange.forms_as_sent import as_multidict, form_as_sent


def _errors(page):
    """{field id: [messages]} of the errors shown at fields."""
    found = {}
    for field, message in re.findall(r'<p class="error" id="([^"]+)-error">(.*?)</p>', page):
        found.setdefault(field, []).append(message)
    return found


def _send(client, url, **changes):
    data = as_multidict(form_as_sent(text(client.get(url)), "activity-form"))
    data.update({k: [v] for k, v in changes.items()})
    return text(client.post(url, data=data))


def test_a_new_activity_shows_the_amount_and_the_rules_errors_together(client, login, db, world):
    login(world.teacher)
    url = f"/exchange/partnerships/{world.partnership.id}/activities/new?lang=en"
    page = _send(
        client, url, title="EV workshop", starts_on=TODAY.isoformat(), start_time="09:00",
        place="", cost_travel="abc",
    )  # fmt: skip
    errors = _errors(page)
    assert set(errors) == {"cost_travel", "end_time", "place"}, errors
    assert errors["place"] == ["Enter a place or an online link."]
    assert errors["end_time"] == [
        "Enter both the start and the end time, or neither for whole days."
    ]
    assert db.exec(select(ExchangeActivity)).all() == []


def test_a_field_the_form_refused_keeps_its_own_message_only(client, login, db, world):
    """An empty title is the form's "Fill in" alone, not followed by the rules' own words."""
    login(world.teacher)
    url = f"/exchange/partnerships/{world.partnership.id}/activities/new?lang=en"
    page = _send(client, url, title="", starts_on="2026-02-30", place="", cost_fees="x")
    errors = _errors(page)
    assert errors["title"] == ["Fill in “Title”."]
    assert len(errors["starts_on"]) == 1 and errors["place"] and errors["cost_fees"]


def test_editing_shows_every_error_at_once_and_changes_nothing(client, login, db, world, plan):
    activity = plan(cost_travel="1000")
    login(world.teacher)
    url = f"/exchange/activities/{activity.id}/edit?lang=en"
    page = _send(client, url, cost_fees="satu juta", place="", online_url="")
    assert set(_errors(page)) == {"cost_fees", "place"}
    db.refresh(activity)
    assert activity.place == "Workshop B, SMK Negeri 2"
