"""Dashboard pages: the city (office, admin, author), one school (office, admin, its teachers)."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from eduplatform import scope as scoped
from eduplatform.auth.access import roles_required
from eduplatform.dashboard import (
    breakdowns,
    exports,
    increments,
    periods,
    placements,
    present,
    service,
)
from eduplatform.dashboard.cache import RenderCache
from eduplatform.dashboard.forms import filter_form
from eduplatform.dashboard.tables import Column, Table
from eduplatform.db import get_session
from eduplatform.errors import Invalid
from eduplatform.forms import apply_errors
from eduplatform.i18n import translated
from eduplatform.people.models import Role
from eduplatform.quality.figures import AGREEMENT_DEFINITION
from eduplatform.workbooks import XLSX

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

VIEWERS = (Role.OFFICE, Role.ADMIN, Role.TEACHER, Role.AUTHOR)
TABLES = (
    "figures",
    "months",
    "schools",
    "modules",
    "funnel",
    "activities",
    "cohorts",
    *placements.TABLE_NAMES,
)
WORKBOOK = "all"  # /dashboard/export/all.xlsx: every table of the page in one workbook


@bp.context_processor
def dashboard_helpers():
    return {"cell": present.cell, "as_of_text": present.as_of_text}


@bp.route("/")
@roles_required(*VIEWERS)
def index():
    if current_user.role == Role.TEACHER:  # one of their schools: the chosen one, or home
        chosen = scoped.query_id("school")  # 404 when unknown or not theirs
        return _page(school_id=chosen.id if chosen else current_user.organization_id)
    return _page()


@bp.route("/schools/<int:school_id>")
@roles_required(*VIEWERS)
def school(school_id):
    """One school's figures, classes and exchange (an author's request answers 404)."""
    return _page(school_id=school_id)


def _resolve(db, school_id=None):
    """(filters, None), or (None, the refusal) for unknown values; 404 outside the scope."""
    try:
        filters = service.resolve_filters(
            db, actor=current_user, args=request.args, school_id=school_id
        )
    except service.OutOfScope:
        abort(404)
    except Invalid as refused:
        return None, refused
    return filters, None


def _page(school_id=None, refused=None):
    """The page around its content, rendered once per data version, scope, language and query."""
    db = get_session()
    filters = None
    if refused is None:
        filters, refused = _resolve(db, school_id)
    scope = service.scope_of(current_user)
    if refused is not None:
        title, content = _content(db, scope, None, refused, school_id is not None)
        return render_template("dashboard/page.html", title=title, content=content), 400
    key = (
        increments.data_version(db),
        periods.local_now().date(),  # "this month" and "this term" move at midnight too
        request.endpoint,
        scope,
        str(get_locale()),
        school_id,
        tuple(sorted(request.args.items(multi=True))),
    )
    # The whole page of this session (its menu, language switch and CSRF token around the
    # content) is kept too: reading the dashboard again costs a lookup, not a rendering. A
    # pending flash message is shown once, so such a page is rendered and not kept.
    from eduplatform.notifications.views import unread_count  # the header's bell

    whole_key = (key, session.get("sid"), request.full_path, unread_count())
    # Only the current data version's pages are kept: every unit logged or reviewed moves it,
    # and a school day's would otherwise fill both caches with pages no one asks for again
    # (17 MB of a worker's memory in the load test, now a few pages).
    whole_pages = _cache("eduplatform.dashboard.whole_pages", size=256)
    contents = _cache("eduplatform.dashboard.pages", size=64)
    generation = key[:2]  # the data version and the day
    whole_pages.only(generation)
    contents.only(generation)
    keep = "_flashes" not in session
    page = whole_pages.get(whole_key) if keep else None
    if page is None:
        rendered = contents.get(key)
        if rendered is None:
            rendered = _content(db, scope, filters, None, school_id is not None)
            contents.put(key, rendered)
        title, content = rendered
        page = render_template("dashboard/page.html", title=title, content=content)
        if keep:
            whole_pages.put(whole_key, page)
    return page


def _cache(name, size):
    """This process's RenderCache called `name`."""
    return current_app.extensions.setdefault(name, RenderCache(size=size))


def _content(db, scope, filters, refused, school_page):
    """(title, the HTML inside <main>) for these filters, or the form with what was refused."""
    dashboard = None
    if filters is not None:
        dashboard = service.build(db, actor=current_user, filters=filters, school_page=school_page)
    modules = dashboard.modules if dashboard else breakdowns.all_modules(db, current_user)
    options = service.filter_options(db, actor=current_user, modules=modules)
    teacher_chooses = scope.kind == "school" and request.endpoint == "dashboard.index"
    form = filter_form(
        request.args,
        options,
        with_school=bool(options["schools"]) and (not school_page or teacher_chooses),
        every_school=scope.kind == "city",
        translate=translated,
    )
    if refused is not None:
        apply_errors(form, refused)
    context = {
        "dashboard": dashboard,
        "form": form,
        "scope": scope,
        "school_page": school_page,
        "schools_per_page": service.SCHOOLS_PER_PAGE,
        "agreement_definition": AGREEMENT_DEFINITION,
        "charts": present.draw_charts(dashboard) if dashboard else {},
        "export_args": filters.as_args() if filters else {},
        "school_link": lambda row: url_for(
            "dashboard.school", school_id=row["school_id"], **filters.as_args(school=None)
        ),
    }
    title = _("Dashboard")
    if school_page and dashboard:
        context["school"] = filters.school
        context.update(service.school_exchange(db, filters.school))
        title = f"{filters.school.name} · {title}"
    return title, Markup(render_template("dashboard/_content.html", **context))


