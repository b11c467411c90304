"""The catalogue: programs, modules in their current published versions, units, prerequisites."""

from datetime import datetime

from flask_babel import gettext as _
from pydantic import Field

from eduplatform.api.framework import api_route, caller
from eduplatform.api.pagination import page_list, page_of
from eduplatform.api.problems import ApiProblem
from eduplatform.api.schemas import (
    ApiOutput,
    Code,
    Hours,
    OrganizationRef,
    PageQuery,
    Translated,
    organization_ref,
)
from eduplatform.curriculum import service as curriculum
from eduplatform.curriculum.content import prerequisite_codes, version_units
from eduplatform.curriculum.models import Program
from eduplatform.db import get_session
from eduplatform.i18n import current_language
from eduplatform.people.models import Organization

TAG = "Catalogue"


class ProgramOut(ApiOutput):
    code: str
    title: Translated
    summary: Translated


class ModuleSummaryOut(ApiOutput):
    code: str
    program: str = Field(description="The program's code.")
    level: str
    position: int
    version: int = Field(description="Number of the current published version.")
    title: Translated
    summary: Translated
    hours: Hours = Field(description="Theory and practice hours of all units.")
    languages: list[str] = Field(description="Languages every text of the version is written in.")
    owner: OrganizationRef | None
    units: int = Field(description="Number of units.")


class UnitOut(ApiOutput):
    code: str
    position: int
    title: Translated
    outcomes: list[Translated]
    task: Translated
    criteria: list[Translated]
    theory_hours: Hours
    practice_hours: Hours
    safety_critical: bool
    prerequisites: list[str] = Field(description="Codes of the units to be verified first.")


class VersionOut(ApiOutput):
    number: int
    status: str
    published_at: datetime | None
    title: Translated
    summary: Translated


class ModuleOut(ApiOutput):
    code: str
    program: str
    level: str
    owner: OrganizationRef | None
    version: VersionOut
    hours: Hours
    languages: list[str]
    units: list[UnitOut]


class ModuleQuery(PageQuery):
    program: Code | None = Field(default=None, description="A program's code, e.g. EV-MECH.")


ProgramPage = page_of(ProgramOut)
ModuleSummaryPage = page_of(ModuleSummaryOut)


@api_route(
    "/programs",
    summary="List programs",
    tag=TAG,
    query=PageQuery,
    response=ProgramPage,
    paginated=True,
)
def list_programs(query):
    """Every program, by code."""
    lang = current_language()
    programs, next_cursor = page_list(
        curriculum.list_programs(get_session()), query, key=lambda p: (p.code, p.id)
    )
    return ProgramPage(
        items=[
            ProgramOut(
                code=p.code,
                title=Translated.of(p.title, lang),
                summary=Translated.of(p.summary, lang),
            )
            for p in programs
        ],
        next=next_cursor,
    )


@api_route(
    "/modules",
    summary="List modules",
    tag=TAG,
    query=ModuleQuery,
    response=ModuleSummaryPage,
    paginated=True,
)
def list_modules(query):
    """Modules with a published version, in program order; `?program=` keeps one program's.

    The shared programme's modules, and a teacher's or student's own schools' modules."""
    db = get_session()
    program_id = None
    if query.program is not None:
        program = next((p for p in curriculum.list_programs(db) if p.code == query.program), None)
        if program is None:
            raise ApiProblem(
                422, errors=[{"field": "program", "message": _("There is no such program.")}]
            )
        program_id = program.id
    entries, next_cursor = page_list(
        curriculum.catalogue(db, viewer=caller(), program_id=program_id),
        query,
        key=lambda e: (e.program.code, e.module.position, e.module.code),
        size=3,
    )
    lang = current_language()
    return ModuleSummaryPage(
        items=[
            ModuleSummaryOut(
                code=e.module.code,
                program=e.program.code,
                level=e.module.level,
                position=e.module.position,
                version=e.version.number,
                title=Translated.of(e.version.title, lang),
                summary=Translated.of(e.version.summary, lang),
                hours=e.hours,
                languages=e.languages,
                owner=organization_ref(e.owner),
                units=len(e.units),
            )
            for e in entries
        ],
        next=next_cursor,
    )


@api_route(
    "/modules/<code:code>", summary="A module's current version", tag=TAG, response=ModuleOut
)
def get_module(code):
    """The module's current published version with its units and their prerequisites."""
    db = get_session()
    module = curriculum.module_by_code(db, code)
    if module is not None and not curriculum.can_see(caller(), module):
        module = None  # another school's own module: as if unknown
    version = curriculum.current_version(db, module) if module else None
    if version is None:
        raise ApiProblem(404)
    units = version_units(db, version.id)
    required = prerequisite_codes(db, units)
    program = db.get(Program, module.program_id)
    owner = db.get(Organization, module.owner_id) if module.owner_id else None
    lang = current_language()
    return ModuleOut(
        code=module.code,
        program=program.code,
        level=module.level,
        owner=organization_ref(owner),
        version=VersionOut(
            number=version.number,
            status=version.status,
            published_at=version.published_at,
            title=Translated.of(version.title, lang),
            summary=Translated.of(version.summary, lang),
        ),
        hours=sum((u.theory_hours + u.practice_hours for u in units), 0),
        languages=curriculum.coverage(version, units),
        units=[
            UnitOut(
                code=u.code,
                position=u.position,
                title=Translated.of(u.title, lang),
                outcomes=[Translated.of(item, lang) for item in u.outcomes],
                task=Translated.of(u.task, lang),
                criteria=[Translated.of(item, lang) for item in u.criteria],
                theory_hours=u.theory_hours,
                practice_hours=u.practice_hours,
                safety_critical=u.safety_critical,
                prerequisites=required.get(u.id, []),
            )
            for u in units
        ],
    )
