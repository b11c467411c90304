"""The curriculum's generation: a token that moves with every change to what classes follow.

Which modules a class follows, and in which versions, changes only when a module, a version or
a class's pin (CohortModuleVersion) is written. Every transaction that writes one draws a new
token in CurriculumGeneration, in the same transaction (after each flush that carries such a
change), so the token and the change are seen together or not at all. Readers read the token
with the statement they need anyway (GENERATION, a scalar subquery) and keep what they derive
from the curriculum under it (training.programme). A database without the row (an empty one,
until its first module) has no token: readers then keep nothing.

Every write goes through the ORM (no bulk UPDATE or DELETE of these tables), which is what the
listener sees; a migration that changes them must draw a token too (draw_token).
"""

import secrets

from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from eduplatform.curriculum.models import CurriculumGeneration, Module, ModuleVersion
from eduplatform.people.models import CohortModuleVersion

WATCHED = (Module, ModuleVersion, CohortModuleVersion)

# The token as a column of another statement (None on a database without the row).
GENERATION = (
    select(CurriculumGeneration.token).where(CurriculumGeneration.id == 1).scalar_subquery()
)


def draw_token(connection):
    """Give the curriculum a new token (creating the row if the database has none)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = CurriculumGeneration.__table__
    statement = dialect.insert(table).values(id=1, token=secrets.randbits(62))
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["id"], set_={"token": statement.excluded.token}
        )
    )


@event.listens_for(Session, "after_flush")
def _curriculum_written(session, _context):
    # After the flush the new, dirty and deleted collections still show what it wrote.
    written = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(instance, WATCHED) for instance in written):
        draw_token(session.connection())
