"""Every route of the app, as every role, with objects of their own school and of another.

The table below is the expected answer of each route (from Flask's URL map: a route missing
from the table fails the test, so a new route cannot be forgotten) for each role:
`role=answer`, or `role=own/other` when the answer differs between an object of the user's own
side (school A, its university, the user's own records) and one of another school (side B).
Answers: a status code; `login` (sent to sign in, or 401 for the API); `ok` for a write that
reached its view (it may succeed, refuse the empty form or conflict: see crawl.outcome).
/api/v1 routes are called with the role's bearer token instead of the session cookie.

While walking, every response must carry the security headers, every cookie its flags, no
answer may be a 5xx, and the reads (GET) of each role must leave every table unchanged.
"""

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from eduplatform.db import get_engine
from eduplatform.ops.backup import table_checksums
from tests.security.crawl import ROLES, WRITE_METHODS, outcome, routes, sign_in, visit

# Rows that many routes share.
PUBLIC = "anon=200 student=200 teacher=200 author=200 office=200 admin=200"
NOWHERE = "anon=404 student=404 teacher=404 author=404 office=404 admin=404"
SIGNED_IN = "anon=login student=200 teacher=200 author=200 office=200 admin=200"
ADMIN_ONLY = "anon=login student=403 teacher=403 author=403 office=403 admin=200"
ADMIN_WRITES = "anon=login student=403 teacher=403 author=403 office=403 admin=ok"
OFFICE_AND_ADMIN = "anon=login student=403 teacher=403 author=403 office=200 admin=200"
OFFICE_AND_ADMIN_WRITE = "anon=login student=403 teacher=403 author=403 office=ok admin=ok"

