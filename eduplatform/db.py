"""One engine per app, one SQLModel Session per request, SQLite made safe for concurrent writers."""

from contextlib import contextmanager

from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlmodel import Session, create_engine

ENGINE_KEY = "eduplatform.engine"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def make_engine(url, echo=False):
    """Create the engine for a database URL, with SQLite's pragmas and BEGIN handling."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if not url.startswith("sqlite"):
        return create_engine(url, echo=echo, pool_pre_ping=True)

    engine = create_engine(url, echo=echo, connect_args={"timeout": 5, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Hand transaction control to SQLAlchemy so that BEGIN IMMEDIATE below is honoured.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A writer takes the write lock up front: waiting on busy_timeout beats failing
        # with "database is locked" when a deferred reader later tries to upgrade.
        options = connection.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return
        connection.exec_driver_sql(f"BEGIN {options.get('sqlite_begin', 'DEFERRED')}")

    return engine


def init_app(app):
    """Create the app's engine and close the request session at teardown."""
    app.extensions[ENGINE_KEY] = make_engine(
        app.config["DATABASE_URL"], echo=app.config["DATABASE_ECHO"]
    )
    app.teardown_appcontext(_close_session)


def get_engine(app=None):
    return (app or current_app).extensions[ENGINE_KEY]


def writer_engine(engine):
    """The same engine, starting SQLite transactions with BEGIN IMMEDIATE."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(sqlite_begin="IMMEDIATE")


def reader_engine(engine):
    """The engine for a reading request: on PostgreSQL each statement runs on its own.

    Under PostgreSQL's READ COMMITTED every statement takes its own snapshot anyway, so a
    transaction around a page's reads adds nothing but its BEGIN and ROLLBACK: two round trips
    on every page. (SQLite keeps its transaction: there it is one snapshot for the whole page.)
    """
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def get_session():
    """The request's Session; write requests and CLI commands take the SQLite write lock."""
    if "db_session" not in g:
        engine = get_engine()
        writes = not has_request_context() or request.method in WRITE_METHODS
        bind = writer_engine(engine) if writes else reader_engine(engine)
        session = Session(bind, expire_on_commit=False)
        if has_request_context():
            session.info["client_address"] = request.remote_addr
        g.db_session = session
    return g.db_session


@contextmanager
def new_session(app=None, write=True):
    """A standalone Session outside a request (commands, tests, background work)."""
    engine = get_engine(app)
    with Session(writer_engine(engine) if write else engine, expire_on_commit=False) as session:
        yield session


def _close_session(_exc=None):
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
