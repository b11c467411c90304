"""Every route of the app, as every role, with objects of their own school and of another.

The table below is the expected answer of each route (from Flask's URL map: a route missing
from the table fails the test, so a new route cannot be forgotten) for each role:
`role=answer`, or `role=own/other` when the answer differs between an object of the user's own
side (school A, its university, the user's own records) and one of another school (side B).
Answers: a status code; `login` (sent to sign in, or 401 for the API); `ok` for a write that
reached its view (it may succeed, refuse the empty form or conflict: see crawl.outcome).
/api/v1 routes are called with the role's bearer token instead of the session cookie.

Ids that arrive another way (the query string, a form field, a JSON body) are declared per
route in ID_PARAMETERS below, and each is driven with an id of the role's own side, of the other
side and an unknown (25-digit) one. While walking, the views' reads of request.args and
request.form are recorded (crawl.record_reads), and so are the scope guard's (eduplatform.scope):
a route that reads an id-like parameter it does not declare, or reads a declared one without the
guard, fails the test; so does an API input model with an undeclared id field.

While walking, every response must carry the security headers, every cookie its flags, no
answer may be a 5xx, and the reads (GET) of each role must leave every table unchanged.
"""

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from eduplatform.db import get_engine
from eduplatform.ops.backup import table_checksums
from tests.security.crawl import (
    ROLES,
    WRITE_METHODS,
    Id,
    Visit,
    api_id_fields,
    id_value,
    outcome,
    reads_of,
    record_reads,
    routes,
    sign_in,
    visit,
    visit_with_id,
)

# Rows that many routes share.
PUBLIC = "anon=200 student=200 teacher=200 author=200 office=200 admin=200"
NOWHERE = "anon=404 student=404 teacher=404 author=404 office=404 admin=404"
SIGNED_IN = "anon=login student=200 teacher=200 author=200 office=200 admin=200"
ADMIN_ONLY = "anon=login student=403 teacher=403 author=403 office=403 admin=200"
ADMIN_WRITES = "anon=login student=403 teacher=403 author=403 office=403 admin=ok"
OFFICE_AND_ADMIN = "anon=login student=403 teacher=403 author=403 office=200 admin=200"
OFFICE_AND_ADMIN_WRITE = "anon=login student=403 teacher=403 author=403 office=ok admin=ok"
# University quality reviewers: the author of side A reviews for University A.
REVIEWERS = "anon=login student=403 teacher=403 author=200 office=403 admin=403"
REVIEWERS_OWN = "anon=login student=403 teacher=403 author=200/404 office=403 admin=403"
# A supervisor's link: public, the token is the credential (tests/placements check its limits).
PUBLIC_WRITE = "anon=ok student=ok teacher=ok author=ok office=ok admin=ok"
# School staff: teachers (their schools' records), the office and admins (every school's).
STAFF = "anon=login student=403 teacher=200 author=403 office=200 admin=200"
STAFF_WRITE = "anon=login student=403 teacher=ok author=403 office=ok admin=ok"
PLACEMENT_MANAGERS = "anon=login student=403 teacher=200 author=403 office=403 admin=200"

