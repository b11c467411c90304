"""The student's journal pages (written from a phone) and the journal's photos."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select

from eduplatform import uploads
from eduplatform.auth.access import login_required, roles_required
from eduplatform.clock import local_today
from eduplatform.curriculum.models import Unit
from eduplatform.db import get_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.forms import apply_errors, choices
from eduplatform.people.models import Organization, Role
from eduplatform.placements import journal, service
from eduplatform.placements.blueprint import bp
from eduplatform.placements.credential_views import valid_certificate
from eduplatform.placements.forms import EntryForm
from eduplatform.placements.models import (
    JournalEntry,
    Placement,
    PlacementStatus,
)


def _student_placement(db):
    """The student's running placement, else their latest one, else None."""
    placements = service.list_placements(db, actor=current_user)
    running = [p for p in placements if p.status == PlacementStatus.RUNNING]
    return running[0] if running else (placements[0] if placements else None)


def _unit_choices(db, placement):
    units = service.expected_units(db, placement.id)
    labels = service.unit_labels(db, units)
    return units, choices((u.id, labels[u.id].full) for u in units)


@bp.route("/journal")
@roles_required(Role.STUDENT)
def my_journal():
    db = get_session()
    placement = _student_placement(db)
    if placement is None:
        return render_template("placements/journal.html", placement=None)
    entries = journal.entries_of(db, placement.id)
    labels = service.unit_labels(db, service.expected_units(db, placement.id))
    return render_template(
        "placements/journal.html",
        placement=placement,
        company=db.get(Organization, placement.company_id),
        entries=entries,
        entry_units=journal.entry_units(db, [e.id for e in entries]),
        unit_labels=labels,
        open_=placement.status == PlacementStatus.RUNNING,
        certificate_code=getattr(valid_certificate(db, placement), "certificate_code", None),
    )


def _running_or_404(db):
    placement = _student_placement(db)
    if placement is None or placement.status != PlacementStatus.RUNNING:
        abort(404)
    return placement


def _photo(form):
    data = form.photo.data
    return data if data and getattr(data, "filename", "") else None


@bp.route("/journal/new", methods=["GET", "POST"])
@roles_required(Role.STUDENT)
def journal_new():
    db = get_session()
    placement = _running_or_404(db)
    form = EntryForm()
    _units, form.unit_ids.choices = _unit_choices(db, placement)
    if not form.is_submitted():
        form.day.data = local_today()
    if form.validate_on_submit():
        try:
            journal.write_entry(
                db,
                actor=current_user,
                placement=placement,
                day=form.day.data,
                kind=form.kind.data,
                arrived_at=form.arrived_at.data,
                left_at=form.left_at.data,
                activities=form.activities.data,
                unit_ids=form.unit_ids.data,
                photo=_photo(form),
            )
        except Invalid as refused:
            apply_errors(form, refused)
        else:
            flash(_("Saved. Your supervisor countersigns it from their link."), "success")
            return redirect(url_for("placements.my_journal"))
    return render_template("placements/entry_form.html", form=form, entry=None), (
        422 if form.errors or form.form_errors else 200
    )


def _own_entry(db, entry_id):
    entry = db.get(JournalEntry, entry_id)
    if entry is None or entry.student_id != current_user.id:
        abort(404)
    return entry


@bp.route("/journal/<int:entry_id>/edit", methods=["GET", "POST"])
@roles_required(Role.STUDENT)
def journal_edit(entry_id):
    db = get_session()
    entry = _own_entry(db, entry_id)
    placement = db.get(Placement, entry.placement_id)
    form = EntryForm(obj=entry)
    _units, form.unit_ids.choices = _unit_choices(db, placement)
    if not form.is_submitted():
        form.unit_ids.data = [str(u) for u in journal.entry_units(db, [entry.id])[entry.id]]
    if form.validate_on_submit():
        try:
            journal.change_entry(
                db,
                actor=current_user,
                entry=entry,
                kind=form.kind.data,
                arrived_at=form.arrived_at.data,
                left_at=form.left_at.data,
                activities=form.activities.data,
                unit_ids=form.unit_ids.data,
                photo=_photo(form),
            )
        except Invalid as refused:
            apply_errors(form, refused)
        except Conflict as refused:
            flash(str(refused), "error")
            return redirect(url_for("placements.my_journal"))
        else:
            flash(_("Saved. Your supervisor countersigns it from their link."), "success")
            return redirect(url_for("placements.my_journal"))
    return render_template("placements/entry_form.html", form=form, entry=entry), (
        422 if form.errors or form.form_errors else 200
    )


@bp.route("/journal/<int:entry_id>/photo")
@login_required
def journal_photo(entry_id):
    """The entry's photo: for the student, and staff who see the placement."""
    db = get_session()
    entry = db.get(JournalEntry, entry_id)
    placement = db.get(Placement, entry.placement_id) if entry else None
    if placement is None or not service.can_see(current_user, placement) or not entry.photo_name:
        abort(404)
    return uploads.send_stored(entry.photo_name, entry.photo_mime_type, f"journal-{entry.id}.jpg")


def units_by_id(db, ids):
    if not ids:
        return {}
    return {u.id: u for u in db.exec(select(Unit).where(col(Unit.id).in_(sorted(ids))))}
