"""Builds the school files the roster tests read; run it to rebuild them after a change.

    .venv/bin/python tests/people/files/make_files.py

The structure is that of real exports, the data is made up: Dapodik's "Daftar Peserta Didik"
(a title block above a two-row merged header, 48 columns, NISN and NIK stored as text with their
leading zeros, JK as L/P, names in capitals, two classes in "Rombel Saat Ini"), the same list
after Excel turned the NISNs into numbers, the CSV that Excel saves from it, a school's own list
saved as Windows-1252 CSV, and Dapodik's teacher list (GTK: a title block, 31 columns, NUPTK as
text, some with a leading zero, one teacher without one yet, emails for some, administrative
staff among the teachers) as XLSX, as CSV, and after Excel turned the NUPTKs into numbers. No
person, NISN or school is real: NISNs start 00899, NIKs 3372999, NUPTKs 9999 or 0999, emails
end in .contoh.sch.id.
"""

import csv
import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
FIXED_TIME = datetime(2025, 7, 14, 9, 12, 33)
SCHOOL = "SMK NEGERI 99 CONTOH"
TITLE = [
    ["Daftar Peserta Didik"],
    [SCHOOL],
    ["Kecamatan Kecamatan Contoh, Kabupaten Kota Contoh, Provinsi Provinsi Contoh"],
    ["Tanggal Unduh: 2025-07-14 09:12:33"],
    ["Pengguna: operator@smkn99.contoh.sch.id"],
]
PARENT = ["Nama", "Tahun Lahir", "Jenjang Pendidikan", "Pekerjaan", "Penghasilan", "NIK"]
SINGLE_BEFORE = [
    "No", "Nama", "NIPD", "JK", "NISN", "Tempat Lahir", "Tanggal Lahir", "NIK", "Agama",
    "Alamat", "RT", "RW", "Dusun", "Kelurahan", "Kecamatan", "Kode Pos", "Jenis Tinggal",
    "Alat Transportasi", "Telepon", "HP", "E-Mail", "SKHUN", "Penerima KPS", "No. KPS",
]  # fmt: skip
GROUPS = ["Data Ayah", "Data Ibu", "Data Wali"]
SINGLE_AFTER = [
    "Rombel Saat Ini", "No Peserta Ujian Nasional", "No Seri Ijazah", "Penerima KIP",
    "Nomor KIP", "Nama di KIP",
]  # fmt: skip
# Even rows are boys (JK L), odd rows girls (JK P).
FIRST = ["AGUS", "SITI", "MUHAMMAD", "DEWI", "EKO", "RINA", "JOKO", "WULAN", "BAYU", "AYU",
         "BUDI", "NUR'AINI"]  # fmt: skip
LAST = ["RAHMAWATI", "AL-FATIH", "LESTARI", "PRATAMA", "HIDAYAT", "SANTOSO", "BIN YUSUF",
        "KUSUMA", "SAPUTRA", "WIJAYA"]  # fmt: skip
PLACES = ["SURAKARTA", "SUKOHARJO", "KARANGANYAR", "BOYOLALI", "KLATEN"]
RELIGIONS = ["Islam", "Islam", "Kristen", "Katholik", "Hindu"]
JOBS = ["Wiraswasta", "Petani", "Karyawan Swasta", "Buruh", "PNS/TNI/Polri"]


def students():
    """48 made-up students: 36 in XI TKRO 1, 12 in XI TKRO 2."""
    rows = []
    for i in range(48):
        born = datetime(2008 + i % 2, 1 + i % 12, 1 + (i * 7) % 28)
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 3) % len(LAST)]}"
        rows.append(
            {
                "name": name,
                "nipd": f"{2324100 + i}",
                "jk": "P" if i % 2 else "L",
                # a NISN starts with the last digits of the birth year: "008", "009"
                "nisn": f"{born.year % 1000:03d}99{i:05d}",
                "place": PLACES[i % len(PLACES)],
                "born": born.strftime("%Y-%m-%d"),
                "nik": f"3372999{born:%d%m%y}{i:03d}",
                "religion": RELIGIONS[i % len(RELIGIONS)],
                "rombel": "XI TKRO 1" if i < 36 else "XI TKRO 2",
            }
        )
    return rows


def _columns():
    """[(group, name)] of the 48 columns in Dapodik's order."""
    columns = [("", name) for name in SINGLE_BEFORE]
    for group in GROUPS:
        columns += [(group, name) for name in PARENT]
    return columns + [("", name) for name in SINGLE_AFTER]


