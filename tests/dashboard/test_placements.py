"""The dashboard's industry placements: exact figures on a hand-counted data set
(tests/dashboard/placement_data.py, "today" Monday 16 March 2026), period filters, the SQL cost.
"""

from decimal import Decimal

import pytest
from sqlalchemy import event

from eduplatform.dashboard import placements
from eduplatform.dashboard.filters import Filters
from eduplatform.dashboard.periods import year_months
from eduplatform.db import get_engine, new_session
from tests.dashboard.placement_data import TODAY, YEAR, add_entry, add_placement, placement_world


@pytest.fixture
def world(db, city, person):
    return placement_world(
        db, person, city.school, city.other_school, city.students, city.other_student
    )


@pytest.fixture
def section(app, city):
    """section(school=None, year=None, months=None, by_school=True): the placement section."""

    def build(school=None, year=None, months=None, by_school=True, limit=False):
        with app.test_request_context("/?lang=en"), new_session(app, write=False) as session:
            filters = Filters(academic_year=year, school=school)
            if year and months is None:
                months = year_months(year)
            found = placements.build(
                session, filters, today=TODAY, period=months, by_school=by_school,
                limit_companies=limit,
            )  # fmt: skip
            figures = {f.key: f.value for f in found.figures}
            labels = {f.key: str(f.label) for f in found.figures}
            tables = {
                name: [{k: (str(v) if k == "sector" else v) for k, v in row.items()}
                       for row in table.rows]
                for name, table in found.tables.items()
            }  # fmt: skip
            return figures, tables, labels, found

    return build


def h(text):
    return Decimal(text)


def test_city_figures_over_all_time(world, section):
    figures, _tables, labels, _found = section()
    assert figures == {
        "placements_now": 4,  # Siti, Agus, Rina, Joko: running (Budi is planned)
        "placement_hours": h("63.0"),  # approved days at work: 32 + 17 + 6 + Eko's 8
        "placement_companies": 3,  # A, B, C this year; D only in 2024/2025
        "countersign_median": 1,  # 0 0 1 1 1 1 2 3 6 10: the 5th
        "countersign_p90": 6,  # the 9th of 10
        "countersign_pending": 3,  # Agus 4 and 5 March, Joko 3 March (not Agus 6 March)
    }
    assert labels["placement_companies"] == f"Companies taking students in {YEAR}"


def test_city_tables_by_company_sector_and_school(world, city, section):
    _figures, tables, _labels, _found = section()
    assert [
        (r["company"], r["sector"], r["now"], r["year"], r["hours"])
        for r in tables["placement_companies"]
    ] == [
        ("Bengkel EV Sejahtera", "Dealer's workshop", 2, 3, h("32.0")),
        ("Armada Listrik Solo", "Fleet operator", 1, 2, h("17.0")),
        ("Daur Ulang Baterai", "Battery service or recycling", 1, 1, h("6.0")),
        ("Konversi Motor", "EV conversion", 0, 0, h("8.0")),
    ]
    assert [
        (r["sector"], r["companies"], r["now"], r["hours"]) for r in tables["placement_sectors"]
    ] == [
        ("Dealer's workshop", 1, 2, h("32.0")),
        ("Fleet operator", 1, 1, h("17.0")),
        ("Battery service or recycling", 1, 1, h("6.0")),
        ("EV conversion", 0, 0, h("8.0")),
    ]
    assert [
        (r["school"], r["now"], r["hours"], r["median"], r["p90"], r["pending"])
        for r in tables["placement_schools"]
    ] == [
        ("SMK Lain", 1, h("6.0"), 10, 10, 1),
        ("SMK Negeri 2 Surakarta", 3, h("57.0"), 1, 6, 2),
    ]


def test_the_academic_year_counts_hours_and_delays_by_their_own_dates(world, section):
    figures, tables, labels, _found = section(year=YEAR)
    assert figures["placement_hours"] == h("55.0")  # Eko's January 2025 left out
    assert figures["placement_companies"] == 3
    # 0 0 1 1 1 2 3 6 10 (Eko's countersign in January 2025 left out): 5th and 9th of 9
    assert (figures["countersign_median"], figures["countersign_p90"]) == (1, 10)
    # "now" and "waiting" figures are today's, whatever the period
    assert figures["placements_now"] == 4 and figures["countersign_pending"] == 3
    assert "Konversi Motor" not in [r["company"] for r in tables["placement_companies"]]

    figures, tables, labels, _found = section(year="2024/2025")
    assert labels["placement_companies"] == "Companies taking students in 2024/2025"
    assert figures["placement_companies"] == 1  # Eko at D
    assert figures["placement_hours"] == h("8.0")
    assert (figures["countersign_median"], figures["countersign_p90"]) == (1, 1)
    assert [(r["company"], r["year"]) for r in tables["placement_companies"]] == [
        # running now at A, B, C (not in that year), and D's placement of that year
        ("Bengkel EV Sejahtera", 0),
        ("Armada Listrik Solo", 0),
        ("Daur Ulang Baterai", 0),
        ("Konversi Motor", 1),
    ]


