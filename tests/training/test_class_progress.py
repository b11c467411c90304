"""Class progress: one view over every module of a class, students flagged red, amber or green
against the class's median and against their time in the school year, sortable, on a phone."""

import re
from datetime import date

import pytest
from sqlmodel import select, update

from eduplatform.people.models import Cohort, Enrollment
from eduplatform.training import standing
from tests.training.conftest import TODAY


def test_the_school_year_runs_from_july_to_june():
    assert standing.school_year("2025/2026") == (date(2025, 7, 1), date(2026, 6, 30))
    assert standing.school_year("2025/2027") == (None, None)


@pytest.mark.parametrize(
    ("enrolled_on", "today", "expected"),
    [
        (date(2025, 7, 1), date(2025, 7, 1), 0.0),  # the first day
        (date(2025, 6, 1), date(2026, 1, 1), 100 * 184 / 364),  # before July counts from July
        (date(2025, 12, 1), date(2026, 1, 1), 100 * 31 / 211),  # joined later: from then
        (date(2025, 7, 1), date(2026, 8, 1), 100.0),  # the year is over
        (date(2026, 7, 1), date(2026, 8, 1), 100.0),  # joined after the year's end
    ],
)
def test_expected_share_is_the_part_of_the_year_since_the_student_began(
    enrolled_on, today, expected
):
    start, end = standing.school_year("2025/2026")
    share = standing.expected_share(
        enrolled_on=enrolled_on, year_start=start, year_end=end, today=today
    )
    assert share == pytest.approx(expected)


def test_flags_take_the_worse_of_the_two_gaps():
    assert standing.flag_for(9.9, None) == "green"
    assert standing.flag_for(-30, 10) == "amber"
    assert standing.flag_for(24.9, 25) == "red"


def _enrol_on(db, student, day):
    db.exec(update(Enrollment).where(Enrollment.student_id == student.id).values(enrolled_on=day))
    db.commit()


def test_standing_over_every_module_against_the_median_and_the_year(
    app, session, db, training, verified, enrol, make_user
):
    late = make_user("student", organization=training.school, full_name="Zaki Late")
    enrol(late, training.cohort)
    verified("EV-101-U1", "EV-101-U2")  # Siti: 2 of the class's 4 units
    verified("EV-101-U1", student=late)  # Zaki: 1 of 4
    _enrol_on(db, training.student, date(2025, 7, 1))
    _enrol_on(db, training.classmate, date(2025, 7, 1))
    _enrol_on(db, late, date(2026, 2, 1))
    cohort = session.get(Cohort, training.cohort.id)
    result = standing.class_standing(
        session, cohort=cohort, today=date(2026, 3, 1), sort="progress"
    )
    assert result.median == 25
    rows = {r.student.full_name: r for r in result.rows}
    assert [r.student.full_name for r in result.rows] == [
        "Agus Pratama",
        "Zaki Late",
        "Siti Rahayu",
    ]
    siti, agus, zaki = rows["Siti Rahayu"], rows["Agus Pratama"], rows["Zaki Late"]
    assert [(m.module.code, m.verified, m.total) for m in siti.modules] == [
        ("EV-101", 2, 2),
        ("EV-102", 0, 2),
    ]
    assert siti.expected == pytest.approx(100 * 243 / 364)  # 1 July to 1 March
    assert siti.flag == "amber"  # ahead of the class, 16.8 points behind the year
    assert agus.flag == "red" and agus.behind_class == 25
    assert zaki.expected == pytest.approx(100 * 28 / 149)  # joined in February
    assert zaki.flag == "green"


def _this_years_class(db, training):
    """The fixture's class in the current school year, everyone enrolled today: only the
    class's median can flag anyone (the year expects nothing yet on one's first day)."""
    start = TODAY.year if TODAY.month >= 7 else TODAY.year - 1
    db.exec(
        update(Cohort)
        .where(Cohort.id == training.cohort.id)
        .values(academic_year=f"{start}/{start + 1}")
    )
    db.exec(update(Enrollment).values(enrolled_on=TODAY))
    db.commit()


def test_the_class_page_flags_who_is_behind_and_sorts(
    client, db, login, training, verified, enrol, make_user
):
    zaki = make_user("student", organization=training.school, full_name="Zaki Late")
    enrol(zaki, training.cohort)
    verified("EV-101-U1", "EV-101-U2")
    verified("EV-101-U1", student=zaki)
    _this_years_class(db, training)
    login(training.teacher)
    url = f"/training/progress/cohorts/{training.cohort.id}"
    page = client.get(f"{url}?lang=en").get_data(as_text=True)
    names = re.findall(r'class="standing-name"[^>]*>([^<]+)<', page)
    assert names == ["Agus Pratama", "Siti Rahayu", "Zaki Late"]
    found = re.findall(r'class="standing-row flag-(\w+)" data-student="(\d+)"', page)
    assert {student: flag for flag, student in found} == {
        str(training.classmate.id): "red",
        str(training.student.id): "green",
        str(zaki.id): "green",
    }
    assert "25 points behind the class median" in page
    assert "class median: 25% of the units verified" in page
    assert "How “behind” is decided" in page and "25 percentage points or more" in page
    assert f'href="{url}?module={training.safety.id}"' in page  # each module opens its matrix
    assert "EV-102" in page and "2/2" in page and "0/2" in page
    by_progress = client.get(f"{url}?sort=-progress&lang=en").get_data(as_text=True)
    names = re.findall(r'class="standing-name"[^>]*>([^<]+)<', by_progress)
    assert names == ["Siti Rahayu", "Zaki Late", "Agus Pratama"]
    assert client.get(f"{url}?sort=nonsense").status_code == 200


def test_the_class_page_is_the_schools_only(client, login, training):
    login(training.foreign_teacher)
    url = f"/training/progress/cohorts/{training.cohort.id}"
    assert client.get(url).status_code == 404
    client.post("/logout")
    login(training.office)
    assert "standing-row" in client.get(url).get_data(as_text=True)


def test_enrolled_students_of_other_classes_do_not_count(db, session, training, app):
    cohort = session.get(Cohort, training.cohort.id)
    rows = standing.class_standing(session, cohort=cohort, today=TODAY).rows
    assert {r.student.id for r in rows} == {training.student.id, training.classmate.id}
    assert db.exec(select(Enrollment)).all()
