"""Demo data of industry placements (PKL, issue 19; JOURNEYS.md, Pak Budi step 5).

- an Indonesian EV dealer's workshop in Surakarta with its head of workshop as supervisor
  (Indonesian pages), and a Chinese-owned EV after-sales centre in Sukoharjo whose supervisor
  reads his pages in Chinese; fictional names, no NPWP or NIB (never invent official codes);
- Siti's running placement at the workshop since the Monday of last week, accompanied by Pak
  Budi: last week's five entries, the first three countersigned through the supervisor's link,
  Thursday's (with a photo) and Friday's waiting; Pak Budi verifies a unit from them himself;
- Wulan Sari's (grade XII) finished six-month placement at the Chinese firm: a first week of
  countersigned entries, Pak Budi's monitoring visit, the supervisor's final assessment and the
  school's grade, so her placement certificate is issued.

The supervisors' links are issued as a teacher would; their tokens are not kept (only a hash
is stored), so a new link from the placement page is what opens the supervisor's side.
Everything goes through the services (audit events as in real use); each part runs only when
its data is missing.
"""

import io
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from PIL import Image, ImageDraw
from sqlmodel import col, select, update

from eduplatform.clock import school_zone
from eduplatform.people.models import Organization, OrgKind, User
from eduplatform.placements import assessment, companies, journal, links, monitoring, service
from eduplatform.placements.models import (
    JournalEntry,
    LinkPurpose,
    Placement,
    Supervisor,
    SupervisorLink,
)

WORKSHOP = {
    "name": "Bengkel EV Surya Elektrik Motor (demo)",
    "sector": "dealer_workshop",
    "city": "Surakarta",
    "address": "Jl. Contoh No. 12",
    "contact": "servis@surya-elektrik.example",
}
WORKSHOP_SUPERVISOR = {
    "full_name": "Joko Prasetyo",
    "position": "Kepala bengkel",
    "phone": "+62 812 0000 0012",
    "locale": "id",
}
CHINESE_FIRM = {
    "name": "PT Xinyuan Kendaraan Listrik Indonesia (demo)",
    "name_zh": "新源电动汽车印尼有限公司（演示）",
    "sector": "dealer_workshop",
    "city": "Sukoharjo",
    "address": "Kawasan Industri Contoh Blok A-3",
    "contact": "hr@xinyuan-ev.example",
}
CHINESE_SUPERVISOR = {
    "full_name": "Liu Jianguo",
    "position": "Kepala teknisi purnajual",
    "email": "liu.jianguo@xinyuan-ev.example",
    "locale": "zh",
}
# Units a workshop lets a grade XI student practise under supervision (none safety-locked for
# Siti: her first three high-voltage safety units are verified).
SITI_UNITS = ("EV-101-U4", "EV-102-U1", "EV-102-U6", "EV-105-U1")
# Last week, Monday to Friday: (arrived, left, what she did, units practised, photo).
SITI_WEEK = (
    ((7, 30), (16, 0), "Orientasi bengkel, aturan K3, dan pengenalan jenis kendaraan listrik yang "
     "diservis (BEV dan HEV) bersama Pak Joko.", ("EV-102-U1",), False),
    ((7, 30), (16, 0), "Mendampingi mekanik melakukan prosedur bebas tegangan pada mobil BEV: "
     "melepas service plug, memasang gembok dan label LOTO, menunggu waktu pengosongan.",
     ("EV-101-U4",), False),
    ((7, 45), (16, 15), "Membaca label kendaraan dan informasi servis untuk tiga mobil pelanggan; "
     "mencatat nomor rangka dan titik pemutus tegangan tinggi.", ("EV-102-U6",), False),
    ((7, 30), (16, 0), "Memeriksa soket pengisian AC (Type 2) dan kabel pengisi portabel, "
     "menjelaskan mode pengisian kepada pelanggan.", ("EV-105-U1",), True),
    ((7, 30), (15, 30), "Melakukan prosedur bebas tegangan sendiri dengan pengawasan mekanik, "
     "lalu merapikan area kerja dan perkakas berisolasi.", ("EV-101-U4",), False),
)  # fmt: skip
SITI_COUNTERSIGNED = 3  # Monday to Wednesday; Thursday and Friday wait for Pak Joko
WULAN_NISN = "9999000012"  # demo_quality.XII_STUDENTS
WULAN_UNITS = ("EV-102-U1", "EV-102-U3", "EV-105-U1")
WULAN_WEEK = (
    "Pengenalan pusat servis, K3, dan alat pelindung diri.",
    "Mengidentifikasi jenis kendaraan listrik dan komponen utamanya.",
    "Memeriksa sistem 12 V dan konverter DC-DC bersama teknisi.",
    "Membantu pemeriksaan rutin pengisian daya AC kendaraan pelanggan.",
    "Menyusun laporan pekerjaan mingguan dalam bahasa Indonesia dan Mandarin.",
)
WULAN_WEEK_UNITS = (("EV-102-U1",), ("EV-102-U1",), ("EV-102-U3",), ("EV-105-U1",), ())


