"""Roster import (upload, preview, commit) and activation codes (issue, print, download).

Nothing between the preview and the commit lives on the server: the preview page carries the
checked rows in a signed field, and the commit checks them against the database again. Fresh
activation codes travel the same way to their printable sheet, workbook and CSV, signed and
short-lived.
"""

import io
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from eduplatform import once, scope
from eduplatform.auth.access import roles_required
from eduplatform.clock import local_today
from eduplatform.db import get_session
from eduplatform.errors import Invalid
from eduplatform.forms import choices as as_choices
from eduplatform.people import activation
from eduplatform.people.cohort_forms import RosterPreviewForm, RosterUploadForm
from eduplatform.people.loaders import CLASS_ROLES, load_cohort
from eduplatform.people.models import Cohort, Organization, Role
from eduplatform.people.names import in_capitals, title_case
from eduplatform.people.roster import MAX_BYTES, RosterError, parse_roster
from eduplatform.people.roster_import import (
    NAMES_KEEP,
    NAMES_TITLE,
    ImportOptions,
    ImportResult,
    chosen_rows,
    default_rombel,
    import_roster,
    needs_rombel,
    plan_import,
    rombel_error,
    roster_from_payload,
    roster_to_payload,
)
from eduplatform.urls import public_url
from eduplatform.workbooks import XLSX

bp = Blueprint("rosters", __name__)


CHANGE_LABELS = {
    "full_name": _l("name"),
    "email": _l("email"),
    "gender": _l("gender"),
    "birth_date": _l("date of birth"),
    "birth_place": _l("place of birth"),
    "student_number": _l("student number"),
    "cohort": _l("joins this class"),
}


def _preview_serializer():
    return URLSafeSerializer(current_app.secret_key, salt="roster-preview")


@bp.route("/classes/<int:cohort_id>/import", methods=["GET", "POST"])
@roles_required(*CLASS_ROLES)
def upload(cohort_id):
    db = get_session()
    cohort = load_cohort(db, cohort_id)
    form = RosterUploadForm()
    file_errors = []
    if not db.get(Organization, cohort.school_id).active:
        file_errors = [{"row": None, "column": None, "message": _("This school is deactivated.")}]
    elif form.validate_on_submit():
        try:
            roster = parse_roster(form.file.data.stream.read(MAX_BYTES + 1))
        except RosterError as refused:
            file_errors = refused.errors
        else:
            options = ImportOptions(rombel=default_rombel(roster, cohort))
            return _preview_page(db, cohort, roster, options)
    status = 422 if request.method == "POST" else 200
    page = render_template(
        "people/roster_upload.html", cohort=cohort, form=form, file_errors=file_errors
    )
    return page, status


def _options_key(options):
    return f"{options.names}|{options.rombel or ''}"


def _preview_page(db, cohort, roster, options, status=200):
    result = ImportResult(
        planned=plan_import(db, cohort=cohort, roster=roster, options=options),
        skipped=chosen_rows(roster, options)[1],
    )
    payload = {"cohort": cohort.id, **roster_to_payload(roster)}
    choices = RosterPreviewForm(
        formdata=None,
        payload=_preview_serializer().dumps(payload),
        previewed=_options_key(options),
        names=options.names,
        rombel=options.rombel or "",
    )
    rombels = [(name, f"{name} ({count})") for name, count in sorted(roster.rombels.items())]
    blank = _("Choose a class") if options.rombel not in roster.rombels else None
    choices.rombel.choices = as_choices(rombels, blank=blank)
    capitals = next((r.full_name for r in roster.rows if in_capitals(r.full_name)), None)
    if capitals:
        choices.names.choices = as_choices(
            [
                ("title", _('Write them in title case: "%(name)s"', name=title_case(capitals))),
                ("keep", _('Keep them as in the file: "%(name)s"', name=capitals)),
            ]
        )
    refused = [p for p in result.planned if p.action == "rejected"]
    page = render_template(
        "people/roster_preview.html",
        cohort=cohort,
        roster=roster,
        result=result,
        refused=refused,
        accepted=[p for p in result.planned if p.action != "rejected"],
        choose_rombel=needs_rombel(roster, options),
        rombel_error=rombel_error(roster) if len(roster.rombels) > 1 else None,
        capitals=capitals,
        change_labels=CHANGE_LABELS,
        choices=choices,
        importable=bool(result.planned) and not result.errors,
        form=RosterUploadForm(),
    )
    return page, status