def _values(number, student, numeric):
    nisn = int(student["nisn"]) if numeric else student["nisn"]
    nik = int(student["nik"]) if numeric else student["nik"]
    father = [f"AYAH {student['name'].split()[-1]}", 1975 + number % 10, "SMA / sederajat",
              JOBS[number % len(JOBS)], "Rp. 2,000,000 - Rp. 4,999,999",
              f"3372999000{number:06d}"]  # fmt: skip
    mother = [f"IBU {student['name'].split()[-1]}", 1978 + number % 10, "SMP / sederajat",
              "Tidak bekerja", "Tidak Berpenghasilan", f"3372999100{number:06d}"]  # fmt: skip
    guardian = ["", "", "", "", "", ""]
    return [
        number, student["name"], student["nipd"], student["jk"], nisn, student["place"],
        student["born"], nik, student["religion"], f"JL. CONTOH NO. {number}",
        f"{number % 9 + 1:03d}", f"{number % 5 + 1:03d}", "", "Kelurahan Contoh",
        "Kec. Kecamatan Contoh", "57999", "Bersama orang tua", "Sepeda motor", "",
        f"08129999{number:04d}", "", "", "Tidak", "",
        *father, *mother, *guardian,
        student["rombel"], f"2-24-03-99-{number:03d}-{number:03d}-7", "", "Tidak", "", "",
    ]  # fmt: skip


def dapodik_xlsx(numeric=False):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    columns = _columns()
    width = len(columns)
    for row in TITLE:
        sheet.append(row)
    sheet.append([])
    top = len(TITLE) + 2  # the header's first row
    for line in range(1, len(TITLE) + 1):
        sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=width)
    for position, (group, name) in enumerate(columns, start=1):
        if group:
            if name == PARENT[0]:
                sheet.cell(row=top, column=position, value=group)
                span = len(PARENT) - 1
                sheet.merge_cells(
                    start_row=top, start_column=position, end_row=top, end_column=position + span
                )
            sheet.cell(row=top + 1, column=position, value=name)
        else:
            sheet.cell(row=top, column=position, value=name)
            sheet.merge_cells(
                start_row=top, start_column=position, end_row=top + 1, end_column=position
            )
    for header_row in (top, top + 1):
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, student in enumerate(students(), start=1):
        sheet.append(_values(number, student, numeric))
        if not numeric:
            for column in (5, 8):  # NISN and NIK are text cells, as Dapodik writes them
                sheet.cell(row=sheet.max_row, column=column).number_format = "@"
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    return _save(workbook)


def _save(workbook):
    """The workbook's bytes, the same on every run (fixed times inside and in the ZIP)."""
    workbook.properties.creator = "Dapodik"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    saved = io.BytesIO()
    workbook.save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            stable = zipfile.ZipInfo(member.filename, date_time=FIXED_TIME.timetuple()[:6])
            stable.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(member)
            if member.filename == "docProps/core.xml":  # openpyxl stamps the saving time
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-07-14T09:12:33Z", content
                )
            target.writestr(stable, content)
    return out.getvalue()


def dapodik_csv():
    """The XLSX as Excel saves it with "CSV UTF-8" on an Indonesian Windows: BOM, semicolons."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    columns = _columns()
    for row in TITLE:
        writer.writerow(row + [""] * (len(columns) - 1))
    writer.writerow([""] * len(columns))
    writer.writerow([name if not group else (group if name == PARENT[0] else "")
                     for group, name in columns])  # fmt: skip
    writer.writerow([name if group else "" for group, name in columns])
    for number, student in enumerate(students(), start=1):
        writer.writerow(_values(number, student, numeric=False))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def school_csv_windows_1252():
    """A school's own list saved by Excel as "CSV (semicolon delimited)": Windows-1252, and
    Excel's curly apostrophe in Nur’aini. Mixed-case names, DD/MM/YYYY dates."""
    lines = ["No;NISN;Nama Lengkap;JK;Tanggal Lahir;Email"]
    for number, student in enumerate(students()[:36], start=1):
        name = student["name"].title().replace("'A", "\u2019a").replace("Bin ", "bin ")
        born = datetime.strptime(student["born"], "%Y-%m-%d").strftime("%d/%m/%Y")
        lines.append(f"{number};{student['nisn']};{name};{student['jk']};{born};")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