def _company(session, teacher, spec, supervisor_spec):
    """The company and its supervisor, added by Pak Budi (once)."""
    organization = session.exec(
        select(Organization).where(
            Organization.kind == OrgKind.INDUSTRY, Organization.name == spec["name"]
        )
    ).first()
    if organization is None:
        organization = companies.create_company(session, actor=teacher, **spec)
    supervisor = session.exec(
        select(Supervisor).where(
            Supervisor.company_id == organization.id,
            Supervisor.full_name == supervisor_spec["full_name"],
        )
    ).first()
    if supervisor is None:
        supervisor = companies.add_supervisor(
            session, actor=teacher, company=organization, **supervisor_spec
        )
    return organization, supervisor


def _units(session, student, codes):
    """The ids of these units in the versions the student's class follows."""
    found = {unit.code: unit.id for unit in service.student_units(session, student)}
    return [found[code] for code in codes]


def _note(session, student, starts_on, ends_on, why):
    bounds = service.academic_year_bounds(session, student)
    outside = bounds and (starts_on < bounds[0] or ends_on > bounds[1])
    return why if outside else ""


def demo_photo():
    """A JPEG drawn here (no file shipped): a car's charging inlet with a Type 2 socket."""
    image = Image.new("RGB", (800, 600), (206, 212, 218))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 420, 800, 600), fill=(90, 98, 106))  # the workshop floor
    draw.rounded_rectangle((180, 90, 620, 470), radius=40, fill=(34, 70, 120))  # the car's flap
    draw.ellipse((290, 160, 510, 380), fill=(30, 30, 30), outline=(240, 240, 240), width=8)
    for x, y in ((360, 220), (440, 220), (330, 280), (400, 280), (470, 280), (370, 335),
                 (430, 335)):  # fmt: skip
        draw.ellipse((x - 18, y - 18, x + 18, y + 18), fill=(200, 200, 200))
    draw.rectangle((600, 380, 760, 470), fill=(245, 130, 32))  # an orange high-voltage cable
    return io.BytesIO(_jpeg(image))


def _jpeg(image):
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _write_week(session, student, placement, monday, week, unit_ids_by_code):
    entries = []
    for number, (arrived, left, activities, codes, photo) in enumerate(week):
        entries.append(
            journal.write_entry(
                session, actor=student, placement=placement, day=monday + timedelta(days=number),
                kind="present", arrived_at=time(*arrived), left_at=time(*left),
                activities=activities, unit_ids=[unit_ids_by_code[c] for c in codes],
                photo=demo_photo() if photo else None, today=monday + timedelta(days=number),
            )
        )  # fmt: skip
    return entries


def _at(day, hour, minute=0):
    """A moment of that day where the schools are, in UTC as the database keeps it."""
    return datetime.combine(day, time(hour, minute), school_zone()).astimezone(UTC)


