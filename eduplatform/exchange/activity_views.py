"""The pages of one exchange activity: plan, edit, participants, report, reflections, files."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select

from eduplatform import scope, uploads
from eduplatform.auth.access import login_required, roles_required
from eduplatform.clock import local_today
from eduplatform.db import get_session
from eduplatform.errors import Invalid
from eduplatform.exchange import access, participation, queries, service
from eduplatform.exchange.forms import (
    ActivityForm,
    AttachmentForm,
    CancelForm,
    CompleteForm,
    ParticipantForm,
    ReflectionForm,
    language_choices,
    organization_choices,
)
from eduplatform.exchange.models import (
    ActivityAttachment,
    ActivityParticipant,
    ActivityStatus,
    ExchangeActivity,
    Partnership,
)
from eduplatform.exchange.validation import read_number
from eduplatform.exchange.views import STAFF, bp, load_partnership
from eduplatform.forms import apply_errors, choices, refused_by_form
from eduplatform.people.models import Organization


def load_activity(activity_id, *, manage=False):
    """(activity, partnership): 404 outside the user's scope, 403 when they may only look."""
    db = get_session()
    activity = db.get(ExchangeActivity, activity_id)
    if activity is None:
        abort(404)
    partnership = db.get(Partnership, activity.partnership_id)
    joined = participation.participant_user_ids(db, activity.id)
    if not access.sees_activity(current_user, activity, partnership, joined):
        abort(404)
    if manage and not access.manages_activities_of(current_user, partnership, activity):
        abort(403)
    return activity, partnership


def _back(activity, anchor=None):
    return redirect(url_for("exchange.activity", activity_id=activity.id, _anchor=anchor))


PLAN_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_on",
    "start_time",
    "ends_on",
    "end_time",
    "timezone",
    "place",
    "online_url",
    "funding_source",
    "currency",
    "cost_travel",
    "cost_subsistence",
    "cost_fees",
    "cost_other",
)
ORG_FIELDS = ("sending_org_id", "receiving_org_id", "school_id")


def _activity_form(db, partnership, activity=None):
    """The plan form, filled from the activity (each field as its own type) or for a new one."""
    if activity is not None:
        data = {name: getattr(activity, name) for name in PLAN_FIELDS}
        data.update({name: str(getattr(activity, name) or "") for name in ORG_FIELDS})
        data["languages"] = list(activity.languages or [])
        form = ActivityForm(data=data)
    else:
        form = ActivityForm()
    orgs = queries.organizations_of_partnerships(db, [partnership])
    members = [orgs[i] for i in sorted(partnership.member_ids) if i in orgs]
    for side in (form.sending_org_id, form.receiving_org_id):
        side.choices = organization_choices(members, _("Not recorded"))
    schools = _plannable_schools(partnership, orgs)
    if schools is None:
        del form.school_id
    else:
        whole = access.manages_whole(current_user, partnership)
        blank = _("Every member school (the whole city)") if whole else None
        form.school_id.choices = organization_choices(schools, blank)
        if not whole:
            form.school_id.description = _("Your school, whose activity this is.")
    form.languages.choices = language_choices(form.languages.data)
    form.name_the_time_zone(form.starts_on.data or local_today())
    return form


def _plannable_schools(partnership, orgs):
    """The member schools the user may plan for (None: the partnership has no members)."""
    if not partnership.member_school_ids:
        return None
    if access.manages_whole(current_user, partnership):
        ids = partnership.member_school_ids
    else:
        ids = access.planning_schools(current_user, partnership)
    return sorted((orgs[i] for i in ids if i in orgs), key=lambda org: org.name)


def _activity_values(form):
    def org_id(field):
        if field is None or not field.data:
            return None
        # one of the field's own choices (the partnership's members the user may plan for)
        offered = {int(c.value): int(c.value) for c in field.choices if c.value}
        found = scope.chosen(
            field.data, offered, source="form", name=field.name, kind="organization"
        )
        return -1 if found is None else found  # -1: refused like any id that is no member

    values = {name: getattr(form, name).data for name in PLAN_FIELDS}
    values["languages"] = list(form.languages.data or [])
    for name in ORG_FIELDS:
        values[name] = org_id(getattr(form, name, None))
    return values


