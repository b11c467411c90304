"""Two schools with a teacher and a class each, and roster files as spreadsheets save them."""

import html
import io
import re
from dataclasses import dataclass
from datetime import date

import pytest
from openpyxl import Workbook

from eduplatform.people.models import Cohort, CohortTeacher, Organization, User

FIRST_NAMES = ["Nur'aini", "Siti", "Budi", "Dewi", "Agus", "Rina", "Eko", "Wulan", "Joko", "Ayu"]
LAST_NAMES = ["Santoso", "Wulandari", "Pratama", "Hidayat"]


@pytest.fixture
def app_config(app_config):
    """Messages outside a request (services, commands) in English, so tests can read them."""
    return {**app_config, "BABEL_DEFAULT_LOCALE": "en"}


@dataclass
class School:
    school: Organization
    teacher: User
    cohort: Cohort
    other_school: Organization
    other_teacher: User
    other_cohort: Cohort
    office: User


@pytest.fixture
def world(db, make_org, make_user):
    school = make_org("school", name="SMK Negeri 2 Surakarta", npsn="20300001")
    other_school = make_org("school", name="SMK Lain", npsn="20300002")
    teacher = make_user("teacher", organization=school, full_name="Budi Santoso", locale="en")
    other_teacher = make_user("teacher", organization=other_school, locale="en")
    cohort = Cohort(school_id=school.id, name="XI TKRO 1", academic_year="2025/2026")
    other_cohort = Cohort(school_id=other_school.id, name="XI TKRO 1", academic_year="2025/2026")
    db.add_all([cohort, other_cohort])
    db.commit()
    db.add(CohortTeacher(cohort_id=cohort.id, teacher_id=teacher.id))
    db.commit()
    office = make_user("office", locale="en")
    return School(school, teacher, cohort, other_school, other_teacher, other_cohort, office)


def students(count=40, start=0):
    """Rows of made-up students: NISN (leading zeros kept), name, email, gender, birth date."""
    rows = []
    for i in range(start, start + count):
        name = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[i % len(LAST_NAMES)]} {i}"
        gender = "P" if i % 2 else "L"
        rows.append(
            (f"00{8000000 + i:08d}", name, None, gender, date(2009, 1 + i % 12, 1 + i % 28))
        )
    return rows


def roster_csv(rows, *, delimiter=";", bom=True, header=None):
    """A CSV as Excel's "CSV UTF-8" saves it: BOM, semicolons, DD/MM/YYYY dates."""
    header = header or ["No", "NISN", "Nama Lengkap", "Email", "JK", "Tanggal Lahir"]
    lines = [delimiter.join(header)]
    for n, (nisn, name, email, gender, born) in enumerate(rows, start=1):
        born_text = born.strftime("%d/%m/%Y") if born else ""
        lines.append(delimiter.join([str(n), nisn, name, email or "", gender or "", born_text]))
    text = "\r\n".join(lines) + "\r\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def roster_xlsx(rows, *, numeric_nisn=False):
    """An XLSX with real date cells; NISNs as text, or as numbers when Excel had its way."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["NISN", "Name", "Email", "Gender", "Date of birth"])
    for nisn, name, email, gender, born in rows:
        sheet.append([int(nisn) if numeric_nisn else nisn, name, email, gender, born])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def preview_choices(page, **changes):
    """The preview form's fields as a browser sends them: hidden, checked and selected ones."""
    fields = dict(re.findall(r'name="(payload|previewed)" type="hidden" value="([^"]*)"', page))
    names = re.search(r'<input checked id="names-\d" name="names" type="radio" value="(\w+)"', page)
    if names:
        fields["names"] = names.group(1)
    rombel = re.search(r'<select[^>]*name="rombel"[^>]*>.*?</select>', page, re.S)
    if rombel:
        chosen = re.search(r'<option selected value="([^"]*)"', rombel.group(0))
        fields["rombel"] = html.unescape(chosen.group(1)) if chosen else ""
    return {**fields, **changes}
