"""The OpenAPI 3.1 document: generated from the routes, valid, and true to the live API.

The property-based run drives every documented operation with schemathesis (positive and
negative examples, a bounded number per operation) against the app over WSGI and checks that
nothing answers 5xx and that every status, content type, header and body matches the document.
"""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import select

from eduplatform.api.framework import OPERATIONS
from eduplatform.api.views import unknown  # noqa: F401 - every route is registered
from eduplatform.training.models import Certificate
from tests.api.conftest import problem

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = {GenerationMode.POSITIVE: 20, GenerationMode.NEGATIVE: 10}


def test_the_document_is_valid_openapi_3_1(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"] == "3.1.0"


def test_every_route_is_documented_with_problem_errors(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    api_rules = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        and rule.endpoint not in ("api.openapi", "api.docs", "api.unknown")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert len(api_rules) == len(OPERATIONS)
    for operation in OPERATIONS:
        documented = document["paths"][operation.path][operation.method.lower()]
        assert documented["responses"]["401"] == {"$ref": "#/components/responses/Unauthorized"}
    responses = document["components"]["responses"]
    for response in responses.values():
        assert list(response["content"]) == ["application/problem+json"]
    assert document["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"


def test_the_document_and_reference_page_need_no_token(client):
    assert client.get("/api/v1/openapi.json").status_code == 200
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert '<script src="/static/api/docs.js" defer></script>' in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    page.close()
    script = client.get("/static/api/docs.js")
    assert script.status_code == 200 and "openapi.json" in script.get_data(as_text=True)
    script.close()


def test_the_api_root_answers_a_problem(client):
    problem(client.get("/api/v1/"))


@pytest.fixture
def explored(app, world, verified, logged, token, db, placed):
    """Data for the run to find, a token per role, and ids of existing records."""
    app.config["RATELIMIT_API"] = "100000 per minute"
    sample_id, action_id = _quality(app, db, world, verified)
    pending = logged("EV-101-U1", student=world.classmate)
    mine = logged("EV-102-U1")
    certificate = db.exec(select(Certificate)).first()
    return {
        "tokens": {
            role: token(user, "read-write")
            for role, user in (
                ("admin", world.admin),
                ("student", world.student),
                ("author", world.author),  # the university's quality reviewer
                ("teacher", world.teacher),
            )
        },
        "ids": {
            "completion_id": pending.id,
            "activity_id": world.activity.id,
            "partnership_id": world.partnership.id,
            "cohort_id": world.cohort.id,
            "sample_id": sample_id,
            "action_id": action_id,
            "placement_id": placed.placement_id,  # the student's (for their journal's writes)
            "entry_id": placed.entry_id,
        },
        "codes": {"/modules/{code}": "EV-102", "/certificates/{code}": certificate.code},
        "own_completion": mine.id,
    }


def _quality(app, db, world, verified):
    """Every decision of this term sampled for the university, its author a reviewer; of the
    two EV-101 decisions, one disagreed with (an action for the teacher), one ready."""
    from eduplatform.db import new_session
    from eduplatform.people.models import User
    from eduplatform.quality import service as quality
    from eduplatform.quality.models import QualityReviewer, QualitySample, SamplingPlan
    from eduplatform.quality.sampling import term_of_moment
    from eduplatform.sqltypes import utcnow

    academic_year, term = term_of_moment(utcnow())
    db.add(SamplingPlan(university_id=world.university.id, program_id=world.program.id,
                        academic_year=academic_year, term=term, seed="openapi", minimum_rate=100,
                        agreement_threshold=80))  # fmt: skip
    db.add(QualityReviewer(user_id=world.author.id, university_id=world.university.id))
    db.commit()
    verified("EV-101-U1", "EV-101-U2")
    first, ready = db.exec(select(QualitySample).order_by(QualitySample.id)).all()
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        _review, action = quality.submit_review(
            session, actor=session.get(User, world.author.id),
            sample=session.get(QualitySample, first.id), agrees=False, rating=2,
            feedback="Show the tag.",
        )  # fmt: skip
        return ready.id, action.id


def _path_values(explored, operation):
    """Existing records for the positive examples, so that they reach the services."""
    values = {}
    for name in re.findall(r"{(\w+)}", operation.path):
        if name == "code":
            values[name] = next(
                v for k, v in explored["codes"].items() if operation.path.startswith(k)
            )
        elif name == "completion_id" and _caller(operation) == "student":
            values[name] = explored["own_completion"]
        else:
            values[name] = explored["ids"][name]
    return values


def _caller(operation):
    if not operation.roles or "admin" in operation.roles:
        return "admin"
    return operation.roles[0]


@pytest.mark.slow
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: f"{o.method} {o.path}")
def test_the_live_api_matches_its_document(app, explored, operation):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    api_operation = schema[operation.path][operation.method]
    headers = {"Authorization": f"Bearer {explored['tokens'][_caller(operation)]}"}

    for mode, examples in EXAMPLES.items():
        known = _path_values(explored, operation) if mode == GenerationMode.POSITIVE else None

        @given(case=api_operation.as_strategy(generation_mode=mode, path_parameters=known))
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
