"""A participant cannot be credited more hours than the activity lasts: a three-hour online class
(09:00 to 12:00) took 10 hours on the participant form and the mismatch showed only when the
report was written. The form says so on its hours field, naming the activity's length."""

import re
from datetime import time, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from eduplatform.errors import Invalid
from eduplatform.exchange import participation
from eduplatform.exchange.models import ActivityParticipant
from tests.exchange.conftest import TODAY, text


@pytest.fixture
def online_class(plan):
    return plan(
        kind="online_class", starts_on=TODAY, ends_on=TODAY, start_time=time(9),
        end_time=time(12), timezone="Asia/Shanghai",
    )  # fmt: skip


def _add(db, world, activity, hours):
    return participation.add_participant(
        db, actor=world.teacher, activity=activity, partnership=world.partnership,
        guest_name="Wang Fang", hours=hours,
    )  # fmt: skip


def test_the_participant_form_refuses_more_hours_than_the_class_lasts(
    client, login, db, world, online_class
):
    login(world.teacher)
    url = f"/exchange/activities/{online_class.id}/participants?lang=en"
    response = client.post(url, data={"p-guest_name": "Wang Fang", "p-role": "participant",
                                      "p-hours": "10"})  # fmt: skip
    assert response.status_code == 422
    errors = re.findall(r'<p class="error" id="p-hours-error">(.*?)</p>', text(response))
    assert errors == ["The hours credited cannot be more than the activity lasts: 3 hours."]
    assert db.exec(select(ActivityParticipant)).all() == []
    page = text(client.get(f"/exchange/activities/{online_class.id}?lang=en"))
    assert "Hours credited can be at most 3 for this activity." in page


def test_the_whole_class_is_accepted(db, world, online_class):
    assert _add(db, world, online_class, "3").hours == Decimal("3")


def test_an_activity_over_days_names_its_days(db, world, plan):
    activity = plan(starts_on=TODAY, ends_on=TODAY + timedelta(days=1))
    with pytest.raises(Invalid) as refused:
        _add(db, world, activity, "48.5")
    assert [str(m) for m in refused.value.for_field("hours")] == [
        "The hours credited cannot be more than the activity lasts: 2 days, 48 hours."
    ]


def test_shortening_the_class_below_a_participants_hours_is_refused(db, world, online_class):
    from eduplatform.exchange import service

    _add(db, world, online_class, "3")
    with pytest.raises(Invalid) as refused:
        service.update_activity(
            db, actor=world.teacher, activity=online_class, partnership=world.partnership,
            title=online_class.title, kind=online_class.kind, starts_on=TODAY, ends_on=TODAY,
            start_time=time(9), end_time=time(11), timezone="Asia/Shanghai",
            place=online_class.place, currency="IDR",
        )  # fmt: skip
    assert refused.value.for_field("ends_on")