EXPECTED = {
    "GET /": PUBLIC,
    "GET /.well-known/did.json": PUBLIC,
    "GET /.well-known/jwks.json": PUBLIC,
    "GET /account/password": PUBLIC,
    # what a credential's achievement.id names: the published version of either side's module
    "GET /achievements/<code>/v<int:number>": PUBLIC,
    # and a learner record's unit achievement id: a unit of it (JSON here, no Accept header)
    "GET /achievements/<code>/v<int:number>/units/<unit_code>": PUBLIC,
    # a placement certificate's achievement id: 404 until the school graded one at the company
    "GET /achievements/placements/<int:school_id>/<int:company_id>": NOWHERE,
    "GET /activate": "anon=200 student=302 teacher=302 author=302 office=302 admin=302",
    "GET /admin/audit/": ADMIN_ONLY,
    "GET /admin/invitations": OFFICE_AND_ADMIN,
    "GET /admin/organizations": ADMIN_ONLY,
    "GET /admin/organizations/<int:organization_id>": ADMIN_ONLY,
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
    "GET /api/v1/certificates/<code>/credential/jwt": (
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
    "GET /api/v1/placements": "anon=login student=200 teacher=200 author=403 office=200 admin=200",
    "GET /api/v1/placements/<int:placement_id>": (
        "anon=login student=200/404 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /api/v1/placements/<int:placement_id>/journal": (
        "anon=login student=200/404 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /api/v1/journal-entries/<int:entry_id>": (
        "anon=login student=200/404 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /api/v1/journal-entries/<int:entry_id>/photo": (
        "anon=login student=200/404 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /api/v1/programs": SIGNED_IN,
    "GET /api/v1/quality/actions": (
        "anon=login student=403 teacher=200 author=403 office=403 admin=403"
    ),
    "GET /api/v1/quality/samples": REVIEWERS,
    "GET /api/v1/quality/samples/<int:sample_id>": REVIEWERS_OWN,
    "GET /api/v1/quality/samples/<int:sample_id>/evidence": REVIEWERS_OWN,
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
    "GET /credentials/endorsements/status/<int:list_id>": PUBLIC,
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
    "GET /curriculum/modules/<code>/adopt": (
        "anon=login student=403 teacher=403 author=200 office=403 admin=403"
    ),
    "GET /curriculum/school-modules": (
        "anon=login student=403 teacher=403 author=200 office=200 admin=200"
    ),
    "GET /curriculum/modules/new": (
        "anon=login student=403 teacher=200 author=200 office=403 admin=200"
    ),
    "GET /dashboard/": "anon=login student=403 teacher=200 author=200 office=200 admin=200",
    "GET /dashboard/export/<name>.<fmt>": (
        "anon=login student=403 teacher=404 author=404 office=200 admin=200"
    ),
    "GET /dashboard/report.pdf": (
        "anon=login student=403 teacher=200 author=200 office=200 admin=200"
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
    "GET /forgot-password": PUBLIC,
    "GET /login": "anon=200 student=302 teacher=302 author=302 office=302 admin=302",
    "GET /manifest.webmanifest": PUBLIC,
    "GET /metrics": "anon=404 student=404 teacher=404 author=404 office=404 admin=200",
    "GET /notifications": SIGNED_IN,
    "GET /offline/session": "anon=login student=200 teacher=403 author=403 office=403 admin=403",
    "GET /passport/<slug>": PUBLIC,
    "GET /passport/<slug>/clr": PUBLIC,
    "GET /passport/clr": "anon=login student=200 teacher=403 author=403 office=403 admin=403",
    "GET /passport/settings": "anon=login student=200 teacher=403 author=403 office=403 admin=403",
    "GET /placements/": STAFF,
    "GET /placements/<int:placement_id>": (
        "anon=login student=403 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /placements/journal": "anon=login student=200 teacher=403 author=403 office=403 admin=403",
    "GET /placements/journal/<int:entry_id>/edit": (
        "anon=login student=200/404 teacher=403 author=403 office=403 admin=403"
    ),
    "GET /placements/journal/<int:entry_id>/photo": (
        "anon=login student=200/404 teacher=200/404 author=404 office=200 admin=200"
    ),
    "GET /placements/journal/new": (
        "anon=login student=200 teacher=403 author=403 office=403 admin=403"
    ),
    "GET /pkl/<token>": PUBLIC,
    "GET /pkl/<token>/entries/<int:entry_id>/photo": PUBLIC,
    "GET /pkl/<token>/entries/<int:entry_id>/thumbnail": PUBLIC,
    "GET /placements/<int:placement_id>/certificate.pdf": (
        "anon=login student=404 teacher=404 author=404 office=404 admin=404"
    ),  # the world's placements are not graded yet: no certificate
    "GET /placements/<int:placement_id>/credential": (
        "anon=login student=404 teacher=404 author=404 office=404 admin=404"
    ),  # not graded either: no credential
    "GET /placements/verify/<code>": NOWHERE,  # the crawl's code is a module certificate's
    "GET /placements/verify/<code>/credential": NOWHERE,
    "GET /placements/verify/<code>/credential.jwt": NOWHERE,
    "GET /placements/credentials/status/<int:list_id>": PUBLIC,
    "GET /placements/companies": STAFF,
    "GET /placements/companies/<int:company_id>": STAFF,
    "GET /placements/companies/new": STAFF,
    "GET /placements/new": PLACEMENT_MANAGERS,
    "GET /privacy": PUBLIC,
    "GET /sw.js": PUBLIC,
    "GET /profile": SIGNED_IN,
    "GET /rosters/template.csv": (
        "anon=login student=403 teacher=200 author=403 office=200 admin=200"
    ),
    "GET /rosters/template.xlsx": (
        "anon=login student=403 teacher=200 author=403 office=200 admin=200"
    ),
    "GET /schools/": OFFICE_AND_ADMIN,
    "GET /schools/<int:school_id>": OFFICE_AND_ADMIN,
    "GET /schools/<int:school_id>/edit": OFFICE_AND_ADMIN,
    "GET /schools/new": OFFICE_AND_ADMIN,
    "GET /schools/<int:school_id>/teachers/<int:teacher_id>/remove": OFFICE_AND_ADMIN,
    "GET /schools/<int:school_id>/teachers/<int:teacher_id>/reactivate": OFFICE_AND_ADMIN,
    "GET /schools/<int:school_id>/teachers/import": OFFICE_AND_ADMIN,
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
    "GET /training/completions/<int:completion_id>/thumbnail": (
        "anon=login student=200/404 teacher=200/404 author=404 office=200 admin=200"
    ),
    "GET /training/progress": "anon=login student=403 teacher=200 author=403 office=200 admin=200",
    "GET /training/progress/cohorts/<int:cohort_id>": (
        "anon=login student=403 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /training/progress/students/<int:student_id>": (
        "anon=login student=403 teacher=200/404 author=403 office=200 admin=200"
    ),
    "GET /training/completions/<int:completion_id>/dispute": (
        "anon=login student=200/404 teacher=403 author=403 office=403 admin=403"
    ),
    "GET /training/units/<int:unit_id>/log": (
        "anon=login student=200 teacher=403 author=403 office=403 admin=403"
    ),
    "GET /training/verification": (
        "anon=login student=403 teacher=200 author=403 office=403 admin=200"
    ),
    "GET /verify": PUBLIC,
    "GET /verify/<code>": PUBLIC,
    "GET /verify/<code>/credential": PUBLIC,
    "GET /verify/<code>/credential.jwt": PUBLIC,
    "GET /credentials/keys/<thumbprint>": NOWHERE,  # the crawl has no key's thumbprint
    "GET /credentials/status/<int:list_id>": PUBLIC,
    "GET /did.json": PUBLIC,
    "DELETE /api/v1/": NOWHERE,
    "DELETE /api/v1/<path:path>": NOWHERE,
    "PATCH /api/v1/": NOWHERE,
    "PATCH /api/v1/<path:path>": NOWHERE,
    "PATCH /api/v1/activities/<int:activity_id>": (
        "anon=login student=403 teacher=ok/404 author=ok/404 office=ok admin=ok"
    ),
    "POST /account/password": "anon=ok student=ok teacher=ok author=ok office=ok admin=ok",
    "POST /activate": "anon=ok student=ok teacher=ok author=ok office=ok admin=ok",
    "POST /activation-codes": "anon=login student=403 teacher=ok author=403 office=403 admin=ok",
    "POST /activation-codes/csv": "anon=login student=403 teacher=ok author=403 office=ok admin=ok",
    "POST /activation-codes/sheet": (
        "anon=login student=403 teacher=ok author=403 office=ok admin=ok"
    ),
    "POST /activation-codes/xlsx": (
        "anon=login student=403 teacher=ok author=403 office=ok admin=ok"
    ),
    "POST /admin/invitations": OFFICE_AND_ADMIN_WRITE,
    "POST /admin/invitations/<int:user_id>/resend": (
        "anon=login student=403 teacher=403 author=403 office=404 admin=404"
    ),
    "POST /admin/invitations/<int:user_id>/withdraw": (
        "anon=login student=403 teacher=403 author=403 office=404 admin=404"
    ),
    "POST /admin/organizations": ADMIN_WRITES,
    "POST /admin/organizations/<int:organization_id>": ADMIN_WRITES,
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
    "POST /api/v1/placements/<int:placement_id>/journal": (
        "anon=login student=ok/404 teacher=403 author=403 office=403 admin=403"
    ),
    "POST /api/v1/placements/<int:placement_id>/status": (
        "anon=login student=403 teacher=ok/404 author=403 office=403 admin=ok"
    ),
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
    "POST /classes/<int:cohort_id>/import/preview": (
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
    "POST /curriculum/modules/<code>/adapt": (
        "anon=login student=403 teacher=ok author=403 office=403 admin=403"
    ),
    "POST /curriculum/modules/<code>/adopt": (
        "anon=login student=403 teacher=403 author=ok office=403 admin=403"
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
    "POST /forgot-password": "anon=ok student=ok teacher=ok author=ok office=ok admin=ok",
    "POST /login": "anon=ok student=ok teacher=ok author=ok office=ok admin=ok",
    "POST /logout": "anon=login student=login teacher=login author=login office=login admin=login",
    "POST /notifications/<int:notification_id>/open": (
        "anon=login student=ok/404 teacher=ok/404 author=ok/404 office=ok/404 admin=ok/404"
    ),
    "POST /notifications/read": "anon=login student=ok teacher=ok author=ok office=ok admin=ok",
    "POST /notifications/settings": "anon=login student=ok teacher=ok author=ok office=ok admin=ok",
    "POST /passport/settings": "anon=login student=ok teacher=403 author=403 office=403 admin=403",
    "POST /placements/<int:placement_id>/units/<int:unit_id>/verify": (
        "anon=login student=403 teacher=ok/404 author=403 office=403 admin=ok"
    ),
    "POST /placements/<int:placement_id>/visits": (
        "anon=login student=403 teacher=ok/404 author=403 office=403 admin=ok"
    ),
    "POST /placements/<int:placement_id>/status": (
        "anon=login student=403 teacher=ok/404 author=403 office=403 admin=ok"
    ),
    "POST /placements/<int:placement_id>/accompany": (
        "anon=login student=403 teacher=ok/404 author=403 office=403 admin=403"
    ),
    "POST /placements/<int:placement_id>/links": (
        "anon=login student=403 teacher=ok/404 author=403 office=403 admin=ok"
    ),
    "GET /placements/<int:placement_id>/links/<int:link_id>": (
        "anon=login student=403 teacher=200/404 author=403 office=403 admin=200"
    ),
    "POST /placements/<int:placement_id>/links/<int:link_id>/revoke": (
        "anon=login student=403 teacher=ok/404 author=403 office=403 admin=ok"
    ),
    "POST /placements/journal/<int:entry_id>/edit": (
        "anon=login student=ok/404 teacher=403 author=403 office=403 admin=403"
    ),
    "POST /placements/journal/new": (
        "anon=login student=ok teacher=403 author=403 office=403 admin=403"
    ),
    "POST /pkl/<token>/entries/<int:entry_id>": PUBLIC_WRITE,
    "POST /pkl/<token>/week": PUBLIC_WRITE,
    "POST /pkl/<token>/assessment": PUBLIC_WRITE,
    "POST /placements/<int:placement_id>/grade": (
        "anon=login student=403 teacher=ok/404 author=403 office=403 admin=ok"
    ),
    "POST /placements/<int:placement_id>/certificate/revoke": (
        "anon=login student=403 teacher=403 author=403 office=404 admin=404"
    ),  # the office and admins revoke; the world's placements have no certificate yet
    "POST /placements/companies/<int:company_id>/supervisors": STAFF_WRITE,
    "POST /placements/companies/<int:company_id>/supervisors/<int:supervisor_id>/language": (
        STAFF_WRITE
    ),
    "POST /placements/companies/new": STAFF_WRITE,
    "POST /placements/new": "anon=login student=403 teacher=ok author=403 office=403 admin=ok",
    "POST /profile": "anon=login student=ok teacher=ok author=ok office=ok admin=ok",
    "POST /profile/tokens": "anon=login student=ok teacher=ok author=ok office=ok admin=ok",
    "POST /profile/tokens/<int:token_id>/revoke": (
        "anon=login student=ok/404 teacher=ok/404 author=ok/404 office=ok/404 admin=ok/404"
    ),
    "POST /schools/<int:school_id>/active": OFFICE_AND_ADMIN_WRITE,
    "POST /schools/<int:school_id>/edit": OFFICE_AND_ADMIN_WRITE,
    "POST /schools/<int:school_id>/teachers": OFFICE_AND_ADMIN_WRITE,
    "POST /schools/<int:school_id>/teachers/new": OFFICE_AND_ADMIN_WRITE,
    "POST /schools/<int:school_id>/teachers/import": OFFICE_AND_ADMIN_WRITE,
    "POST /schools/<int:school_id>/teachers/import/confirm": OFFICE_AND_ADMIN_WRITE,
    "POST /schools/<int:school_id>/teachers/<int:teacher_id>/remove": OFFICE_AND_ADMIN_WRITE,
    "POST /schools/<int:school_id>/teachers/<int:teacher_id>/reactivate": OFFICE_AND_ADMIN_WRITE,
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
    "POST /training/completions/<int:completion_id>/dispute": (
        "anon=login student=ok/404 teacher=403 author=403 office=403 admin=403"
    ),
    "POST /training/units/<int:unit_id>/log": (
        "anon=login student=ok teacher=403 author=403 office=403 admin=403"
    ),
    "POST /training/verification/approve": (
        "anon=login student=403 teacher=ok author=403 office=403 admin=ok"
    ),
    "GET /quality/actions/<int:action_id>": (
        "anon=login student=403 teacher=200/404 author=403 office=403 admin=403"
    ),
    "GET /quality/figures": REVIEWERS,
    "GET /quality/figures/<name>.<fmt>": REVIEWERS,
    "GET /quality/plans": REVIEWERS,
    "GET /quality/plans/<int:plan_id>": REVIEWERS_OWN,
    "GET /quality/plans/new": REVIEWERS,
    "GET /quality/my-samples": "anon=login student=403 teacher=200 author=403 office=403 admin=403",
    # naming reviewers: the admin's, for every university (the office's schools are sampled)
    "GET /quality/reviewers": ADMIN_ONLY,
    "GET /quality/reviewers/<int:university_id>": ADMIN_ONLY,
    "GET /quality/samples": REVIEWERS,
    "GET /quality/samples/<int:sample_id>": REVIEWERS_OWN,
    "GET /quality/samples/<int:sample_id>/photo": REVIEWERS_OWN,
    "GET /verify/<code>/endorsement": (
        "anon=200/404 student=200/404 teacher=200/404 author=200/404 office=200/404 admin=200/404"
    ),
    "POST /api/v1/quality/actions/<int:action_id>/answer": (
        "anon=login student=403 teacher=ok/404 author=403 office=403 admin=403"
    ),
    "POST /api/v1/quality/samples/<int:sample_id>/review": (
        "anon=login student=403 teacher=403 author=ok/404 office=403 admin=403"
    ),
    "POST /quality/actions/<int:action_id>": (
        "anon=login student=403 teacher=ok/404 author=403 office=403 admin=403"
    ),
    "POST /quality/plans/<int:plan_id>": (
        "anon=login student=403 teacher=403 author=ok/404 office=403 admin=403"
    ),
    "POST /quality/plans/new": "anon=login student=403 teacher=403 author=ok office=403 admin=403",
    "POST /quality/reviewers/<int:university_id>/<int:user_id>/grant": ADMIN_WRITES,
    "POST /quality/reviewers/<int:university_id>/<int:user_id>/revoke": ADMIN_WRITES,
    "POST /quality/samples/<int:sample_id>": (
        "anon=login student=403 teacher=403 author=ok/404 office=403 admin=403"
    ),
    "PUT /api/v1/": NOWHERE,
    "PUT /api/v1/journal-entries/<int:entry_id>": (
        "anon=login student=ok/404 teacher=403 author=403 office=403 admin=403"
    ),
    "PUT /api/v1/<path:path>": NOWHERE,
}

# Ids read from the query string ("query name"), a form ("form name") or a JSON body ("json name").
TEACHER_SCOPED = "teacher=200/404 office=200 admin=200"  # a school-scoped id on a staff page
ACTIVITY_BODY = {"kind": "joint_workshop", "title": "Bengkel baterai", "place": "Surakarta"}
PARTNERSHIP_BODY = {"kind": "university", "partner_name": "Politeknik Mitra", "status": "proposed"}
ID_PARAMETERS = {
    "GET /training/verification": {
        "query cohort": Id("cohort", "teacher=200/404 admin=200"),
        "query module": Id("module", "teacher=200 admin=200"),
        "query student": Id("student", "teacher=200/404 admin=200"),
    },
    "POST /training/verification/approve": {
        # a ticked list: the records the reviewer may not see are left out like unknown ones
        "form completion": Id("completion", "teacher=200/302 admin=200", unknown="302"),
    },
    "GET /training/completions/<int:completion_id>": {
        # the queue's filters, carried along so that a review leads on within them
        "query cohort": Id("cohort", "student=200/404 teacher=200/404 office=200 admin=200"),
        "query module": Id("module", "student=200 teacher=200 office=200 admin=200"),
        "query student": Id("student", "student=200/404 teacher=200/404 office=200 admin=200"),
    },
    "POST /training/completions/<int:completion_id>": {
        "query cohort": Id("cohort", "student=403/404 teacher=422/404 office=403 admin=422"),
        "query module": Id("module", "student=403 teacher=422 office=403 admin=422"),
        "query student": Id("student", "student=403/404 teacher=422/404 office=403 admin=422"),
    },
    "GET /training/progress/cohorts/<int:cohort_id>": {
        "query module": Id("module", "teacher=200 office=200 admin=200"),
    },
    "GET /dashboard/": {
        "query school": Id("school", "teacher=200/404 author=404 office=200 admin=200"),
    },
    "GET /dashboard/schools/<int:school_id>": {"query school": Id("school", TEACHER_SCOPED)},
    "GET /dashboard/export/<name>.<fmt>": {
        "query school": Id("school", "office=200 admin=200"),
    },
    "GET /dashboard/report.pdf": {
        "query school": Id("school", "teacher=200/404 author=404 office=200 admin=200"),
    },
    "GET /classes/": {"query school": Id("school", TEACHER_SCOPED)},
    "GET /classes/new": {"query school": Id("school", TEACHER_SCOPED)},
    "POST /classes/new": {"query school": Id("school", "teacher=200/404 office=200 admin=200")},
    "POST /classes/<int:cohort_id>/edit": {
        # choices of the class's school: anything else is refused with the list's message
        "form program_id": Id("program", "teacher=302 office=302 admin=302", unknown="200"),
        "form teachers": Id(
            "teacher", "teacher=302/200 office=302/200 admin=302/200", unknown="200"
        ),
    },
    "POST /students/<int:student_id>/move": {
        "form cohort_id": Id(
            "cohort", "teacher=422 office=422 admin=422", unknown="422", choices=True
        ),
    },
    "POST /activation-codes": {
        "form student": Id("student", "teacher=200/404 admin=200"),
        "form cohort": Id("cohort", "teacher=302/404 admin=302"),
    },
    "GET /admin/invitations": {
        # only prefills the form with a school the list offers: anything else is ignored
        "query school": Id("organization", "office=200 admin=200", unknown="200"),
    },
    "POST /admin/invitations": {
        "form organization_id": Id(
            "organization", "office=422 admin=422", unknown="422", choices=True
        ),
    },
    "POST /admin/users/new": {
        "form organization_id": Id("organization", "admin=200", unknown="200"),
    },
    "POST /admin/users/<int:user_id>": {
        # another school for a student asks first (what the move ends), like an unknown id
        "form organization_id": Id("organization", "admin=302/200", unknown="200"),
    },
    "GET /curriculum/": {
        "query program": Id("program", "student=200 teacher=200 author=200 office=200 admin=200"),
    },
    "POST /curriculum/modules/new": {
        "form school_id": Id("school", "teacher=200/404 author=404 admin=200"),
        "form program_id": Id(
            "program", "teacher=200 author=200 admin=200", unknown="200", choices=True
        ),
    },
    "GET /exchange/partnerships": {
        "query school": Id("organization", "teacher=200/404 author=404 office=200 admin=200"),
    },
    "GET /exchange/partnerships.csv": {
        "query school": Id("organization", "teacher=200/404 author=404 office=200 admin=200"),
    },
    **{
        f"GET /exchange/{page}": {
            "query partnership": Id(
                "partnership", "teacher=200/404 author=200/404 office=200 admin=200"
            ),
            "query school": Id("organization", "teacher=200/404 author=404 office=200 admin=200"),
        }
        for page in ("activities", "activities.csv", "calendar")
    },
    "POST /exchange/partnerships/new": {
        "form school_id": Id(
            "organization", "office=302 admin=302", unknown="200", data=PARTNERSHIP_BODY
        ),
        "form partner_id": Id(
            "organization",
            "office=200 admin=200",
            unknown="200",
            data=PARTNERSHIP_BODY | {"school_id": "own", "partner_name": ""},
        ),  # fmt: skip
        "form member_schools": Id(
            "organization",
            "office=200 admin=200",
            unknown="200",
            data=PARTNERSHIP_BODY | {"school_id": "own"},
        ),  # fmt: skip
    },
    "POST /exchange/partnerships/<int:partnership_id>/edit": {
        # the school is fixed once recorded and a school partnership has no member schools:
        # the form has neither field then
        "form school_id": Id("organization", "office=302 admin=302", unknown="302", choices=True),
        "form member_schools": Id(
            "organization", "office=302 admin=302", unknown="302", choices=True
        ),
        "form partner_id": Id("organization", "office=200 admin=200", unknown="200"),
    },
    "POST /exchange/partnerships/<int:partnership_id>/activities/new": {
        # a school partnership has no member schools: the form has no school to choose
        "form school_id": Id(
            "organization",
            "teacher=200 author=200 office=200 admin=200",
            unknown="200",
            choices=True,
        ),  # fmt: skip
        **{
            f"form {name}": Id(
                "organization",
                "teacher=302/200 author=302/200 office=302/200 admin=302/200",
                unknown="200",
                data=ACTIVITY_BODY | {"starts_on": "2026-12-20"},
            )
            for name in ("sending_org_id", "receiving_org_id")
        },
    },
    "POST /exchange/activities/<int:activity_id>/edit": {
        # a school partnership has no member schools: there is no school to choose
        "form school_id": Id(
            "organization",
            "teacher=302 author=302 office=302 admin=302",
            unknown="302",
            choices=True,
        ),  # fmt: skip
        **{
            f"form {name}": Id(
                "organization",
                "teacher=302/200 author=302/200 office=302/200 admin=302/200",
                unknown="200",
                data={"sending_org_id": "", "receiving_org_id": ""},
            )
            for name in ("sending_org_id", "receiving_org_id")
        },
    },
    "POST /exchange/activities/<int:activity_id>/participants": {
        # only someone the list offers; anyone else gets the list's one refusal
        "form p-user_id": Id(
            "user",
            "teacher=422 author=422 office=422 admin=422",
            unknown="422",
            data={"p-role": "participant"},
        ),  # fmt: skip
    },
    **{
        key: {
            # the reviewer's university's schools, teachers and modules: one refusal otherwise
            f"query {name}": Id(name, "author=200/404")
            for name in ("school", "teacher", "module")
        }
        for key in ("GET /quality/samples", "GET /api/v1/quality/samples")
    },
    "POST /curriculum/modules/<code>/adapt": {
        "form school_id": Id("school", "teacher=302/404"),
    },
    "POST /quality/plans/new": {
        # programmes are shared: any existing one; a 25-digit one is refused like an unknown one
        "form program_id": Id("program", "author=422", unknown="422"),
    },
    "POST /placements/journal/new": {
        # a select of the placement's own units, checked again by the journal's rules
        "form unit_ids": Id("module", "student=422", unknown="422", choices=True),
    },
    "POST /placements/new": {
        # every field is a select of the user's own choices (scope.chosen after validation)
        **{
            f"form {name}": Id(kind, "teacher=200 admin=200", unknown="200", choices=True)
            for name, kind in (
                ("student_id", "student"),
                ("company_id", "organization"),
                ("supervisor_id", "user"),
                ("teacher_id", "teacher"),
                ("unit_ids", "module"),
            )
        },
    },
    "GET /api/v1/activities": {
        "query partnership": Id(
            "partnership", "student=404 teacher=200/404 author=200/404 office=200 admin=200"
        ),
    },
    "GET /api/v1/cohorts": {"query school": Id("school", TEACHER_SCOPED)},
    "GET /api/v1/placements": {
        # companies are shared by every school's staff; a student names only their own ones
        "query company": Id("company", "student=200/404 teacher=200 office=200 admin=200"),
        "query student": Id("student", "student=200/404 teacher=200/404 office=200 admin=200"),
    },
    "GET /api/v1/completions": {
        "query cohort": Id("cohort", "student=200/404 teacher=200/404 office=200 admin=200"),
    },
    "GET /api/v1/partnerships": {
        "query school": Id("organization", "teacher=200/404 author=404 office=200 admin=200"),
    },
    "GET /api/v1/stats/summary": {"query school": Id("school", "office=200 admin=200")},
    "POST /api/v1/activities": {
        "json partnership": Id(
            "partnership",
            "teacher=201/422 author=201/422 office=201 admin=201",
            unknown="422",
            data=ACTIVITY_BODY | {"starts_on": "2026-12-20"},
        ),
        **{
            f"json {name}": Id(
                "organization",
                "teacher=201/422 author=201/422 office=201/422 admin=201/422",
                unknown="422",
                data=ACTIVITY_BODY | {"starts_on": "2026-12-20", "partnership": "own"},
            )
            for name in ("sending_org_id", "receiving_org_id")
        },
        "json school_id": Id(
            "organization",  # a school partnership has no member schools to choose
            "teacher=422 author=422 office=422 admin=422",
            unknown="422",
            data=ACTIVITY_BODY | {"starts_on": "2026-12-20", "partnership": "own"},
        ),
    },
    "PATCH /api/v1/activities/<int:activity_id>": {
        **{
            f"json {name}": Id(
                "organization",
                "teacher=200/422 author=200/422 office=200/422 admin=200/422",
                unknown="422",
                data={"sending_org_id": None, "receiving_org_id": None},
            )
            for name in ("sending_org_id", "receiving_org_id")
        },
        "json school_id": Id(
            "organization", "teacher=422 author=422 office=422 admin=422", unknown="422"
        ),
    },
    "POST /api/v1/partnerships": {
        "json school": Id("school", "office=201 admin=201", unknown="422", data=PARTNERSHIP_BODY),
        "json partner": Id(
            "organization",
            "office=422 admin=422",  # a school is no partner
            unknown="422",
            data=PARTNERSHIP_BODY | {"school": "own", "partner_name": None},
        ),  # fmt: skip
        "json member_schools": Id(
            "school",
            "office=422 admin=422",
            unknown="422",
            data=PARTNERSHIP_BODY | {"school": "own"},
        ),  # fmt: skip
    },
}
# Parameters named like ids that carry a code (EV-101), never a row's id: nothing to scope.
CODES = {
    **{
        key: {"query module": "code", "query program": "code"}
        for key in (
            "GET /dashboard/",
            "GET /dashboard/schools/<int:school_id>",
            "GET /dashboard/export/<name>.<fmt>",
            "GET /dashboard/report.pdf",
            "GET /api/v1/stats/summary",
        )
    },
    "GET /api/v1/modules": {"query program": "code"},
}
HUGE = 10**25 - 1  # 25 digits: no row can have it, and the database driver cannot take it

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                    "X-Frame-Options")  # fmt: skip
SHORT = {"anonymous": "anon", "teacher_of_two": "teacher"}


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
    record_reads(app)
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

    undeclared = {}
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
            read, guarded = reads_of(app)
            for source, name in read | guarded:
                if source not in ("query", "form", "json"):
                    continue
                if f"{source} {name}" not in ID_PARAMETERS.get(key, {}) | CODES.get(key, {}):
                    undeclared.setdefault(key, set()).add(f"{source} {name}")
            want, got = expected(key, role, found.side), outcome(found)
            if want != got:
                wrong.append(f"{key} [{found.side}] {found.url}: expected {want}, got {got}")
    for key, names in api_id_fields(app).items():
        for name in names - set(ID_PARAMETERS.get(key, {})) - set(CODES.get(key, {})):
            undeclared.setdefault(key, set()).add(name)
    assert not undeclared, (
        "routes read ids that ID_PARAMETERS does not declare (load them with eduplatform.scope "
        "and add them):\n" + "\n".join(f"{k}: {sorted(v)}" for k, v in sorted(undeclared.items()))
    )
    assert not problems, "\n".join(problems)
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)


def test_id_parameters_name_existing_routes(app):
    keys = {key for key, _rule, _method in routes(app)}
    assert not set(ID_PARAMETERS) - keys


def _id_answer(role, declared, side):
    answers = dict(part.split("=", 1) for part in declared.answers.split())
    answer = answers.get(SHORT.get(role, role))
    if answer is None:
        return None
    own, _sep, other = answer.partition("/")
    return other if side == "other" and other else own


def _id_outcome(response):
    if response.status_code in (301, 302, 303) and "/login" in response.headers.get("Location", ""):
        return "login"
    return "login" if response.status_code == 401 else str(response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_every_id_parameter_answers_each_role_as_the_table_says(app, world, role):
    """Own-side, other-side and unknown ids in the query string, forms and JSON bodies."""
    record_reads(app)
    client, api_client = app.test_client(), app.test_client()
    actor = None if role == "anonymous" else world.actor(role)
    token = world.tokens[actor.id]["api"] if actor else None
    if actor:
        sign_in(client, actor)
    wrong, unguarded = [], []
    for key, rule, method in routes(app):
        if key not in ID_PARAMETERS:
            continue
        caller = api_client if rule.rule.startswith("/api/") else client
        for where, declared in ID_PARAMETERS[key].items():
            values = [
                ("other", id_value(world, declared.kind, "other")),
                ("unknown", HUGE),
                ("unknown", 2**31 - 2),
                ("own", id_value(world, declared.kind, "own")),
            ]
            reached, guarded = False, False
            for side, value in values:
                response = visit_with_id(
                    caller, world, actor, key, rule, method, token, where, declared, value
                )
                names = {name for _source, name in reads_of(app)[1]}
                want = _id_answer(role, declared, "own" if side == "unknown" else side)
                if want is None:  # turned away before the view: the route's own answer
                    want = expected(key, role, "own")
                    location = response.headers.get("Location", "")
                    got = outcome(Visit(key, side, "", response.status_code, location, response))
                else:
                    reached = True
                    guarded = guarded or where.split()[1] in names
                    if side == "unknown":
                        # the API refuses an id beyond its documented maximum as invalid input
                        api_range = rule.rule.startswith("/api/") and value == HUGE
                        want = "422" if api_range else declared.unknown
                    got = _id_outcome(response)
                if response.status_code >= 500 or want != got:
                    wrong.append(f"{key} {where}={value} [{side}]: expected {want}, got {got}")
            if reached and not guarded and not declared.choices:
                unguarded.append(f"{key}: {where} is not read through eduplatform.scope")
        for where, declared in ID_PARAMETERS[key].items():
            own, other = _id_answer(role, declared, "own"), _id_answer(role, declared, "other")
            if own is not None and own != other and other != declared.unknown:
                wrong.append(f"{key} {where}: another school's id must answer like an unknown one")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
    assert not unguarded, "\n".join(sorted(set(unguarded)))