def _posted_preview(db, cohort_id):
    """The class, its checked roster and the chosen options from a posted preview form."""
    cohort = load_cohort(db, cohort_id)
    form = RosterPreviewForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        payload = _preview_serializer().loads(form.payload.data or "")
    except BadSignature:
        abort(400)
    if payload.get("cohort") != cohort.id:
        abort(400)
    names = NAMES_KEEP if form.names.data == NAMES_KEEP else NAMES_TITLE
    options = ImportOptions(names=names, rombel=form.rombel.data or None)
    return cohort, roster_from_payload(payload), options, form


@bp.route("/classes/<int:cohort_id>/import/preview", methods=["POST"])
@roles_required(*CLASS_ROLES)
def preview(cohort_id):
    """The preview again, with other choices (a class of the file, names as they are)."""
    db = get_session()
    cohort, roster, options, _form = _posted_preview(db, cohort_id)
    return _preview_page(db, cohort, roster, options)


@bp.route("/classes/<int:cohort_id>/import/commit", methods=["POST"])
@roles_required(*CLASS_ROLES)
def commit(cohort_id):
    db = get_session()
    cohort, roster, options, form = _posted_preview(db, cohort_id)
    if form.previewed.data != _options_key(options):
        # The choices changed after the preview: show what they mean before importing anything.
        flash(_("Check the preview of your choice, then import."), "info")
        return _preview_page(db, cohort, roster, options)
    try:
        result = import_roster(
            db, actor=current_user, cohort=cohort, roster=roster, options=options
        )
    except Invalid as refused:
        db.rollback()
        planned = plan_import(db, cohort=cohort, roster=roster, options=options)
        if not any(p.errors for p in planned) or needs_rombel(roster, options):
            for error in refused.errors:  # the school closed, or a clash at the same moment
                flash(error["message"], "error")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
        flash(_("Something changed since the preview, so nothing was imported."), "error")
        return _preview_page(db, cohort, roster, options, status=409)
    flash(_("The roster was imported."), "success")
    return render_template(
        "people/roster_done.html",
        cohort=cohort,
        summary=result.summary(),
        skipped=result.skipped,
        codes=result.codes,
        sheet=_sign_codes(cohort, result.codes),
    )


@bp.route("/rosters/template.csv")
@roles_required(*CLASS_ROLES)
def template_csv():
    """An empty student list to fill in, as CSV."""
    from eduplatform.people import roster_templates  # openpyxl: loaded when asked for

    return _download(roster_templates.template_csv(), "text/csv", "daftar-siswa.csv")


@bp.route("/rosters/template.xlsx")
@roles_required(*CLASS_ROLES)
def template_xlsx():
    """An empty student list to fill in, as an Excel workbook (NISN kept as text)."""
    from eduplatform.people import roster_templates

    return _download(roster_templates.template_xlsx(), XLSX, "daftar-siswa.xlsx")


def _download(data, mimetype, name):
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}"}
    )


def _sign_codes(cohort, issued):
    if not issued:
        return None
    return activation.sign_sheet(
        current_app.secret_key,
        actor=current_user,
        cohort=cohort,
        issued=issued,
        expires_on=local_today() + activation.VALID_FOR,
    )