def _as_on_the_days(session, entries, link, signed_on):
    """The journal's times as they would have been: each entry written on its day after work,
    countersigned on the day `signed_on` gives (the services stamp everything now), so that the
    dashboard's countersign delays and waiting entries show what a real week shows."""
    last = None
    for entry in entries:
        written = _at(entry.day, 16, 30)
        values = {"created_at": written, "updated_at": written}
        if entry.id in signed_on:
            values["countersigned_at"] = signed = _at(signed_on[entry.id], 8)
            last = max(last or signed, signed)
        session.exec(
            update(JournalEntry)
            .where(col(JournalEntry.id) == entry.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    # The link was given on the first day, after work; it lasts as long as any link.
    given = _at(entries[0].day, 17)
    valid = timedelta(days=current_app.config["SUPERVISOR_LINK_VALID_DAYS"])
    session.exec(
        update(SupervisorLink)
        .where(col(SupervisorLink.id) == link.id)
        .values(created_at=given, expires_at=given + valid, last_used_at=last)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def siti_placement(session, *, teacher, siti, today):
    """Siti's running placement at the EV workshop, with last week's journal (once)."""
    if session.exec(select(Placement.id).where(Placement.student_id == siti.id)).first():
        return
    company, supervisor = _company(session, teacher, WORKSHOP, WORKSHOP_SUPERVISOR)
    monday = today - timedelta(days=today.weekday() + 7)
    ends_on = monday + timedelta(weeks=26, days=-3)  # six months, to a Friday
    unit_ids = _units(session, siti, SITI_UNITS)
    placement = service.create_placement(
        session, actor=teacher, student=siti, company=company, supervisor=supervisor,
        teacher=teacher, starts_on=monday, ends_on=ends_on, unit_ids=unit_ids,
        dates_note=_note(session, siti, monday, ends_on,
                         "PKL enam bulan melewati akhir tahun ajaran (data demo)."),
    )  # fmt: skip
    service.change_status(session, actor=teacher, placement=placement, action="start")
    entries = _write_week(
        session, siti, placement, monday, SITI_WEEK, dict(zip(SITI_UNITS, unit_ids, strict=True))
    )
    _token, link = links.issue_link(
        session, actor=teacher, placement=placement, purpose=LinkPurpose.COUNTERSIGN
    )
    for entry in entries[:SITI_COUNTERSIGNED]:
        links.countersign(session, link=link, entry_id=entry.id, decision="approve")
    # Pak Joko countersigned each morning after; Thursday's and Friday's still wait.
    signed_on = {e.id: e.day + timedelta(days=1) for e in entries[:SITI_COUNTERSIGNED]}
    _as_on_the_days(session, entries, link, signed_on)


def wulan_placement(session, *, teacher, today):
    """Wulan's finished placement at the Chinese firm: assessed, graded, certified (once)."""
    wulan = session.exec(select(User).where(User.nisn == WULAN_NISN)).first()
    if (
        wulan is None
        or session.exec(select(Placement.id).where(Placement.student_id == wulan.id)).first()
    ):
        return
    company, supervisor = _company(session, teacher, CHINESE_FIRM, CHINESE_SUPERVISOR)
    ends_on = today - timedelta(days=today.weekday() + 17)  # a Friday, some weeks ago
    monday = ends_on - timedelta(weeks=26, days=-3)
    unit_ids = _units(session, wulan, WULAN_UNITS)
    placement = service.create_placement(
        session, actor=teacher, student=wulan, company=company, supervisor=supervisor,
        teacher=teacher, starts_on=monday, ends_on=ends_on, unit_ids=unit_ids,
        dates_note=_note(session, wulan, monday, ends_on,
                         "PKL kelas XI, dimulai pada tahun ajaran sebelumnya (data demo)."),
    )  # fmt: skip
    service.change_status(session, actor=teacher, placement=placement, action="start")
    by_code = dict(zip(WULAN_UNITS, unit_ids, strict=True))
    week = [
        ((8, 0), (16, 30), text, codes, False)
        for text, codes in zip(WULAN_WEEK, WULAN_WEEK_UNITS, strict=True)
    ]
    entries = _write_week(session, wulan, placement, monday, week, by_code)
    _token, link = links.issue_link(
        session, actor=teacher, placement=placement, purpose=LinkPurpose.COUNTERSIGN
    )
    links.approve_week(session, link=link, week_start=monday)
    # Mr. Liu approved the whole week on the Monday after.
    _as_on_the_days(session, entries, link, {e.id: monday + timedelta(weeks=1) for e in entries})
    monitoring.record_visit(
        session, actor=teacher, placement=placement, visited_on=monday + timedelta(weeks=6, days=2),
        notes="Wulan bekerja di bagian servis berkala; pembimbing puas dengan kedisiplinannya.",
        issues="Perlu latihan istilah teknis dalam bahasa Mandarin.", today=today,
    )  # fmt: skip
    _token, link = links.issue_link(
        session, actor=teacher, placement=placement, purpose=LinkPurpose.ASSESSMENT
    )
    levels = dict(zip(unit_ids, (4, 3, 3), strict=True))
    assessment.submit_assessment(
        session, link=link, unit_levels={str(u): level for u, level in levels.items()},
        attitudes={"discipline": 4, "safety": 4, "teamwork": 3, "initiative": 3,
                   "communication": 3},
        comment="工作认真，守时，安全意识强。建议继续提高专业中文沟通能力。",
    )  # fmt: skip
    assessment.grade_placement(
        session, actor=teacher, placement=placement, grade=88,
        comment="Penilaian pembimbing industri dan laporan PKL baik.", today=ends_on,
    )  # fmt: skip


def load_placements(session, *, teacher, siti, today):
    """Every part above (see the module's docstring)."""
    siti_placement(session, teacher=teacher, siti=siti, today=today)
    wulan_placement(session, teacher=teacher, today=today)
