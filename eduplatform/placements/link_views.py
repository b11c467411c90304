"""The industry supervisor's pages, reached through a personal link without signing in.

Light pages for a cheap phone: the student's pending entries, approve or return each, approve a
whole week. They show nothing of the student but the name, the school and the journal. No
session is used: see eduplatform.placements.links for the forms' CSRF protection. The page
speaks the supervisor's language (chosen by the teacher), or the one picked with ?lang=.
"""

from datetime import date, timedelta

from flask import Blueprint, abort, g, make_response, redirect, render_template, request, url_for

from eduplatform import uploads
from eduplatform.db import get_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.extensions import csrf
from eduplatform.people.models import Organization, User
from eduplatform.placements import journal, links
from eduplatform.placements.blueprint import placement_labels
from eduplatform.placements.models import EntryStatus, JournalEntry, Supervisor
from eduplatform.placements.service import expected_units, unit_labels

bp = Blueprint("supervisor", __name__, url_prefix="/pkl")
bp.context_processor(placement_labels)
csrf.exempt(bp)  # the forms carry the link's own CSRF value (links.form_token)

MESSAGES = ("approved", "returned", "week", "conflict", "assessed")


@bp.after_request
def _private(response):
    # The token is in the URL: never cached, never sent on as a referrer.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _closed(state):
    status = 404 if state == links.LinkState.UNKNOWN else 410
    return render_template("placements/link_closed.html", state=state), status


def _load(db, token):
    """(link, placement, supervisor) of a usable link; otherwise a closed-link response."""
    state, link, placement = links.find_link(db, token)
    if link is not None:
        g.page_locale = db.get(Supervisor, link.supervisor_id).locale
    if state != links.LinkState.VALID:
        abort(make_response(*_closed(state)))
    return link, placement, db.get(Supervisor, link.supervisor_id)


def _check_post(link):
    # A browser says where a form came from: another site's page never gets through.
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        abort(403)
    if not links.check_form_token(link, request.form.get("csrf")):
        page = render_template("placements/link_closed.html", state="form_expired")
        abort(make_response(page, 400))


def _week_start(day):
    return day - timedelta(days=day.weekday())


def _page(db, token, link, placement, supervisor, error=None, status=200, error_entry=None):
    """The journal page; `error` refused a decision on `error_entry` (shown at that entry)."""
    pending = journal.entries_of(db, placement.id, statuses=[EntryStatus.PENDING])
    decided = [e for e in journal.entries_of(db, placement.id) if e.status != EntryStatus.PENDING]
    weeks = {}
    for entry in sorted(pending, key=lambda e: e.day):
        weeks.setdefault(_week_start(entry.day), []).append(entry)
    all_entries = pending + decided[:10]
    unit_ids = journal.entry_units(db, [e.id for e in all_entries])
    labels = unit_labels(db, expected_units(db, placement.id))
    student = db.get(User, placement.student_id)
    message = request.args.get("done")
    return render_template(
        "placements/link_page.html",
        token=token,
        link=link,
        placement=placement,
        supervisor=supervisor,
        student_name=student.full_name,
        school=db.get(Organization, placement.school_id),
        company=db.get(Organization, placement.company_id),
        weeks=weeks,
        decided=decided[:10],
        entry_units=unit_ids,
        unit_labels=labels,
        form_token=links.form_token(link),
        message=message if message in MESSAGES else None,
        error=error,
        error_entry=error_entry,
        lang=request.args.get("lang"),
    ), status


def _back(token, done):
    query = {"done": done}
    if request.args.get("lang"):
        query["lang"] = request.args["lang"]
    return redirect(url_for("supervisor.page", token=token, **query))


@bp.route("/<token>")
def page(token):
    db = get_session()
    link, placement, supervisor = _load(db, token)
    if link.purpose == "assessment":
        from eduplatform.placements.assessment_views import assessment_page

        return assessment_page(db, token, link, placement, supervisor)
    return _page(db, token, link, placement, supervisor)


@bp.route("/<token>/entries/<int:entry_id>", methods=["POST"])
def decide(token, entry_id):
    db = get_session()
    link, placement, supervisor = _load(db, token)
    _check_post(link)
    if link.purpose != "countersign":
        abort(404)
    try:
        decision = links.countersign(
            db,
            link=link,
            entry_id=entry_id,
            decision=request.form.get("decision", ""),
            comment=request.form.get("comment", ""),
        )
    except Invalid as refused:
        if not refused.errors[0].get("field"):
            abort(404)
        return _page(
            db, token, link, placement, supervisor, error=str(refused), status=422,
            error_entry=entry_id,
        )  # fmt: skip
    except Conflict:
        return _back(token, "conflict")
    return _back(token, "approved" if decision == EntryStatus.APPROVED else "returned")


@bp.route("/<token>/week", methods=["POST"])
def approve_week(token):
    db = get_session()
    link, placement, supervisor = _load(db, token)
    _check_post(link)
    if link.purpose != "countersign":
        abort(404)
    try:
        week = date.fromisoformat(request.form.get("week", ""))
    except ValueError:
        week = None
    try:
        links.approve_week(db, link=link, week_start=week)
    except Invalid as refused:
        return _page(db, token, link, placement, supervisor, error=str(refused), status=422)
    except Conflict:
        return _back(token, "conflict")
    return _back(token, "week")


def _link_photo(db, token, entry_id):
    """The entry's stored photo name, only for an entry of the link's own placement."""
    link, _placement, _supervisor = _load(db, token)
    entry = db.get(JournalEntry, entry_id)
    if entry is None or entry.placement_id != link.placement_id or not entry.photo_name:
        abort(404)
    return entry


@bp.route("/<token>/entries/<int:entry_id>/photo")
def entry_photo(token, entry_id):
    entry = _link_photo(get_session(), token, entry_id)
    return uploads.send_stored(entry.photo_name, entry.photo_mime_type, f"journal-{entry.id}.jpg")


@bp.route("/<token>/entries/<int:entry_id>/thumbnail")
def entry_thumbnail(token, entry_id):
    """A small square of the entry's photo made on the server: a cheap phone loads a few
    kilobytes per entry, not the photo. No-store like every page of the link (its token is in
    the URL), so no shared cache keeps it after the link ends."""
    entry = _link_photo(get_session(), token, entry_id)
    response = make_response(uploads.thumbnail(entry.photo_name).read_bytes())
    response.mimetype = "image/jpeg"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
