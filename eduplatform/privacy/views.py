"""Admin pages for one student's data: what is held, the export, anonymisation."""

from babel.dates import get_timezone_name
from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from eduplatform.auth.access import roles_required
from eduplatform.clock import school_zone
from eduplatform.config import LANGUAGES
from eduplatform.db import get_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.forms import apply_errors
from eduplatform.i18n import person_name
from eduplatform.people.models import Organization, Role, User
from eduplatform.placements.blueprint import placement_labels
from eduplatform.privacy import service
from eduplatform.privacy.forms import AnonymiseForm, ExportForm
from eduplatform.sqltypes import utcnow

bp = Blueprint("privacy", __name__, url_prefix="/admin/students")


def _default_language(student):
    return student.locale if student.locale in LANGUAGES else "id"


def _student_or_404(db, student_id):
    student = db.get(User, student_id)
    if student is None or student.role != Role.STUDENT:
        abort(404)
    return student


@bp.route("/<int:student_id>/privacy")
@roles_required(Role.ADMIN)
def student(student_id):
    db = get_session()
    student = _student_or_404(db, student_id)
    counts = service.held_counts(db, student)
    counts = sorted(counts, key=lambda count: service.table_order(count[0]))
    held = [(service.table_label(name), rows) for name, rows in counts]
    form = ExportForm(language=_default_language(student))
    form.language.choices = list(LANGUAGES.items())
    return render_template(
        "privacy/student.html",
        export_form=form,
        student=student,
        school=db.get(Organization, student.organization_id) if student.organization_id else None,
        held=held,
        anonymised_at=service.anonymised_at(db, student),
    )


@bp.route("/<int:student_id>/privacy/export", methods=["POST"])
@roles_required(Role.ADMIN)
def export(student_id):
    """Everything held about the student as one zip (a POST: the export is audited)."""
    db = get_session()
    student = _student_or_404(db, student_id)
    form = ExportForm()
    form.language.choices = list(LANGUAGES.items())
    language = form.language.data if form.language.data in LANGUAGES else _default_language(student)

    def readable(record):
        with force_locale(language):
            html = render_template(
                "privacy/readable.html",
                record=record,
                language=language,
                exported_by=current_user,
                exported_at=utcnow(),
                time_zone=get_timezone_name(school_zone(), locale=language),
                **placement_labels(),
            )
        return f"student-{student.id}-data-{language}.html", html.encode()

    archive = service.export_student(db, actor=current_user, student=student, readable=readable)
    response = make_response(archive)
    response.mimetype = "application/zip"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="student-{student.id}-data.zip"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:student_id>/privacy/anonymise", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def anonymise(student_id):
    db = get_session()
    student = _student_or_404(db, student_id)
    if service.anonymised_at(db, student) is not None:
        flash(_("This student was already anonymised."), "info")
        return redirect(url_for("privacy.student", student_id=student.id))
    form = AnonymiseForm()
    if form.validate_on_submit():
        try:
            service.anonymise_student(
                db, actor=current_user, student=student, reason=form.reason.data
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        except Conflict as conflict:
            db.rollback()
            flash(str(conflict), "error")
            return redirect(url_for("privacy.student", student_id=student.id))
        else:
            flash(_("The student was anonymised."), "success")
            return redirect(url_for("privacy.student", student_id=student.id))
    return render_template(
        "privacy/anonymise.html",
        student=student,
        form=form,
        anonymised_name=person_name(service.anonymised_name(student.id)),
    ), (422 if form.errors or form.form_errors else 200)
