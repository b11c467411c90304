"""Each figure and table against counts made by hand on the small world of `scenario`."""

from decimal import Decimal

import pytest

from eduplatform.dashboard import service
from eduplatform.dashboard.periods import month_key
from eduplatform.db import new_session
from eduplatform.sqltypes import utcnow
from tests.dashboard.conftest import LAST_YEAR, THIS_YEAR


@pytest.fixture
def figures(app):
    """figures(actor, **args): {key: value} of the headline figures, and the full dashboard."""

    def compute(actor, school_page=False, **args):
        with app.test_request_context("/?lang=en"), new_session(app, write=False) as session:
            filters = service.resolve_filters(
                session, actor=actor, args=args, school_id=args.pop("school_id", None)
            )
            built = service.build(session, actor=actor, filters=filters, school_page=school_page)
            values = {figure.key: figure.value for figure in built.figures}
            return values, built

    return compute


def test_city_headline_figures_match_the_hand_count(scenario, figures):
    values, built = figures(scenario.office)
    assert values == {
        "schools": 2,
        "active_students": 4,  # Siti, Agus, Rina, Joko (Wati finished last year's class)
        "units_verified_month": 5,  # Siti 2, Agus 1, Joko 1, Wati 1
        "units_verified": 5,
        "certificates": 1,
        "teachers_trained": 2,
        "activities_term": 2,
    }
    assert all(figure.as_of is not None for figure in built.figures)
    assert all(str(figure.definition) for figure in built.figures)


def test_school_figures_count_only_that_school(scenario, figures):
    values, _built = figures(scenario.office, school=str(scenario.school.id))
    assert values == {
        "schools": 1,
        "active_students": 3,
        "units_verified_month": 4,
        "units_verified": 4,
        "certificates": 1,
        "teachers_trained": 1,
        "activities_term": 1,
    }


def test_academic_year_filter_counts_work_by_its_date_and_students_by_their_class(
    scenario, figures
):
    """All the scenario's work happened this month: it counts in this academic year (Wati's,
    of last year's class, too) and none in last year; students count by their class's year."""
    this_year, _ = figures(scenario.office, year=THIS_YEAR)
    last_year, _ = figures(scenario.office, year=LAST_YEAR)
    assert (this_year["units_verified"], this_year["active_students"]) == (5, 4)
    assert (last_year["units_verified"], last_year["active_students"]) == (0, 0)
    assert this_year["certificates"] == 1 and last_year["certificates"] == 0
    assert this_year["units_verified_month"] == 5 and last_year["units_verified_month"] == 0


def test_module_and_program_filters(scenario, figures):
    battery, _ = figures(scenario.office, module="EV-102")
    assert (battery["units_verified"], battery["certificates"]) == (1, 0)
    program, _ = figures(scenario.office, program="EV-MECH")
    assert program["units_verified"] == 5


def test_month_table_counts_logged_verified_rejected_hours_and_certificates(scenario, figures):
    _values, built = figures(scenario.office)
    rows = {row["month"]: row for row in built.table("months").rows}
    assert len(rows) == 12
    this_month = rows[month_key(utcnow())]
    # logged: Siti 2, Agus 2 (one sent back), Rina 1, Joko 1, Wati 1
    assert this_month["logged"] == 7
    assert (this_month["verified"], this_month["rejected"]) == (5, 1)
    assert Decimal(this_month["verified_hours"]) == Decimal("10.0")
    assert (this_month["certificates_issued"], this_month["certificates_revoked"]) == (1, 0)


def test_schools_table_compares_students_units_rate_and_certificates(scenario, figures):
    _values, built = figures(scenario.office)
    rows = {row["school"]: row for row in built.table("schools").rows}
    school = rows["SMK Negeri 2 Surakarta"]
    assert (school["students"], school["verified"], school["rejected"]) == (3, 4, 1)
    assert school["rate"] == pytest.approx(0.8)
    assert school["certificates"] == 1
    other = rows["SMK Lain"]
    assert (other["students"], other["verified"], other["rate"]) == (1, 1, 1.0)


def test_funnel_counts_students_reaching_each_unit(scenario, figures):
    _values, built = figures(scenario.office, module="EV-101")
    steps = [(row["code"], row["students"]) for row in built.table("funnel").rows]
    # in a class of the program: Siti, Agus, Rina, Joko and Wati
    assert steps == [("", 5), ("EV-101-U1", 3), ("EV-101-U2", 1), ("", 1)]


def test_modules_table_gives_each_modules_units_and_certificates(scenario, figures):
    _values, built = figures(scenario.office)
    rows = {row["module"]: row for row in built.table("modules").rows}
    assert (rows["EV-101"]["logged"], rows["EV-101"]["verified"]) == (6, 4)
    assert rows["EV-101"]["certificates"] == 1
    assert rows["EV-101"]["rate"] == pytest.approx(0.8)
    assert (rows["EV-102"]["verified"], rows["EV-102"]["rate"]) == (1, 1.0)


def test_activities_table_counts_completed_activities_by_kind_and_term(scenario, figures):
    _values, built = figures(scenario.office)
    table = built.table("activities")
    rows = {row["kind_code"]: row for row in table.rows}
    current = table.columns[-2].key  # the last term column is this term
    assert rows["teacher_training"][current] == 2
    assert rows["joint_workshop"][current] == 0  # planned, not completed
    assert Decimal(rows["teacher_training"]["hours"]) == Decimal("16.0")


def test_school_page_lists_its_classes_with_their_figures(scenario, figures):
    _values, built = figures(scenario.office, school_page=True, school_id=scenario.school.id)
    rows = {row["academic_year"]: row for row in built.table("cohorts").rows}
    assert (rows[THIS_YEAR]["students"], rows[THIS_YEAR]["verified"]) == (3, 3)
    assert (rows[LAST_YEAR]["students"], rows[LAST_YEAR]["verified"]) == (0, 1)
    assert "schools" not in built.tables


def test_revoking_a_certificate_takes_it_off_the_figures(scenario, work, figures):
    work.revoke(scenario.extra["certificate"])
    values, built = figures(scenario.office)
    assert values["certificates"] == 0
    this_month = {row["month"]: row for row in built.table("months").rows}[month_key(utcnow())]
    assert (this_month["certificates_issued"], this_month["certificates_revoked"]) == (1, 1)


def test_author_sees_aggregates_with_small_counts_suppressed(scenario, figures):
    values, built = figures(scenario.author)
    assert values["active_students"] is None  # 4 students: shown as "<5"
    assert values["units_verified"] == 5
    # Schools are not people: a university sees how many follow its modules.
    office_values, office_built = figures(scenario.office)
    assert values["schools"] == office_values["schools"] and 0 < values["schools"] < 5
    schools = {row["module"]: row["schools"] for row in built.table("modules").rows}
    assert schools == {row["module"]: row["schools"] for row in office_built.table("modules").rows}
    assert max(schools.values()) >= 1
    assert "schools" not in built.tables and "cohorts" not in built.tables
    assert built.table("funnel").note is not None


def test_headline_figures_for_the_api_is_a_plain_dict(app, scenario):
    with app.test_request_context("/?lang=en"), new_session(app, write=False) as session:
        result = service.headline_figures(
            session, actor=scenario.office, filters={"year": THIS_YEAR}
        )
    assert result["scope"] == "city"
    assert result["filters"]["academic_year"] == THIS_YEAR
    figure = result["figures"]["units_verified"]
    assert figure["value"] == 5 and figure["suppressed"] is False
    assert figure["label"] == "Units verified in total" and figure["definition"]
    assert result["as_of"] is not None
