"""Exchange pages: partnerships, activity lists, the month calendar, exports and the school feed.

Partnership pages live in exchange.partnership_views and the pages of a single activity in
exchange.activity_views, both on this blueprint.
"""

import re
from datetime import date, timedelta

from babel.dates import get_day_names
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
from flask_babel import force_locale, format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from eduplatform.auth.access import login_required, roles_required
from eduplatform.clock import local_today
from eduplatform.db import get_session
from eduplatform.exchange import access, exports, queries, service, times
from eduplatform.exchange.forms import LABELS, language_name
from eduplatform.exchange.models import Partnership
from eduplatform.exchange.participation import person_participation
from eduplatform.i18n import format_money, org_name
from eduplatform.ids import page_arg
from eduplatform.people.models import Organization, OrgKind, Role, User
from eduplatform.urls import public_host, public_url

bp = Blueprint("exchange", __name__, url_prefix="/exchange")

STAFF = (Role.TEACHER, Role.AUTHOR, Role.OFFICE, Role.ADMIN)
PER_PAGE = 50


@bp.app_context_processor
def exchange_template_helpers():
    """Labels and number formats for exchange templates; the profile page gets the user's
    participation for templates/exchange/_participation.html."""
    helpers = {
        "exchange_labels": LABELS,
        "money": format_money,
        "hours_text": lambda hours: format_decimal(hours, format="#,##0.#"),
        "activity_when": times.describe,
        "partnership_name": partnership_name,
        "language_name": language_name,
    }
    if request.endpoint == "auth.profile" and current_user.is_authenticated:
        helpers["exchange_participation"] = person_participation(get_session(), current_user)
    return helpers


def partnership_name(partnership, orgs):
    """ "School – partner" (or "Education office – partner" for a city-wide partnership)."""
    side = org_name(orgs.get(partnership.school_id))
    partner = partnership.partner_name or ""
    if partnership.partner_id in orgs:
        partner = org_name(orgs[partnership.partner_id])
    return f"{side} – {partner}"


def load_partnership(partnership_id):
    """The partnership, or 404 when it does not exist or is outside the user's scope."""
    partnership = get_session().get(Partnership, partnership_id)
    if partnership is None or not access.sees_partnership(current_user, partnership):
        abort(404)
    return partnership


