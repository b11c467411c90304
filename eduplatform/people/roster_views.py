"""Roster import (upload, preview, commit) and activation codes (issue, print, download).

Nothing between the preview and the commit lives on the server: the preview page carries the
checked rows in a signed field, and the commit checks them against the database again. Fresh
activation codes travel the same way to their printable sheet and CSV, signed and short-lived.
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
from sqlmodel import col, select

from eduplatform.auth.access import require_school, roles_required
from eduplatform.clock import local_today
from eduplatform.db import get_session
from eduplatform.errors import Invalid
from eduplatform.people import activation
from eduplatform.people.cohort_forms import RosterUploadForm
from eduplatform.people.loaders import CLASS_ROLES, load_cohort
from eduplatform.people.models import Cohort, Organization, Role, User
from eduplatform.people.roster import MAX_BYTES, RosterError, parse_roster
from eduplatform.people.roster_import import (
    ImportResult,
    import_roster,
    plan_import,
    roster_from_payload,
    roster_to_payload,
)

bp = Blueprint("rosters", __name__)

CHANGE_LABELS = {
    "full_name": _l("name"),
    "email": _l("email"),
    "gender": _l("gender"),
    "birth_date": _l("date of birth"),
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
            result = ImportResult(planned=plan_import(db, cohort=cohort, roster=roster))
            return _preview_page(cohort, roster, result, form)
    status = 422 if request.method == "POST" else 200
    page = render_template(
        "people/roster_upload.html", cohort=cohort, form=form, file_errors=file_errors
    )
    return page, status


def _preview_page(cohort, roster, result, form=None, status=200):
    payload = {"cohort": cohort.id, **roster_to_payload(roster)}
    page = render_template(
        "people/roster_preview.html",
        cohort=cohort,
        result=result,
        rejected=result.count("rejected"),
        change_labels=CHANGE_LABELS,
        payload=_preview_serializer().dumps(payload) if not result.errors else None,
        form=form or RosterUploadForm(),
    )
    return page, status


@bp.route("/classes/<int:cohort_id>/import/commit", methods=["POST"])
@roles_required(*CLASS_ROLES)
def commit(cohort_id):
    db = get_session()
    cohort = load_cohort(db, cohort_id)
    try:
        payload = _preview_serializer().loads(request.form.get("payload", ""))
    except BadSignature:
        abort(400)
    if payload.get("cohort") != cohort.id:
        abort(400)
    roster = roster_from_payload(payload)
    try:
        result = import_roster(db, actor=current_user, cohort=cohort, roster=roster)
    except Invalid as refused:
        db.rollback()
        result = ImportResult(planned=plan_import(db, cohort=cohort, roster=roster))
        if not result.errors:  # not the rows: the school closed, or a clash at the same moment
            for error in refused.errors:
                flash(error["message"], "error")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
        flash(_("Something changed since the preview, so nothing was imported."), "error")
        return _preview_page(cohort, roster, result, status=409)
    flash(_("The roster was imported."), "success")
    return render_template(
        "people/roster_done.html",
        cohort=cohort,
        summary=result.summary(),
        codes=result.codes,
        sheet=_sign_codes(cohort, result.codes),
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
@roles_required(*CLASS_ROLES)
def issue():
    """New codes for the students ticked on a class page or a student's profile."""
    db = get_session()
    ids = [int(i) for i in request.form.getlist("student") if i.isdigit()]
    cohort_id = request.form.get("cohort", type=int)
    cohort = load_cohort(db, cohort_id) if cohort_id else None
    students = db.exec(select(User).where(col(User.id).in_(ids)).order_by(User.full_name)).all()
    for student in students:
        if student.role != Role.STUDENT or student.organization_id is None:
            abort(404)
        require_school(current_user, student.organization_id)
    if cohort:
        back = url_for("cohorts.detail", cohort_id=cohort.id)
    elif len(students) == 1:
        back = url_for("cohorts.student", student_id=students[0].id)
    else:
        back = url_for("cohorts.index")
    if not students:
        flash(_("Tick the students who need a new code."), "error")
        return redirect(back)
    issued = activation.issue_codes(db, actor=current_user, students=students)
    return render_template(
        "people/codes_issued.html",
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
        address=url_for("auth.activate", _external=True),
    )


@bp.route("/activation-codes/csv", methods=["POST"])
@roles_required(*CLASS_ROLES)
def download():
    payload = _read_sheet()
    address = url_for("auth.activate", _external=True)
    out = io.StringIO()
    activation.write_codes_csv(
        out,
        [_("Name"), "NISN", _("Activation code"), _("Valid until"), _("Address")],
        (
            [name, nisn, code, payload["expires"], address]
            for _id, name, nisn, code in payload["codes"]
        ),
    )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": "attachment; filename=activation-codes.csv",
            "Cache-Control": "no-store",
        },
    )
