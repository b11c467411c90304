"""The office's printable report (/dashboard/report.pdf): headline figures with definitions and
as-of time, the charts, every table of the workbook, the filters, in the chosen language, with
embedded fonts; the same people see it as see the workbook, with the same suppression."""

import io
import re

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from tests import poppler
from tests.dashboard.conftest import THIS_YEAR, text
from tests.dashboard.test_workbook import NAMES, book_of, export_all_link, rows_of


def report_text(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(value):
    return re.sub(r"\s+", " ", value)


def test_office_report_has_figures_charts_tables_and_filters(client, login, scenario, tmp_path):
    login(scenario.office)
    query = f"lang=en&year={THIS_YEAR}"
    page = text(client.get(f"/dashboard/?{query}"))
    link = re.search(r'id="export-report" href="([^"]+)"', page).group(1)
    assert link.startswith("/dashboard/report.pdf?")
    response = client.get(f"{link}&lang=en")
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="dashboard-report_2\d{3}-2\d{3}_[-\d]+\.pdf"',
                        disposition)  # fmt: skip
    content = flat(report_text(response))

    book = book_of(client.get(f"{export_all_link(page)}&lang=en"))
    figures = rows_of(book["Headline figures"])
    for figure, _value, definition, _as_of in figures[1:]:
        assert figure in content and flat(definition) in content, figure
    assert "Data as of" in content
    charts = ("Units verified per month", "Certificates issued per month",
              "Units verified per school", "Completed exchange activities per term")  # fmt: skip
    for title in charts:
        assert title in content, title
    for sheet in book.sheetnames[2:]:
        assert sheet.removesuffix("…") in content, sheet  # every table of the workbook
    for school in ("SMK Negeri 2 Surakarta", "SMK Lain"):
        assert school in content
    assert "Academic year" in content and THIS_YEAR in content  # the filters applied
    assert "Generated at" in content

    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    for row in poppler.run("pdffonts", str(path)).splitlines()[2:]:
        assert row.split()[-5:-2] == ["yes", "yes", "yes"], row  # embedded subsets, Unicode
        assert row.split()[0].split("+")[-1].startswith("NotoSans"), row  # the shipped fonts
    poppler.run("pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page"))
    brand = 0
    for image_path in sorted(tmp_path.glob("page*.png")):
        with Image.open(image_path) as image:
            rgb = image.convert("RGB")
            # the brand colour #0b6e4f, give or take anti-aliasing
            bands = zip(rgb.split(), (11, 110, 79), strict=True)
            red, green, blue = (
                b.point(lambda v, c=c: 255 if abs(v - c) < 20 else 0) for b, c in bands
            )
            brand += ImageChops.multiply(ImageChops.multiply(red, green), blue).histogram()[255]
    assert brand > 500  # the charts' bars are drawn, in the brand colour


def test_report_in_chinese_draws_chinese_with_an_embedded_font(client, login, scenario, tmp_path):
    login(scenario.office)
    response = client.get("/dashboard/report.pdf?lang=zh")
    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    assert "NotoSansCJKsc" in poppler.run("pdffonts", str(path))
    content = poppler.run("pdftotext", str(path), "-")
    assert "筛选条件" in content and "图表" in content


def test_the_indonesian_report_is_in_indonesian(client, login, scenario, tmp_path):
    login(scenario.office)
    response = client.get("/dashboard/report.pdf?lang=id")
    content = flat(report_text(response))
    assert "Data per" in content and "Grafik" in content and "Dibuat pada" in content
    assert "Data as of" not in content and "Charts" not in content


def test_teacher_gets_their_own_schools_report_and_not_anothers(client, login, scenario):
    login(scenario.teacher)
    content = flat(report_text(client.get("/dashboard/report.pdf?lang=en")))
    assert "Classes" in content and "Schools compared" not in content
    assert "SMK Negeri 2 Surakarta" in content
    other = scenario.other_school.id
    assert client.get(f"/dashboard/report.pdf?school={other}").status_code == 404
    assert client.get(f"/dashboard/report.pdf?school={other}&view=school").status_code == 404


def test_authors_report_suppresses_small_counts_and_names_no_one(client, login, scenario):
    login(scenario.author)
    content = flat(report_text(client.get("/dashboard/report.pdf?lang=en")))
    assert "<5" in content and "Counts from 1 to 4" in content
    for name in NAMES:
        assert name not in content, name
    assert client.get(f"/dashboard/report.pdf?school={scenario.school.id}").status_code == 404


@pytest.mark.parametrize("query", ["year=2025-2026", "module=EV-999", "school=abc"])
def test_bad_filters_answer_400_as_the_workbook_does(client, login, scenario, query):
    login(scenario.office)
    response = client.get(f"/dashboard/report.pdf?lang=en&{query}")
    assert response.status_code == 400
    assert "Some filters are not valid" in text(response)


def test_only_dashboard_viewers_get_the_report(client, login, scenario):
    assert client.get("/dashboard/report.pdf").status_code in (302, 401)
    login(scenario.students[0])
    assert client.get("/dashboard/report.pdf").status_code == 403


def test_the_tables_notes_read_as_sentences(client, login, scenario):
    """With one school chosen two tables carry a note (the schools compared, the classes): the
    about section gives each as its sentence, not glued with a semicolon after its full stop."""
    login(scenario.office)
    query = f"lang=en&year={THIS_YEAR}&school={scenario.school.id}"
    content = flat(report_text(client.get(f"/dashboard/report.pdf?{query}")))
    assert "Only the chosen school is shown" in content
    assert "Students of the classes of" in content
    assert ".;" not in content