def test_months_count_countersigns_by_their_local_day(world, section):
    # March 2026: decided in March (Western Indonesia Time): 0 0 1 1 1 3 6 10
    figures, _tables, _labels, _found = section(months=["2026-03"])
    assert (figures["countersign_median"], figures["countersign_p90"]) == (1, 10)
    assert figures["placement_hours"] == h("47.0")  # Wati's December and Eko's left out
    figures, _tables, _labels, _found = section(months=["2025-12"])
    assert (figures["countersign_median"], figures["countersign_p90"]) == (2, 2)
    assert figures["placement_hours"] == h("8.0")
    figures, _tables, _labels, _found = section(months=["2025-11"])
    assert (figures["countersign_median"], figures["countersign_p90"]) == (None, None)
    assert figures["placement_hours"] == h("0.0")


def test_a_school_sees_its_own_students_only(world, city, section):
    figures, tables, _labels, _found = section(school=city.school, by_school=False)
    assert figures == {
        "placements_now": 3,
        "placement_hours": h("57.0"),
        "placement_companies": 2,
        "countersign_median": 1,  # 0 0 1 1 1 1 2 3 6: the 5th
        "countersign_p90": 6,
        "countersign_pending": 2,
    }
    assert [r["company"] for r in tables["placement_companies"]] == [
        "Bengkel EV Sejahtera",
        "Armada Listrik Solo",
        "Konversi Motor",
    ]
    assert "placement_schools" not in tables

    figures, tables, _labels, _found = section(school=city.other_school, by_school=False)
    assert figures == {
        "placements_now": 1,
        "placement_hours": h("6.0"),
        "placement_companies": 1,
        "countersign_median": 10,
        "countersign_p90": 10,
        "countersign_pending": 1,
    }
    assert [r["company"] for r in tables["placement_companies"]] == ["Daur Ulang Baterai"]


def test_nothing_yet(city, section):
    figures, tables, _labels, _found = section()
    assert figures == {
        "placements_now": 0,
        "placement_hours": h("0.0"),
        "placement_companies": 0,
        "countersign_median": None,
        "countersign_p90": None,
        "countersign_pending": 0,
    }
    assert all(rows == [] for rows in tables.values())


def test_percentile_is_the_nearest_rank():
    assert placements.percentile({}, 0.5) is None
    assert placements.percentile({3: 1}, 0.9) == 3
    assert placements.percentile({0: 1, 1: 1}, 0.5) == 0  # the 1st of 2
    assert (
        placements.percentile({0: 5, 4: 5}, 0.5) == 0
        and placements.percentile({0: 5, 4: 6}, 0.5) == 4
    )
    assert placements.percentile({1: 9, 30: 1}, 0.9) == 1
    assert placements.percentile({1: 8, 30: 2}, 0.9) == 30


def test_the_page_lists_the_busiest_companies_and_the_export_every_one(
    db, world, city, section, monkeypatch
):
    monkeypatch.setattr(placements, "COMPANIES_ON_PAGE", 2)
    _figures, tables, _labels, found = section(limit=True)
    assert [r["company"] for r in tables["placement_companies"]] == [
        "Bengkel EV Sejahtera",
        "Armada Listrik Solo",
    ]
    table = found.tables["placement_companies"]
    assert table.total == 4 and "all 4" in str(table.note)
    _figures, tables, _labels, _found = section()
    assert len(tables["placement_companies"]) == 4


def test_the_statements_do_not_grow_with_placements_companies_and_schools(
    app, db, city, person, make_org, world, section
):
    """Ten grouped statements, whatever the data: no query per placement, entry or company."""
    engine = get_engine(app)
    seen = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):  # not the transaction's BEGIN
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        section()
        before = len(seen)
        seen.clear()
        # Ten more schools, companies and students, each with a placement and entries.
        from tests.dashboard.placement_data import add_company, wib

        for n in range(10):
            school = make_org("school", name=f"SMK Tambahan {n}")
            company = add_company(db, f"Bengkel {n}", "other")
            student = person("student", organization=school, full_name=f"Murid {n}")
            placement = add_placement(
                db, student, company, school, TODAY.replace(day=1), TODAY.replace(month=6)
            )
            for day in (2, 3):
                add_entry(db, placement, TODAY.replace(day=day), written=wib((3, day)),
                          hours=("08:00", "12:00"), status="approved",
                          decided=wib((3, day + 1)))  # fmt: skip
        seen.clear()
        figures, tables, _labels, _found = section()
        assert len(seen) == before == 10, seen
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert figures["placements_now"] == 14 and len(tables["placement_schools"]) == 12
    assert figures["placement_hours"] == h("143.0")  # 63 + 10 x 2 x 4