GTK_COLUMNS = [
    "No", "Nama", "NUPTK", "JK", "Tempat Lahir", "Tanggal Lahir", "NIP", "Status Kepegawaian",
    "Jenis PTK", "Agama", "Alamat Jalan", "RT", "RW", "Nama Dusun", "Desa/Kelurahan",
    "Kecamatan", "Kode Pos", "Telepon", "HP", "Email", "Tugas Tambahan", "SK CPNS",
    "Tanggal CPNS", "SK Pengangkatan", "TMT Pengangkatan", "Lembaga Pengangkatan",
    "Pangkat Golongan", "Sumber Gaji", "Nama Ibu Kandung", "Status Perkawinan", "NIK",
]  # fmt: skip
# (name, JK, Jenis PTK, email, NUPTK): as Dapodik lists them, academic titles and all. A NUPTK
# may start with 0 (kept as text), a new honorary teacher has none yet, and the school's
# administrative staff are on the list too.
TEACHERS = [
    ("Dra. SRI WAHYUNI", "P", "Kepala Sekolah", "sri.wahyuni@smkn99.contoh.sch.id",
     "9999000155000001"),
    ("BUDI SANTOSO, S.Pd.", "L", "Guru Mapel", "budi.santoso@smkn99.contoh.sch.id",
     "9999000255000002"),
    ("AHMAD FAUZI, S.T.", "L", "Guru Mapel", "", "0999000355000003"),
    ("RETNO KUSUMAWATI, S.Pd., M.Pd.", "P", "Guru BK", "retno.k@smkn99.contoh.sch.id",
     "9999000455000004"),
    ("SUPARMAN", "L", "Tenaga Administrasi Sekolah", "", "9999000555000005"),
    ("IKA PURNAMASARI, S.Kom.", "P", "Guru Mapel", "ika.purnamasari@smkn99.contoh.sch.id",
     "0999000655000006"),
    ("DWI HARTONO, S.Pd.", "L", "Guru Mapel", "dwi.hartono@smkn99.contoh.sch.id", ""),
    ("YULIANA, S.Pd.", "P", "Guru Mapel", "", "9999000855000008"),
]  # fmt: skip
GTK_TITLE = [["Daftar Guru dan Tenaga Kependidikan"], [SCHOOL], TITLE[2], TITLE[3], TITLE[4]]


def _gtk_values(number, teacher):
    name, gender, kind, email, nuptk = teacher
    values = dict.fromkeys(GTK_COLUMNS, "")
    values.update(
        {
            "No": number,
            "Nama": name,
            "NUPTK": nuptk,
            "JK": gender,
            "Tempat Lahir": PLACES[number % len(PLACES)],
            "Tanggal Lahir": f"19{70 + number}-0{number}-1{number}",
            "Status Kepegawaian": "PNS" if number % 2 else "GTT/PTT Kab/Kota",
            "Jenis PTK": kind,
            "Agama": RELIGIONS[number % len(RELIGIONS)],
            "Alamat Jalan": f"JL. CONTOH GURU NO. {number}",
            "Kecamatan": "Kec. Kecamatan Contoh",
            "Kode Pos": "57999",
            "HP": f"08139999{number:04d}",
            "Email": email,
            "Sumber Gaji": "APBD Provinsi" if number % 2 else "BOS",
            "NIK": f"3372999{number:09d}",
        }
    )
    return [values[column] for column in GTK_COLUMNS]


def _excel_number(digits):
    """What Excel keeps of a number typed into a number cell: 15 significant digits."""
    return int(float(f"{int(digits):.14e}"))


def gtk_xlsx(numeric=False):
    """Dapodik's teacher and staff list (GTK): a title block, one header row, NUPTK as text;
    or, `numeric`, the same list after Excel turned the NUPTKs into numbers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    for row in GTK_TITLE:
        sheet.append(row)
    sheet.append([])
    for line in range(1, len(GTK_TITLE) + 1):
        sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=len(GTK_COLUMNS))
    sheet.append(GTK_COLUMNS)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for number, teacher in enumerate(TEACHERS, start=1):
        values = _gtk_values(number, teacher)
        nuptk = GTK_COLUMNS.index("NUPTK")
        if numeric and values[nuptk]:
            values[nuptk] = _excel_number(values[nuptk])
        sheet.append(values)
        for column in ("NUPTK", "NIK"):
            if not (numeric and column == "NUPTK"):
                cell = sheet.cell(row=sheet.max_row, column=GTK_COLUMNS.index(column) + 1)
                cell.number_format = "@"
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    return _save(workbook)


def gtk_csv():
    """The GTK list as Excel saves it with "CSV UTF-8" on an Indonesian Windows."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in GTK_TITLE:
        writer.writerow(row + [""] * (len(GTK_COLUMNS) - 1))
    writer.writerow([""] * len(GTK_COLUMNS))
    writer.writerow(GTK_COLUMNS)
    for number, teacher in enumerate(TEACHERS, start=1):
        writer.writerow(_gtk_values(number, teacher))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


FILES = {
    "dapodik_peserta_didik.xlsx": lambda: dapodik_xlsx(numeric=False),
    "dapodik_peserta_didik_nisn_angka.xlsx": lambda: dapodik_xlsx(numeric=True),
    "dapodik_peserta_didik.csv": dapodik_csv,
    "daftar_siswa_windows1252.csv": school_csv_windows_1252,
    "dapodik_gtk.xlsx": gtk_xlsx,
    "dapodik_gtk_nuptk_angka.xlsx": lambda: gtk_xlsx(numeric=True),
    "dapodik_gtk.csv": gtk_csv,
}


if __name__ == "__main__":
    for name, build in FILES.items():
        (HERE / name).write_bytes(build())
        print(name)
