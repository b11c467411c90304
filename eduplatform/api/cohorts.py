"""Classes and their rosters, for teachers (their own school) and the office (every school)."""

from datetime import date
from enum import StrEnum

from pydantic import Field
from sqlmodel import col, select

from eduplatform import scope
from eduplatform.api.framework import api_route, caller
from eduplatform.api.pagination import Keyset, fetch_page, page_of
from eduplatform.api.problems import ApiProblem
from eduplatform.api.schemas import (
    ApiOutput,
    Id,
    OrganizationRef,
    PageQuery,
    PersonRef,
    Text,
    organization_ref,
    person_ref,
)
from eduplatform.auth.access import in_scope, sees_school
from eduplatform.curriculum.models import Program
from eduplatform.db import get_session
from eduplatform.people import cohorts, schools
from eduplatform.people.loaders import CLASS_ROLES
from eduplatform.people.models import Cohort, Enrollment, EnrollmentStatus, Organization, User

TAG = "Classes"


class CohortOut(ApiOutput):
    id: int
    school: OrganizationRef
    name: str
    academic_year: str
    program: str | None = Field(description="The program's code.")
    archived: bool
    teachers: list[PersonRef]
    students: int = Field(description="Number of students actively enrolled.")


class EnrollmentOut(ApiOutput):
    status: str = Field(description="active, moved, withdrawn or completed.")
    enrolled_on: date
    ended_on: date | None


class StudentOut(ApiOutput):
    id: int
    full_name: str
    nisn: str | None
    email: str | None
    active: bool = Field(description="Whether the account may sign in.")
    enrollment: EnrollmentOut


class CohortQuery(PageQuery):
    school: Id | None = Field(default=None, description="Only this school's classes.")
    year: Text | None = Field(default=None, description='An academic year such as "2025/2026".')


class RosterStatus(StrEnum):
    ACTIVE = "active"
    ALL = "all"


class RosterQuery(PageQuery):
    status: RosterStatus = Field(
        default=RosterStatus.ACTIVE, description="`all` includes students who left the class."
    )


CohortPage = page_of(CohortOut)
StudentPage = page_of(StudentOut)


@api_route(
    "/cohorts",
    summary="List classes",
    tag=TAG,
    roles=CLASS_ROLES,
    query=CohortQuery,
    not_found=True,
    response=CohortPage,
    paginated=True,
)
def list_cohorts(query):
    """Classes of the caller's schools (every school for the office), newest year first."""
    db = get_session()
    rows_query = select(Cohort).where(in_scope(caller(), Cohort.school_id))
    if query.school:  # 404 when unknown or not the caller's
        school = scope.load("school", query.school, source="query", name="school")
        rows_query = rows_query.where(Cohort.school_id == school.id)
    if query.year:
        rows_query = rows_query.where(Cohort.academic_year == query.year)
    keyset = Keyset(col(Cohort.academic_year), col(Cohort.id), descending=True)
    rows, next_cursor = fetch_page(
        db, rows_query, keyset, query, key=lambda c: (c.academic_year, c.id)
    )
    ids = [c.id for c in rows]
    teachers = cohorts.cohort_teachers(db, ids)
    counts = schools.active_enrollment_counts(db, ids)
    orgs = {
        o.id: o
        for o in db.exec(
            select(Organization).where(col(Organization.id).in_({c.school_id for c in rows}))
        )
    }
    program_ids = {c.program_id for c in rows if c.program_id}
    programs = {
        p.id: p.code for p in db.exec(select(Program).where(col(Program.id).in_(program_ids)))
    }
    return CohortPage(
        items=[
            CohortOut(
                id=c.id,
                school=organization_ref(orgs[c.school_id]),
                name=c.name,
                academic_year=c.academic_year,
                program=programs.get(c.program_id),
                archived=c.archived,
                teachers=[person_ref(t) for t in teachers.get(c.id, [])],
                students=counts.get(c.id, 0),
            )
            for c in rows
        ],
        next=next_cursor,
    )


@api_route(
    "/cohorts/<int:cohort_id>/students",
    summary="A class's students",
    tag=TAG,
    roles=CLASS_ROLES,
    query=RosterQuery,
    response=StudentPage,
    paginated=True,
)
def list_students(cohort_id, query):
    """The class's students by name, with their enrollment (404 for another school's class)."""
    db = get_session()
    cohort = db.get(Cohort, cohort_id)
    if cohort is None or not sees_school(caller(), cohort.school_id):
        raise ApiProblem(404)
    rows_query = (
        select(Enrollment, User)
        .join(User, col(User.id) == Enrollment.student_id)
        .where(Enrollment.cohort_id == cohort.id)
    )
    if query.status == RosterStatus.ACTIVE:
        rows_query = rows_query.where(Enrollment.status == EnrollmentStatus.ACTIVE)
    keyset = Keyset(col(User.full_name), col(Enrollment.id))
    rows, next_cursor = fetch_page(
        db, rows_query, keyset, query, key=lambda row: (row[1].full_name, row[0].id)
    )
    return StudentPage(
        items=[
            StudentOut(
                id=student.id,
                full_name=student.full_name,
                nisn=student.nisn,
                email=student.email,
                active=student.active,
                enrollment=EnrollmentOut.model_validate(enrollment),
            )
            for enrollment, student in rows
        ],
        next=next_cursor,
    )