EXPECTED = {
    "GET /": PUBLIC,
    "GET /.well-known/jwks.json": PUBLIC,
    "GET /activate": "anon=200 student=302 teacher=302 author=302 office=302 admin=302",
    "GET /admin/audit/": ADMIN_ONLY,
    "GET /admin/organizations": ADMIN_ONLY,
    "GET /admin/students/<int:student_id>/privacy": ADMIN_ONLY,
    "GET /admin/students/<int:student_id>/privacy/anonymise": ADMIN_ONLY,
    "GET /admin/users": ADMIN_ONLY,
    "GET /admin/users/<int:user_id>": ADMIN_ONLY,
    "GET /admin/users/new": ADMIN_ONLY,
    "GET /api/v1/": NOWHERE,
    "GET /api/v1/<path:path>": NOWHERE,
    "GET /api/v1/activities": SIGNED_IN,
    "GET /api/v1/activities/<int:activity_id>": (
        "anon=login student=200/404 teacher=200/404 author=200/404 office=200 admin=200"
    ),
    "GET /api/v1/certificates": (
        "anon=login student=200 teacher=200 author=403 office=200 admin=200"
    ),
    "GET /api/v1/certificates/<code>": (
        "anon=login student=200/404 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /api/v1/certificates/<code>/credential": (
        "anon=login student=200/404 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /api/v1/cohorts": "anon=login student=403 teacher=200 author=403 office=200 admin=200",
    "GET /api/v1/cohorts/<int:cohort_id>/students": (
        "anon=login student=403 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /api/v1/completions": "anon=login student=200 teacher=200 author=403 office=200 admin=200",
    "GET /api/v1/completions/<int:completion_id>": (
        "anon=login student=200/404 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /api/v1/completions/<int:completion_id>/evidence": (
        "anon=login student=200/404 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /api/v1/docs": PUBLIC,
    "GET /api/v1/me": SIGNED_IN,
    "GET /api/v1/me/progress": SIGNED_IN,
    "GET /api/v1/modules": SIGNED_IN,
    "GET /api/v1/modules/<code:code>": SIGNED_IN,
    "GET /api/v1/openapi.json": PUBLIC,
    "GET /api/v1/partnerships": (
        "anon=login student=403 teacher=200 author=200 office=200 admin=200"
    ),
    "GET /api/v1/partnerships/<int:partnership_id>": (
        "anon=login student=403 teacher=200/404 author=200/404 office=200 admin=200"
    ),
    "GET /api/v1/programs": SIGNED_IN,
    "GET /api/v1/stats/summary": OFFICE_AND_ADMIN,
    "GET /api/v1/xapi/statements": OFFICE_AND_ADMIN,
    "GET /certificates": "anon=login student=200 teacher=200 author=403 office=200 admin=200",
    "GET /certificates/<code>": (
        "anon=login student=200/404 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /certificates/<code>/credential": (
        "anon=login student=200/404 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /certificates/<code>/pdf": (
        "anon=login student=200/404 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /classes/": "anon=login student=403 teacher=200 author=403 office=200 admin=200",
    "GET /classes/<int:cohort_id>": (
        "anon=login student=403 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /classes/<int:cohort_id>/edit": (
        "anon=login student=403 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /classes/<int:cohort_id>/import": (
        "anon=login student=403 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /classes/new": "anon=login student=403 teacher=200 author=403 office=200 admin=200",
    "GET /curriculum/": SIGNED_IN,
    "GET /curriculum/drafts/<int:version_id>": (
        "anon=login student=403 teacher=404 author=200/404 office=403 admin=200"
    ),
    "GET /curriculum/drafts/<int:version_id>/units/<int:unit_id>": (
        "anon=login student=403 teacher=404 author=200/404 office=403 admin=200"
    ),
    "GET /curriculum/drafts/<int:version_id>/units/new": (
        "anon=login student=403 teacher=404 author=200/404 office=403 admin=200"
    ),
    "GET /curriculum/modules/<code>": SIGNED_IN,
    "GET /curriculum/modules/<code>/history": SIGNED_IN,
    "GET /curriculum/modules/<code>/languages": SIGNED_IN,
    "GET /curriculum/modules/new": (
        "anon=login student=403 teacher=200 author=200 office=403 admin=200"
    ),
    "GET /dashboard/": "anon=login student=403 teacher=200 author=200 office=200 admin=200",
    "GET /dashboard/export/<name>.<fmt>": (
        "anon=login student=403 teacher=404 author=404 office=200 admin=200"
    ),
    "GET /dashboard/schools/<int:school_id>": (
        "anon=login student=403 teacher=200/404 author=404 office=200 admin=200"
    ),
    "GET /exchange/": "anon=login student=302 teacher=302 author=302 office=302 admin=302",
    "GET /exchange/activities": (
        "anon=login student=403 teacher=200 author=200 office=200 admin=200"
    ),
    "GET /exchange/activities.csv": (
        "anon=login student=403 teacher=200 author=200 office=200 admin=200"
    ),
    "GET /exchange/activities/<int:activity_id>": (
        "anon=login student=200/404 teacher=200/404 author=200/404 office=200 admin=200"
    ),
    "GET /exchange/activities/<int:activity_id>/attachments/<int:attachment_id>": (
        "anon=login student=200/404 teacher=200/404 author=200/404 office=200 admin=200"
    ),
    "GET /exchange/activities/<int:activity_id>/complete": (
        "anon=login student=403 teacher=200/404 author=200/404 office=200 admin=200"
    ),
    "GET /exchange/activities/<int:activity_id>/edit": (
        "anon=login student=403 teacher=200/404 author=200/404 office=200 admin=200"
    ),
    "GET /exchange/calendar": "anon=login student=403 teacher=200 author=200 office=200 admin=200",
    "GET /exchange/feed": "anon=login student=403 teacher=302 author=403 office=403 admin=403",
    "GET /exchange/me": SIGNED_IN,
    "GET /exchange/partnerships": (
        "anon=login student=403 teacher=200 author=200 office=200 admin=200"
    ),
    "GET /exchange/partnerships.csv": (
        "anon=login student=403 teacher=200 author=200 office=200 admin=200"
    ),
    "GET /exchange/partnerships/<int:partnership_id>": (
        "anon=login student=403 teacher=200/404 author=200/404 office=200 admin=200"
    ),
    "GET /exchange/partnerships/<int:partnership_id>/activities/new": (
        "anon=login student=403 teacher=200/404 author=200/404 office=200 admin=200"
    ),
    "GET /exchange/partnerships/<int:partnership_id>/edit": OFFICE_AND_ADMIN,
    "GET /exchange/partnerships/new": OFFICE_AND_ADMIN,
    "GET /exchange/people/<int:user_id>": (
        "anon=login student=200/404 teacher=200/404 author=404 office=200 admin=200"
    ),
    "GET /exchange/people/<int:user_id>/exchanges.csv": (
        "anon=login student=200/404 teacher=200/404 author=404 office=200 admin=200"
    ),
    "GET /exchange/schools/<npsn>/activities.ics": NOWHERE,
    "GET /exchange/schools/<npsn>/feed": (
        "anon=login student=403 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /healthz": PUBLIC,
    "GET /healthz/live": PUBLIC,
    "GET /issuers/<int:organization_id>": PUBLIC,
    "GET /login": "anon=200 student=302 teacher=302 author=302 office=302 admin=302",
    "GET /metrics": "anon=404 student=404 teacher=404 author=404 office=404 admin=200",
    "GET /passport/<slug>": PUBLIC,
    "GET /passport/settings": "anon=login student=200 teacher=403 author=403 office=403 admin=403",
    "GET /privacy": PUBLIC,
    "GET /profile": SIGNED_IN,
    "GET /schools/": OFFICE_AND_ADMIN,
    "GET /schools/<int:school_id>": OFFICE_AND_ADMIN,
    "GET /schools/<int:school_id>/edit": OFFICE_AND_ADMIN,
    "GET /schools/new": OFFICE_AND_ADMIN,
    "GET /static/<path:filename>": PUBLIC,
    "GET /students/<int:student_id>": (
        "anon=login student=403 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /training/completions/<int:completion_id>": (
        "anon=login student=200/404 teacher=200/404 author=404 office=200 admin=200"
    ),
    "GET /training/completions/<int:completion_id>/photo": (
        "anon=login student=200/404 teacher=200/404 author=404 office=200 admin=200"
    ),
    "GET /training/progress": "anon=login student=403 teacher=200 author=403 office=200 admin=200",
    "GET /training/progress/cohorts/<int:cohort_id>": (
        "anon=login student=403 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /training/progress/students/<int:student_id>": (
        "anon=login student=403 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /training/units/<int:unit_id>/log": (
        "anon=login student=200 teacher=403 author=403 office=403 admin=403"
    ),
    "GET /training/verification": (
        "anon=login student=403 teacher=200 author=403 office=403 admin=200"
    ),
    "GET /verify": PUBLIC,
    "GET /verify/<code>": PUBLIC,
    "DELETE /api/v1/": NOWHERE,
    "DELETE /api/v1/<path:path>": NOWHERE,
    "PATCH /api/v1/": NOWHERE,
    "PATCH /api/v1/<path:path>": NOWHERE,
    "PATCH /api/v1/activities/<int:activity_id>": (
        "anon=login student=403 teacher=ok/404 author=ok/404 office=ok admin=ok"
    ),
    "POST /activate": "anon=ok student=ok teacher=ok author=ok office=ok admin=ok",
    "POST /activation-codes": "anon=login student=403 teacher=ok author=403 office=ok admin=ok",
    "POST /activation-codes/csv": "anon=login student=403 teacher=ok author=403 office=ok admin=ok",
    "POST /activation-codes/sheet": (
        "anon=login student=403 teacher=ok author=403 office=ok admin=ok"
    ),
    "POST /admin/organizations": ADMIN_WRITES,
    "POST /admin/students/<int:student_id>/privacy/anonymise": ADMIN_WRITES,
    "POST /admin/students/<int:student_id>/privacy/export": ADMIN_WRITES,
    "POST /admin/users/<int:user_id>": ADMIN_WRITES,
    "POST /admin/users/<int:user_id>/active": ADMIN_WRITES,
    "POST /admin/users/new": ADMIN_WRITES,
    "POST /api/v1/": NOWHERE,
    "POST /api/v1/<path:path>": NOWHERE,
    "POST /api/v1/activities": "anon=login student=403 teacher=ok author=ok office=ok admin=ok",
    "POST /api/v1/activities/<int:activity_id>/complete": (
        "anon=login student=403 teacher=ok/404 author=ok/404 office=ok admin=ok"
    ),
    "POST /api/v1/completions": "anon=login student=ok teacher=403 author=403 office=403 admin=403",
    "POST /api/v1/completions/<int:completion_id>/approve": (
        "anon=login student=403 teacher=ok/404 author=403 office=403 admin=ok"
    ),
    "POST /api/v1/completions/<int:completion_id>/evidence": (
        "anon=login student=415 teacher=403 author=403 office=403 admin=403"
    ),
    "POST /api/v1/completions/<int:completion_id>/reject": (
        "anon=login student=403 teacher=ok/404 author=403 office=403 admin=ok"
    ),
    "POST /api/v1/partnerships": OFFICE_AND_ADMIN_WRITE,
    "POST /certificates/<code>": (
        "anon=login student=403/404 teacher=403/404 author=403 office=ok admin=ok"
    ),
    "POST /classes/<int:cohort_id>/edit": (
        "anon=login student=403 teacher=ok/404 author=403 office=ok admin=ok"
    ),
    "POST /classes/<int:cohort_id>/enrol": (
        "anon=login student=403 teacher=ok/404 author=403 office=ok admin=ok"
    ),
    "POST /classes/<int:cohort_id>/import": (
        "anon=login student=403 teacher=ok/404 author=403 office=ok admin=ok"
    ),
    "POST /classes/<int:cohort_id>/import/commit": (
        "anon=login student=403 teacher=ok/404 author=403 office=ok admin=ok"
    ),
    "POST /classes/new": "anon=login student=403 teacher=ok author=403 office=ok admin=ok",
    "POST /curriculum/drafts/<int:version_id>": (
        "anon=login student=403 teacher=404 author=ok/404 office=403 admin=ok"
    ),
    "POST /curriculum/drafts/<int:version_id>/discard": (
        "anon=login student=403 teacher=404 author=ok/404 office=403 admin=ok"
    ),
    "POST /curriculum/drafts/<int:version_id>/publish": (
        "anon=login student=403 teacher=404 author=ok/404 office=403 admin=ok"
    ),
    "POST /curriculum/drafts/<int:version_id>/units/<int:unit_id>": (
        "anon=login student=403 teacher=404 author=ok/404 office=403 admin=ok"
    ),
    "POST /curriculum/drafts/<int:version_id>/units/<int:unit_id>/move": (
        "anon=login student=403 teacher=404 author=ok/404 office=403 admin=ok"
    ),
    "POST /curriculum/drafts/<int:version_id>/units/<int:unit_id>/prerequisites": (
        "anon=login student=403 teacher=404 author=ok/404 office=403 admin=ok"
    ),
    "POST /curriculum/drafts/<int:version_id>/units/<int:unit_id>/remove": (
        "anon=login student=403 teacher=404 author=ok/404 office=403 admin=ok"
    ),
    "POST /curriculum/drafts/<int:version_id>/units/new": (
        "anon=login student=403 teacher=404 author=ok/404 office=403 admin=ok"
    ),
    "POST /curriculum/modules/<code>/draft": (
        "anon=login student=403 teacher=403 author=ok/403 office=403 admin=ok"
    ),
    "POST /curriculum/modules/<code>/versions/<int:number>/retire": (
        "anon=login student=403 teacher=403 author=ok/403 office=403 admin=ok"
    ),
    "POST /curriculum/modules/new": (
        "anon=login student=403 teacher=ok author=ok office=403 admin=ok"
    ),
    "POST /exchange/activities/<int:activity_id>/attachments": (
        "anon=login student=403 teacher=ok/404 author=ok/404 office=ok admin=ok"
    ),
    "POST /exchange/activities/<int:activity_id>/attachments/<int:attachment_id>/remove": (
        "anon=login student=403 teacher=ok/404 author=ok/404 office=ok admin=ok"
    ),
    "POST /exchange/activities/<int:activity_id>/cancel": (
        "anon=login student=403 teacher=ok/404 author=ok/404 office=ok admin=ok"
    ),
    "POST /exchange/activities/<int:activity_id>/complete": (
        "anon=login student=403 teacher=ok/404 author=ok/404 office=ok admin=ok"
    ),
    "POST /exchange/activities/<int:activity_id>/edit": (
        "anon=login student=403 teacher=ok/404 author=ok/404 office=ok admin=ok"
    ),
    "POST /exchange/activities/<int:activity_id>/participants": (
        "anon=login student=403 teacher=ok/404 author=ok/404 office=ok admin=ok"
    ),
    "POST /exchange/activities/<int:activity_id>/participants/<int:participant_id>": (
        "anon=login student=403 teacher=ok/404 author=ok/404 office=ok admin=ok"
    ),
    "POST /exchange/activities/<int:activity_id>/participants/<int:participant_id>/remove": (
        "anon=login student=403 teacher=ok/404 author=ok/404 office=ok admin=ok"
    ),
    "POST /exchange/activities/<int:activity_id>/reflection": (
        "anon=login student=ok/404 teacher=ok/404 author=ok/404 office=ok admin=ok"
    ),
    "POST /exchange/partnerships/<int:partnership_id>/activities/new": (
        "anon=login student=403 teacher=ok/404 author=ok/404 office=ok admin=ok"
    ),
    "POST /exchange/partnerships/<int:partnership_id>/edit": OFFICE_AND_ADMIN_WRITE,
    "POST /exchange/partnerships/new": OFFICE_AND_ADMIN_WRITE,
    "POST /exchange/schools/<npsn>/feed": (
        "anon=login student=403 teacher=ok/404 author=403 office=ok admin=ok"
    ),
    "POST /language": "anon=ok student=ok teacher=ok author=ok office=ok admin=ok",
    "POST /login": "anon=ok student=ok teacher=ok author=ok office=ok admin=ok",
    "POST /logout": "anon=login student=login teacher=login author=login office=login admin=login",
    "POST /passport/settings": "anon=login student=ok teacher=403 author=403 office=403 admin=403",
    "POST /profile": "anon=login student=ok teacher=ok author=ok office=ok admin=ok",
    "POST /profile/tokens": "anon=login student=ok teacher=ok author=ok office=ok admin=ok",
    "POST /profile/tokens/<int:token_id>/revoke": (
        "anon=login student=ok/404 teacher=ok/404 author=ok/404 office=ok/404 admin=ok/404"
    ),
    "POST /schools/<int:school_id>/active": OFFICE_AND_ADMIN_WRITE,
    "POST /schools/<int:school_id>/edit": OFFICE_AND_ADMIN_WRITE,
    "POST /schools/<int:school_id>/teachers": OFFICE_AND_ADMIN_WRITE,
    "POST /schools/<int:school_id>/teachers/new": OFFICE_AND_ADMIN_WRITE,
    "POST /schools/new": OFFICE_AND_ADMIN_WRITE,
    "POST /students/<int:student_id>/move": (
        "anon=login student=403 teacher=ok/404 author=403 office=ok admin=ok"
    ),
    "POST /students/<int:student_id>/withdraw": (
        "anon=login student=403 teacher=ok/404 author=403 office=ok admin=ok"
    ),
    "POST /training/completions/<int:completion_id>": (
        "anon=login student=403/404 teacher=ok/404 author=404 office=403 admin=ok"
    ),
    "POST /training/progress/students/<int:student_id>/consent": (
        "anon=login student=403 teacher=ok/404 author=403 office=403 admin=ok"
    ),
    "POST /training/units/<int:unit_id>/log": (
        "anon=login student=ok teacher=403 author=403 office=403 admin=403"
    ),
    "POST /training/verification/approve": (
        "anon=login student=403 teacher=ok author=403 office=403 admin=ok"
    ),
    "PUT /api/v1/": NOWHERE,
    "PUT /api/v1/<path:path>": NOWHERE,
}

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                    "X-Frame-Options")  # fmt: skip
SHORT = {"anonymous": "anon"}


def expected(key, role, side):
    answers = dict(part.split("=", 1) for part in EXPECTED[key].split())
    answer = answers[SHORT.get(role, role)]
    own, _sep, other = answer.partition("/")
    return other if side == "other" and other else own


def data_checksums(app):
    """Checksums of every table; an API token's last use is a timestamp, not data, so not it."""
    with get_engine(app).connect() as connection:
        sums = table_checksums(connection)
        tokens = SQLModel.metadata.tables["api_token"]
        kept = [c for c in tokens.columns if c.name != "last_used_at"]
        sums["api_token"] = sorted(tuple(map(str, r)) for r in connection.execute(select(*kept)))
    return sums


def check_response(found, problems):
    response = found.response
    where = f"{found.key} [{found.side}]"
    if found.status >= 500:
        problems.append(f"{where}: {found.status}")
    missing = [h for h in SECURITY_HEADERS if not response.headers.get(h)]
    if missing:
        problems.append(f"{where}: no {', '.join(missing)}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{where}: X-Content-Type-Options is not nosniff")
    for cookie in response.headers.getlist("Set-Cookie"):
        if "HttpOnly" not in cookie or "SameSite=Lax" not in cookie:
            problems.append(f"{where}: cookie without HttpOnly and SameSite=Lax: {cookie}")


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_table_says(app, world, role):
    client, api_client = app.test_client(), app.test_client()
    actor = None if role == "anonymous" else world.actor(role)
    token = world.tokens[actor.id]["api"] if actor else None
    if actor:
        sign_in(client, actor)
    api_installed = "api" in app.blueprints
    found_routes = routes(app)
    keys = {key for key, _rule, _method in found_routes}
    missing = sorted(keys - set(EXPECTED))
    stale = sorted(k for k in set(EXPECTED) - keys if api_installed or "/api/" not in k)
    assert not missing, "routes missing from EXPECTED (add a line for each):\n" + "\n".join(missing)
    assert not stale, "EXPECTED names routes that no longer exist:\n" + "\n".join(stale)

    problems, wrong = [], []
    before = data_checksums(app)
    reads_done = False
    for key, rule, method in found_routes:
        if method in WRITE_METHODS and not reads_done:
            changed = [t for t, s in data_checksums(app).items() if before[t] != s]
            assert not changed, f"GET requests as {role} changed tables {changed}"
            reads_done = True
        caller = api_client if rule.rule.startswith("/api/") else client
        for found in visit(caller, world, actor, key, rule, method, token):
            check_response(found, problems)
            want, got = expected(key, role, found.side), outcome(found)
            if want != got:
                wrong.append(f"{key} [{found.side}] {found.url}: expected {want}, got {got}")
    assert not problems, "\n".join(problems)
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
