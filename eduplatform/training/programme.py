"""The modules a class follows, kept per process between changes to the curriculum.

The student home asks on every visit which modules the student's class follows and in which
versions (progress.cohort_modules: a statement of three entities per module, the adaptation
rules, the pins). The answer changes only when a module, a version or a pin is written, and
each such write draws a new curriculum token (curriculum.generation), which the home reads with
the student's class at no extra cost. So a process keeps each class's answer under the token it
was read with, as read-only copies shared by every request (FrozenModule, FrozenVersion: the
pages only read them); a request that reads another token reads the programme again. Nothing of
a student is kept: the key is the class, its program and its school.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from eduplatform.dashboard.cache import RenderCache
from eduplatform.training.progress import _cohort_modules, frozen

# Classes per process: a city's classes, each a tuple of a dozen small records.
KEPT_CLASSES = 2048


@dataclass(frozen=True, slots=True)
class FrozenModule:
    """A module as a request read it (read-only; the columns of curriculum.models.Module)."""

    id: int
    code: str
    program_id: int
    owner_id: int | None
    school_id: int | None
    adapted_from_id: int | None
    level: str
    position: int
    created_at: datetime

    @property
    def shared(self):
        return self.school_id is None

    @classmethod
    def of(cls, module):
        return cls(**{name: getattr(module, name) for name in cls.__slots__})


@dataclass(frozen=True, slots=True)
class FrozenVersion:
    """A published or retired version as a request read it (read-only; the columns of
    curriculum.models.ModuleVersion)."""

    id: int
    module_id: int
    number: int
    status: str
    title: dict
    summary: dict
    alignment: list
    content_hash: str | None
    based_on_id: int | None
    created_at: datetime
    created_by_id: int | None
    published_at: datetime | None
    published_by_id: int | None
    retired_at: datetime | None

    @classmethod
    def of(cls, version):
        return cls(**{name: getattr(version, name) for name in cls.__slots__})


def _kept():
    return current_app.extensions.setdefault("training.programmes", RenderCache(KEPT_CLASSES))


def class_programme(session, cohort, token):
    """(cohort_modules(), every module offered) of the class, as progress._cohort_modules()
    answers, kept under the curriculum's `token` (read with the class; None: read every time)."""
    if token is None or cohort is None or cohort.program_id is None:
        return _cohort_modules(session, cohort)
    key = (token, cohort.id, cohort.program_id, cohort.school_id)
    kept = _kept().get(key)
    if kept is None:
        chosen, offered = _cohort_modules(session, cohort)
        if any(version is not None and not frozen(version) for _module, version in chosen):
            return chosen, offered  # a class follows published versions only; a draft is not kept
        kept = (
            tuple((FrozenModule.of(m), FrozenVersion.of(v) if v else None) for m, v in chosen),
            tuple(FrozenModule.of(module) for module in offered),
        )
        _kept().put(key, kept)
    return kept