@bp.route("/export/<name>.<fmt>")
@roles_required(*VIEWERS)
def export(name, fmt):
    """One table as CSV or XLSX, with the page's filters (or every table: see _workbook)."""
    if name == WORKBOOK and fmt == "xlsx":
        return _workbook()
    if name not in TABLES or fmt not in exports.FORMATS:
        abort(404)
    db = get_session()
    filters, refused = _resolve(db)
    if refused is not None:
        return _page(refused=refused)
    school_page = name == "cohorts"
    if school_page and filters.school is None:
        abort(404)
    dashboard = service.build(
        db, actor=current_user, filters=filters, tables={name}, school_page=school_page
    )
    table = _figures_table(dashboard) if name == "figures" else dashboard.table(name)
    if table is None:
        abort(404)
    now = periods.local_now()
    file_name = exports.file_name(name, filters.name_parts(), now, fmt)
    if fmt == "csv":
        response = Response(exports.csv_bytes(table), mimetype="text/csv")
    else:
        response = Response(exports.xlsx_bytes(table, _about(table, filters, now)), mimetype=XLSX)
    return _attachment(response, file_name)


def _every_table():
    """(None, (filters, dashboard, tables, school page?)) for the workbook and the printable
    report, or (the page with what was refused, None).

    The dashboard's tables, or with view=school (always for a teacher) those of a school's
    page, its classes included; view=school without a school answers 404, as cohorts does.
    """
    db = get_session()
    filters, refused = _resolve(db)
    if refused is not None:
        return _page(refused=refused), None
    school_page = (
        request.args.get("view") == "school" or service.scope_of(current_user).kind == "school"
    )
    if school_page and filters.school is None:
        abort(404)
    dashboard = service.build(
        db, actor=current_user, filters=filters, tables=set(TABLES), school_page=school_page
    )
    tables = [_figures_table(dashboard), *dashboard.tables.values()]
    return None, (filters, dashboard, tables, school_page)


def _workbook():
    """Every table the page shows, with its filters, in one XLSX: the sheet about the file
    first, then a sheet per table, each as its own export writes it (the same scope, the same
    suppression)."""
    refused_page, found = _every_table()
    if refused_page is not None:
        return refused_page
    filters, _dashboard, tables, school_page = found
    notes = {}
    for table in tables:
        if table.note:
            notes.setdefault(str(table.note), []).append(str(table.title))
    note = "\n".join(f"{', '.join(titles)}: {text}" for text, titles in notes.items())
    now = periods.local_now()
    what = ", ".join(str(table.title) for table in tables)
    about = _about_rows(_("Tables"), what, note, filters, now)
    name = "dashboard-school" if school_page else "dashboard"
    file_name = exports.file_name(name, filters.name_parts(), now, "xlsx", prefix="")
    response = Response(exports.workbook_bytes(tables, about), mimetype=XLSX)
    return _attachment(response, file_name)


@bp.route("/report.pdf")
@roles_required(*VIEWERS)
def report():
    """The printable report (PDF, in the page's language): the workbook's tables with the
    headline figures' definitions, the charts and the filters applied."""
    refused_page, found = _every_table()
    if refused_page is not None:
        return refused_page
    filters, dashboard, tables, school_page = found
    now = periods.local_now()
    # Each note is a sentence of its own (it ends with its full stop).
    notes = " ".join(sorted({str(t.note) for t in tables if t.note}))
    title = _("Dashboard")
    if school_page:
        title = f"{filters.school.name} · {title}"
    from eduplatform.dashboard.report import report_pdf  # reportlab: loaded when a report is made

    data = report_pdf(
        title=title,
        dashboard=dashboard,
        tables=tables,
        about=_about_rows(_("Report"), title, notes, filters, now),
        language=str(get_locale()),
        generated_at=now,
    )
    name = "report-school" if school_page else "report"
    file_name = exports.file_name(name, filters.name_parts(), now, "pdf")
    return _attachment(Response(data, mimetype="application/pdf"), file_name)


def _attachment(response, file_name):
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _figures_table(dashboard):
    columns = [
        Column("figure", _("Figure"), "text"),
        Column("value", _("Value")),
        Column("definition", _("How it is counted"), "text"),
        Column("as_of", _("Data as of"), "datetime"),
    ]
    rows = [
        {
            "figure": str(f.label),
            "value": f.value,
            "definition": str(f.definition),
            "as_of": f.as_of,
        }
        for f in dashboard.figures
    ]
    return Table("figures", _("Headline figures"), columns, rows)


def _about(table, filters, now):
    return _about_rows(_("Table"), table.title, table.note or "", filters, now)


def _about_rows(what_label, what, note, filters, now):
    """The sheet about the file: what it shows, its filters, when it was exported and where."""
    return [
        (what_label, what),
        (_("Academic year"), filters.academic_year or _("Every year")),
        (_("School"), filters.school.name if filters.school else _("Every school")),
        (_("Program"), filters.program.code if filters.program else _("Every program")),
        (_("Module"), filters.module.code if filters.module else _("Every module")),
        (_("From month"), filters.since or ""),
        (_("To month"), filters.until or ""),
        (_("Exported at"), now),
        (_("Time zone"), exports.zone_text(now)),
        (_("Note"), note),
    ]
