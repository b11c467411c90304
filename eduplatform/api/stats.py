"""The dashboard's headline figures for the education office: the dashboard's own numbers."""

from datetime import datetime

from pydantic import Field

from eduplatform.api.framework import api_route, caller
from eduplatform.api.problems import ApiProblem
from eduplatform.api.schemas import ApiOutput, ApiQuery, Code, Id, Text
from eduplatform.dashboard import service as dashboard
from eduplatform.db import get_session
from eduplatform.people.models import Role

TAG = "Dashboard"


class FigureOut(ApiOutput):
    value: int | None = Field(description="The count; null when suppressed as a small cell.")
    suppressed: bool
    label: str
    definition: str = Field(description="What is counted, in the caller's language.")
    as_of: datetime | None = Field(description="The latest change counted.")


class SummaryFilters(ApiOutput):
    academic_year: str | None
    school_id: int | None
    program: str | None
    module: str | None


class Term(ApiOutput):
    academic_year: str
    half: int


class SummaryOut(ApiOutput):
    scope: str = Field(description="city: every school; school: one school.")
    filters: SummaryFilters
    month: str = Field(description="This month, YYYY-MM.")
    term: Term
    as_of: datetime | None
    figures: dict[str, FigureOut] = Field(
        description="schools, active_students, units_verified_month, units_verified, "
        "certificates, teachers_trained, activities_term."
    )


class SummaryQuery(ApiQuery):
    year: Text | None = Field(default=None, description='An academic year such as "2025/2026".')
    school: Id | None = Field(default=None, description="One school's figures.")
    program: Code | None = Field(default=None, description="A program's code.")
    module: Code | None = Field(default=None, description="A module's code.")


@api_route(
    "/stats/summary",
    summary="The dashboard's headline figures",
    tag=TAG,
    roles=(Role.OFFICE, Role.ADMIN),
    query=SummaryQuery,
    response=SummaryOut,
    not_found=True,
)
def stats_summary(query):
    """The figures the dashboard opens with (schools, students, verified units, certificates,
    teachers trained through exchanges, activities this term), with their definitions."""
    args = {name: str(value) for name, value in query.model_dump().items() if value is not None}
    try:
        found = dashboard.headline_figures(get_session(), actor=caller(), filters=args)
    except dashboard.OutOfScope:
        raise ApiProblem(404) from None
    return SummaryOut.model_validate(found)