def _show_every_error(db, form, partnership, activity=None):
    """The form refused some fields: the rules' word on the others shows in the same page."""
    errors = service.check_activity(
        db, actor=current_user, partnership=partnership, activity=activity, **_activity_values(form)
    )
    apply_errors(form, Invalid(errors))


@bp.route("/partnerships/<int:partnership_id>/activities/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def activity_new(partnership_id):
    db = get_session()
    partnership = load_partnership(partnership_id)
    if not access.manages_activities_of(current_user, partnership):
        abort(403)
    form = _activity_form(db, partnership)
    if form.validate_on_submit():
        try:
            activity = service.create_activity(
                db, actor=current_user, partnership=partnership, **_activity_values(form)
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("The activity was planned. Add its participants next."), "success")
            return _back(activity, "participants")
    elif refused_by_form(form):
        _show_every_error(db, form, partnership)
    return render_template(
        "exchange/activity_form.html",
        form=form,
        partnership=partnership,
        activity=None,
        orgs=queries.organizations_of_partnerships(db, [partnership]),
    )


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def activity_edit(activity_id):
    db = get_session()
    activity, partnership = load_activity(activity_id, manage=True)
    form = _activity_form(db, partnership, activity)
    if form.validate_on_submit():
        try:
            service.update_activity(
                db,
                actor=current_user,
                activity=activity,
                partnership=partnership,
                **_activity_values(form),
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("Changes saved."), "success")
            return _back(activity)
    elif refused_by_form(form):
        _show_every_error(db, form, partnership, activity)
    return render_template(
        "exchange/activity_form.html",
        form=form,
        partnership=partnership,
        activity=activity,
        orgs=queries.organizations_of_partnerships(db, [partnership]),
    )


def _participant_form(db, partnership, activity, posted=False):
    """The add-participant form; `posted` reads the request's fields (only its own POST)."""
    form = ParticipantForm(prefix="p") if posted else ParticipantForm(prefix="p", formdata=None)
    people = queries.candidate_people(db, partnership, viewer=current_user, activity=activity)
    form.people = {u.id: u for u in people}
    # a teacher may take part through a second school: their home school is named
    home_ids = sorted({u.organization_id for u in people if u.organization_id})
    found = db.exec(select(Organization).where(col(Organization.id).in_(home_ids))).all()
    orgs = {org.id: org for org in found}
    form.user_id.choices = choices(
        ((u.id, f"{u.full_name} ({orgs[u.organization_id].name})") for u in people), "—"
    )
    return form


@bp.route("/activities/<int:activity_id>")
@login_required
def activity(activity_id):
    return _activity_page(*load_activity(activity_id))


def _activity_page(activity, partnership, **forms):
    db = get_session()
    manages = access.manages_activities_of(current_user, partnership, activity)
    participants, reflections, attachments = queries.activity_details(db, activity)
    joined = {user.id for _, user in participants if user is not None}
    own_reflection = next((r for r, user in reflections if user.id == current_user.id), None)
    if manages and activity.status != ActivityStatus.CANCELLED:
        forms.setdefault("participant_form", _participant_form(db, partnership, activity))
        forms.setdefault("attachment_form", AttachmentForm(prefix="a"))
    if manages and activity.status == ActivityStatus.PLANNED:
        forms.setdefault("cancel_form", CancelForm(prefix="c"))
    if activity.status == ActivityStatus.COMPLETED and current_user.id in joined:
        forms.setdefault(
            "reflection_form",
            ReflectionForm(prefix="r", body=own_reflection.body if own_reflection else None),
        )
    return render_template(
        "exchange/activity.html",
        activity=activity,
        partnership=partnership,
        orgs=queries.organizations_of_partnerships(db, [partnership], [activity]),
        participants=participants,
        reflections=reflections,
        attachments=attachments,
        manages=manages,
        shows_name=lambda person: access.shows_name(current_user, person),
        hours_limit=participation.hours_limit(activity),
        **forms,
    )


@bp.route("/activities/<int:activity_id>/complete", methods=["GET", "POST"])
@roles_required(*STAFF)
def activity_complete(activity_id):
    db = get_session()
    activity, partnership = load_activity(activity_id, manage=True)
    form = CompleteForm()
    form.hours.description = participation.report_hours_help(activity)
    participants, _reflections, _attachments = queries.activity_details(db, activity)
    rows = [
        {
            "participant": participant,
            "person": person,
            "field": service.participant_field(participant.id),
            "value": _hours_value(participant),
            "errors": [],
        }
        for participant, person in participants
    ]
    if request.method == "POST":
        given = _participant_hours(rows)
        if form.validate_on_submit() and not any(row["errors"] for row in rows):
            try:
                service.complete_activity(
                    db,
                    actor=current_user,
                    activity=activity,
                    outcomes=form.outcomes.data,
                    hours=form.hours.data,
                    follow_up=form.follow_up.data,
                    participant_hours=given,
                )
            except Invalid as refused:
                db.rollback()
                _show_row_errors(form, rows, refused)
            else:
                flash(_("The activity is completed and its report saved."), "success")
                return _back(activity)
    return render_template(
        "exchange/complete.html",
        form=form,
        activity=activity,
        partnership=partnership,
        rows=rows,
        shows_name=lambda person: access.shows_name(current_user, person),
    )


def _hours_value(participant):
    """A participant's hours as the report form shows them: empty means the report's hours."""
    if not participant.hours:
        return ""
    return format_decimal(participant.hours, format="#,##0.#")


def _participant_hours(rows):
    """The hours typed for each participant ({participant id: Decimal or None}); a row that is
    not a number gets its error."""
    given = {}
    for row in rows:
        raw = request.form.get(row["field"], "").strip()
        row["value"] = raw
        if not raw:
            given[row["participant"].id] = None
            continue
        try:
            given[row["participant"].id] = read_number(raw, get_locale())
        except ValueError:
            row["errors"].append(_("Enter a number of hours, such as 6 or 7,5."))
    return given


def _show_row_errors(form, rows, refused):
    by_field = {row["field"]: row for row in rows}
    others = []
    for error in refused.errors:
        row = by_field.get(error.get("field"))
        if row is not None:
            row["errors"].append(error["message"])
        else:
            others.append(error)
    apply_errors(form, Invalid(others))


@bp.route("/activities/<int:activity_id>/cancel", methods=["POST"])
@roles_required(*STAFF)
def activity_cancel(activity_id):
    db = get_session()
    activity, partnership = load_activity(activity_id, manage=True)
    form = CancelForm(prefix="c")
    if form.validate_on_submit():
        try:
            service.cancel_activity(
                db, actor=current_user, activity=activity, reason=form.reason.data
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("The activity was cancelled."), "success")
            return _back(activity)
    return _activity_page(activity, partnership, cancel_form=form), 422


@bp.route("/activities/<int:activity_id>/participants", methods=["POST"])
@roles_required(*STAFF)
def participant_add(activity_id):
    db = get_session()
    activity, partnership = load_activity(activity_id, manage=True)
    form = _participant_form(db, partnership, activity, posted=True)
    if form.validate_on_submit():
        raw = (form.user_id.data or "").strip()
        # only someone the list offered: anything else gets the list's one refusal
        person = scope.chosen(raw, form.people, source="form", name="p-user_id", kind="user")
        try:
            participation.add_participant(
                db,
                actor=current_user,
                activity=activity,
                partnership=partnership,
                # anything that is not an id on the list gets the list's one refusal
                user_id=(person.id if person else 0) if raw else None,
                guest_name=form.guest_name.data,
                guest_affiliation=form.guest_affiliation.data,
                role=form.role.data,
                hours=form.hours.data,
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("Participant added."), "success")
            return _back(activity, "participants")
    return _activity_page(activity, partnership, participant_form=form), 422


def _typed_hours(raw):
    """Hours as typed in the page's language, or the text itself for the rules to refuse."""
    try:
        return read_number(raw, get_locale())
    except ValueError:
        return raw


def _participant_or_404(activity, participant_id):
    participant = get_session().get(ActivityParticipant, participant_id)
    if participant is None or participant.activity_id != activity.id:
        abort(404)
    return participant


@bp.route("/activities/<int:activity_id>/participants/<int:participant_id>", methods=["POST"])
@roles_required(*STAFF)
def participant_update(activity_id, participant_id):
    db = get_session()
    activity, _partnership = load_activity(activity_id, manage=True)
    participant = _participant_or_404(activity, participant_id)
    try:
        participation.update_participant(
            db,
            actor=current_user,
            activity=activity,
            participant=participant,
            role=request.form.get("role", ""),
            hours=_typed_hours(request.form.get("hours", "")),
        )
    except Invalid as refused:
        db.rollback()
        flash(" ".join(str(e["message"]) for e in refused.errors), "error")
    else:
        flash(_("Participant updated."), "success")
    return _back(activity, "participants")


@bp.route(
    "/activities/<int:activity_id>/participants/<int:participant_id>/remove", methods=["POST"]
)
@roles_required(*STAFF)
def participant_remove(activity_id, participant_id):
    db = get_session()
    activity, _partnership = load_activity(activity_id, manage=True)
    participant = _participant_or_404(activity, participant_id)
    try:
        participation.remove_participant(
            db, actor=current_user, activity=activity, participant=participant
        )
    except Invalid as refused:
        db.rollback()
        flash(refused.errors[0]["message"], "error")
    else:
        flash(_("Participant removed."), "success")
    return _back(activity, "participants")


@bp.route("/activities/<int:activity_id>/reflection", methods=["POST"])
@login_required
def reflection_save(activity_id):
    db = get_session()
    activity, partnership = load_activity(activity_id)
    form = ReflectionForm(prefix="r")
    if form.validate_on_submit():
        try:
            participation.save_reflection(
                db, actor=current_user, activity=activity, body=form.body.data
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("Your reflection was saved."), "success")
            return _back(activity, "reflections")
    return _activity_page(activity, partnership, reflection_form=form), 422


@bp.route("/activities/<int:activity_id>/attachments", methods=["POST"])
@roles_required(*STAFF)
def attachment_add(activity_id):
    db = get_session()
    activity, partnership = load_activity(activity_id, manage=True)
    form = AttachmentForm(prefix="a")
    upload = form.attachment.data
    if form.validate_on_submit():
        if not upload or not getattr(upload, "filename", ""):
            form.attachment.errors.append(_("Choose a file."))
        else:
            try:
                participation.add_attachment(
                    db,
                    actor=current_user,
                    activity=activity,
                    stream=upload.stream,
                    filename=upload.filename,
                )
            except Invalid as refused:
                db.rollback()
                apply_errors(form, refused)
            else:
                flash(_("The file was attached."), "success")
                return _back(activity, "attachments")
    return _activity_page(activity, partnership, attachment_form=form), 422


def _attachment_or_404(activity, attachment_id):
    attachment = get_session().get(ActivityAttachment, attachment_id)
    if attachment is None or attachment.activity_id != activity.id:
        abort(404)
    return attachment


@bp.route("/activities/<int:activity_id>/attachments/<int:attachment_id>")
@login_required
def attachment(activity_id, attachment_id):
    activity, _partnership = load_activity(activity_id)
    attachment = _attachment_or_404(activity, attachment_id)
    # An attachment always downloads (a PDF opened in the browser's viewer is still a document
    # from someone else); the page links it, nothing embeds it.
    return uploads.send_stored(
        attachment.stored_name, attachment.mime_type, attachment.original_name, inline=False
    )


@bp.route("/activities/<int:activity_id>/attachments/<int:attachment_id>/remove", methods=["POST"])
@roles_required(*STAFF)
def attachment_remove(activity_id, attachment_id):
    db = get_session()
    activity, _partnership = load_activity(activity_id, manage=True)
    attachment = _attachment_or_404(activity, attachment_id)
    participation.remove_attachment(
        db, actor=current_user, activity=activity, attachment=attachment
    )
    flash(_("The file was removed."), "success")
    return _back(activity, "attachments")