def csv_response(content, name):
    response = Response(content, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- activity lists -----------------------------------------------------------------------------


def _filters():
    filters = queries.ActivityFilters.from_args(request.args)
    if filters.when is None and not request.args:
        filters = queries.ActivityFilters(when="upcoming")
    return filters


def _list_context(db, rows):
    partnerships = [p for _, p in rows]
    activities = [a for a, _ in rows]
    return {
        "orgs": queries.organizations_of_partnerships(db, partnerships, activities),
        "counts": queries.participant_counts(db, [a.id for a in activities]),
    }


def _filter_choices(db):
    partnerships = queries.list_partnerships(db, viewer=current_user)
    return {
        "partnership_choices": partnerships,
        "choice_orgs": queries.organizations_of_partnerships(db, partnerships),
        "schools": queries.schools(db) if current_user.role in access.EVERYTHING else [],
    }


@bp.route("/")
@login_required
def index():
    if current_user.role == Role.STUDENT:
        return redirect(url_for("exchange.my_exchanges"))
    return redirect(url_for("exchange.activities"))


@bp.route("/activities")
@roles_required(*STAFF)
def activities():
    db = get_session()
    filters = _filters()
    page = page_arg()
    rows, total = queries.list_activities(
        db, viewer=current_user, filters=filters, page=page, per_page=PER_PAGE
    )
    return render_template(
        "exchange/activities.html",
        rows=rows,
        total=total,
        page=page,
        per_page=PER_PAGE,
        filters=filters,
        **_list_context(db, rows),
        **_filter_choices(db),
    )


@bp.route("/activities.csv")
@roles_required(*STAFF)
def activities_csv():
    db = get_session()
    filters = _filters()
    rows, _total = queries.list_activities(db, viewer=current_user, filters=filters, per_page=None)
    context = _list_context(db, rows)
    parts = [filters.when, filters.kind, filters.status]
    if filters.since or filters.until:
        parts.append(f"{filters.since or ''}--{filters.until or ''}")
    if filters.partnership_id:
        parts.append(f"partnership-{filters.partnership_id}")
    if filters.school_id:
        parts.append(f"school-{filters.school_id}")
    return csv_response(
        exports.csv_bytes(
            exports.ACTIVITY_HEADER,
            exports.activity_rows(rows, context["orgs"], context["counts"]),
        ),
        exports.file_name("exchange-activities", parts, local_today()),
    )


def _weekday_names():
    names = get_day_names("abbreviated", locale=get_locale())
    return [names[day] for day in range(7)]  # Monday first, like the grid


MONTH_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$")
CALENDAR_YEARS = (2000, 2100)


def _calendar_month(raw, today):
    """(first day of the asked month, None), or (None, why the month was refused)."""
    if not raw:
        return today.replace(day=1), None
    match = MONTH_RE.match(raw)
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None, _("Enter a month as YYYY-MM.")
    first, last = CALENDAR_YEARS
    if not first <= int(match.group(1)) <= last:
        return None, _(
            "Choose a month from %(first)s to %(last)s.", first=f"{first}-01", last=f"{last}-12"
        )
    return date(int(match.group(1)), int(match.group(2)), 1), None


@bp.route("/calendar")
@roles_required(*STAFF)
def month_calendar():
    db = get_session()
    today = local_today()
    raw_month = request.args.get("month", "").strip()
    first, month_error = _calendar_month(raw_month, today)
    filters = queries.ActivityFilters.from_args(request.args)
    if month_error:
        page = render_template(
            "exchange/calendar.html",
            first=None,
            month_value=raw_month,
            month_error=month_error,
            filters=filters,
            **_filter_choices(db),
        )
        return page, 400
    rows, by_day = queries.activities_in_month(
        db, viewer=current_user, filters=filters, year=first.year, month=first.month
    )
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return render_template(
        "exchange/calendar.html",
        first=first,
        today=today,
        weeks=queries.month_grid(first.year, first.month),
        weekdays=_weekday_names(),
        by_day=by_day,
        rows=rows,
        previous=previous,
        following=following,
        filters=filters,
        **_list_context(db, rows),
        **_filter_choices(db),
    )


# -- a person's exchanges -----------------------------------------------------------------------


def _person_or_404(user_id):
    person = get_session().get(User, user_id)
    if person is None or not access.sees_person(current_user, person):
        abort(404)
    return person


@bp.route("/me")
@login_required
def my_exchanges():
    return person(current_user.id)


@bp.route("/people/<int:user_id>")
@login_required
def person(user_id):
    db = get_session()
    person = _person_or_404(user_id)
    return render_template(
        "exchange/person.html",
        person=person,
        summary=person_participation(db, person),
        organization=db.get(Organization, person.organization_id)
        if person.organization_id
        else None,
    )


@bp.route("/people/<int:user_id>/exchanges.csv")
@login_required
def person_csv(user_id):
    person = _person_or_404(user_id)
    summary = person_participation(get_session(), person)
    return csv_response(
        exports.csv_bytes(
            exports.PARTICIPATION_HEADER, exports.participation_rows(summary["rows"])
        ),
        exports.file_name("exchanges", [f"user-{person.id}"], local_today()),
    )


# -- the school's calendar feed -----------------------------------------------------------------


def _feed_school_or_404(npsn):
    school = (
        get_session()
        .exec(
            select(Organization).where(
                Organization.npsn == npsn, Organization.kind == OrgKind.SCHOOL
            )
        )
        .first()
    )
    if (
        school is None
        or current_user.role not in (Role.TEACHER, Role.OFFICE, Role.ADMIN)
        or (current_user.role == Role.TEACHER and school.id not in access.own_orgs(current_user))
    ):
        abort(404)
    return school


@bp.route("/feed")
@roles_required(Role.TEACHER)
def my_school_feed():
    school = get_session().get(Organization, current_user.organization_id)
    if school is None or not school.npsn:
        abort(404)
    return redirect(url_for("exchange.feed_settings", npsn=school.npsn))


@bp.route("/schools/<npsn>/feed", methods=["GET", "POST"])
@roles_required(Role.TEACHER, Role.OFFICE, Role.ADMIN)
def feed_settings(npsn):
    """The school's calendar address; making a new one (which cuts off every subscription)
    asks once, naming what will happen."""
    db = get_session()
    school = _feed_school_or_404(npsn)
    key = service.feed_key(db, school)
    if request.method == "POST":
        if key is not None and request.form.get("confirm") != "1":
            return render_template("exchange/feed_renew.html", school=school)
        service.renew_feed_key(db, actor=current_user, school=school)
        if key is None:
            flash(_("The calendar address was made: subscribe to it in a calendar app."), "success")
        else:
            flash(
                _(
                    "A new calendar address was made. Calendars subscribed to the old one no "
                    "longer receive activities: subscribe again with the new address."
                ),
                "success",
            )
        return redirect(url_for("exchange.feed_settings", npsn=npsn))
    feed_url = public_url("exchange.feed", npsn=npsn, key=key) if key is not None else None
    return render_template(
        "exchange/feed.html", school=school, feed_url=feed_url, webcal_url=webcal(feed_url)
    )


def webcal(url):
    """The webcal:// form of a feed address, which phones open in their calendar app."""
    if not url:
        return None
    return "webcal://" + url.split("://", 1)[1]


# The language a school's calendar is named in: the country's (the app's default elsewhere).
COUNTRY_LANGUAGES = {"ID": "id", "CN": "zh"}


def feed_name(school):
    """The calendar's name, in the school's language."""
    language = (
        COUNTRY_LANGUAGES.get(school.country or "") or current_app.config["BABEL_DEFAULT_LOCALE"]
    )
    with force_locale(language):
        return _("Exchange activities · %(school)s", school=school.name)


@bp.route("/schools/<npsn>/activities.ics")
def feed(npsn):
    """The school's activities for calendar apps; the key in the address is the only credential."""
    db = get_session()
    school = service.school_for_feed(db, npsn=npsn, key=request.args.get("key", ""))
    if school is None:
        abort(404)
    body = exports.ics_bytes(
        feed_name(school), queries.feed_activities(db, school), host=public_host()
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="exchange-{npsn}.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


from eduplatform.exchange import activity_views, partnership_views  # noqa: E402, F401