@bp.route("/activation-codes", methods=["POST"])
@roles_required(Role.TEACHER, Role.ADMIN)  # not the office: a code can take over an account
def issue():
    """New codes for the students ticked on a class page or a student's profile."""
    db = get_session()
    # a ticked id that is unknown or not the user's (a forged list) answers 404 alike
    students = sorted(scope.form_ids("student", strict=True), key=lambda s: s.full_name)
    cohort = scope.form_id("cohort")
    if cohort:
        back = url_for("cohorts.detail", cohort_id=cohort.id)
    elif len(students) == 1:
        back = url_for("cohorts.student", student_id=students[0].id)
    else:
        back = url_for("cohorts.index")
    if not students:
        flash(_("Tick the students who need a new code."), "error")
        return redirect(back)
    if not once.first_time(db, actor=current_user, key=request.form.get(once.FIELD)):
        # The page that showed the codes, reloaded: new codes would void the ones shown.
        flash(
            _(
                "This form was sent before: the codes were issued then and shown only once, and "
                "the sheet printed or downloaded from that page still works. For new codes, tick "
                "the students again."
            ),
            "warning",
        )
        return redirect(back)
    resets = sum(1 for student in students if student.password_hash)
    issued = activation.issue_codes(db, actor=current_user, students=students)
    return render_template(
        "people/codes_issued.html",
        resets=resets,
        cohort=cohort,
        back=back,
        codes=issued,
        sheet=_sign_codes(cohort, issued),
    )


def _read_sheet():
    payload = activation.read_sheet(
        current_app.secret_key, request.form.get("sheet"), actor=current_user
    )
    if payload is None:
        flash(_("This list of codes has expired. Generate new codes for the students."), "error")
        abort(redirect(url_for("cohorts.index")))
    return payload


@bp.route("/activation-codes/sheet", methods=["POST"])
@roles_required(*CLASS_ROLES)
def sheet():
    payload = _read_sheet()
    db = get_session()
    cohort = db.get(Cohort, payload["cohort"]) if payload["cohort"] else None
    expires = date.fromisoformat(payload["expires"])
    with force_locale("id"):  # the sheet goes to students: in Indonesian whatever the teacher reads
        texts = {
            "title": _("Activation code"),
            "code_label": _("Code"),
            "steps": [
                _("Open this address on a phone or a computer."),
                _("Enter your NISN and this code, then choose your own password."),
                _("The code works once, until %(date)s.", date=format_date(expires, "long")),
            ],
        }
    return render_template(
        "people/codes_sheet.html",
        cohort=cohort,
        codes=payload["codes"],
        texts=texts,
        address=public_url("auth.activate"),
    )


def _code_header():
    return [_("Name"), "NISN", _("Activation code"), _("Valid until"), _("Address")]


def _code_rows(payload, expires):
    """One row a student, as the header names them: name, NISN, code, valid until, address."""
    address = public_url("auth.activate")
    return [[name, nisn, code, expires, address] for _id, name, nisn, code in payload["codes"]]


@bp.route("/activation-codes/csv", methods=["POST"])
@roles_required(*CLASS_ROLES)
def download():
    """The codes as CSV, for scripts; people get the workbook (download_xlsx)."""
    payload = _read_sheet()
    out = io.StringIO()
    activation.write_codes_csv(out, _code_header(), _code_rows(payload, payload["expires"]))
    return _codes_file(out.getvalue(), "text/csv", "activation-codes.csv")


@bp.route("/activation-codes/xlsx", methods=["POST"])
@roles_required(*CLASS_ROLES)
def download_xlsx():
    """The codes as an Excel workbook: NISN and codes stay text (a CSV opened by double-click
    loses a NISN's leading zeros), the header and sheet in the teacher's language."""
    from eduplatform.people.codes_workbook import codes_xlsx  # xlsxwriter: loaded when asked for

    payload = _read_sheet()
    rows = _code_rows(payload, date.fromisoformat(payload["expires"]))
    data = codes_xlsx(_code_header(), rows, title=_("Activation codes"), text_columns={1, 2})
    return _codes_file(data, XLSX, "activation-codes.xlsx")


def _codes_file(data, mimetype, name):
    """A download of one-time secrets: never kept by a browser's or a proxy's cache."""
    response = _download(data, mimetype, name)
    response.headers["Cache-Control"] = "no-store"
    return response
