"""Alembic environment: the app's own engine and the one registry of tables."""

from alembic import context
from sqlmodel import SQLModel

import eduplatform.models  # noqa: F401 - registers every table on SQLModel.metadata

config = context.config
target_metadata = SQLModel.metadata


def _configure(connection):
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    from eduplatform import create_app
    from eduplatform.db import get_engine

    app = create_app()
    with app.app_context(), get_engine(app).begin() as connection:
        _configure(connection)


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run `eduplatform db upgrade`")
run_migrations_online()
