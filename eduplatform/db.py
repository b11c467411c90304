"""One engine per app, one SQLModel Session per request, SQLite made safe for concurrent writers."""

import functools
import re
import select
import time
import weakref
from contextlib import contextmanager

from flask import current_app, g, has_request_context, request
from sqlalchemy import event, inspect
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlmodel import Session, create_engine

ENGINE_KEY = "eduplatform.engine"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# A pooled connection unused for this long is pinged before use (a firewall or the server's
# idle timeout may have closed it); a busy worker's connections never are.
IDLE_PING_SECONDS = 30


def make_engine(url, echo=False):
    """Create the engine for a database URL, with SQLite's pragmas and BEGIN handling."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if not url.startswith("sqlite"):
        # No pool_pre_ping: it is a round trip before every request's first statement. Idle
        # connections are pinged instead, and a connection that dropped while in use (the
        # server restarted) fails its statement: SQLAlchemy then replaces every connection of
        # the pool, and first_statement() runs a request's first statement once more.
        engine = create_engine(url, echo=echo)
        _ping_idle_connections(engine)
        return engine

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


def _ping_idle_connections(engine):
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record):
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy):
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("an idle pooled connection was closed") from error


def first_statement(session, run):
    """run(), the request's first statement; once more when its pooled connection had dropped.

    Nothing was read or written before it in this request, so running it again on a new
    connection is safe (the failed one is discarded, and with it the rest of the old pool).
    """
    try:
        return run()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        session.rollback()
        return run()


class DriverStatement:
    """A Core SELECT run straight on a pooled driver connection: for the one statement every
    signed-in request runs (the session check), where SQLAlchemy's execution machinery costs
    several times the query itself (ten times on SQLite).

    Compiled once per engine, with its columns' result conversions (SQLite's text datetimes and
    integer booleans become what the ORM would have read). It runs outside any transaction
    (autocommit), so it costs exactly one round trip on PostgreSQL.
    """

    def __init__(self, statement):
        self.statement = statement
        self._compiled = weakref.WeakKeyDictionary()
        self._prepared_name = f"eduplatform_sent_{id(self):x}"  # send()'s, per connection

    def compiled(self, engine):
        found = self._compiled.get(engine)
        if found is None:
            dialect = engine.dialect
            compiled = self.statement.compile(dialect=dialect)
            processors = [
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in self.statement.selected_columns
            ]
            order = tuple(compiled.positiontup) if compiled.positional else None
            found = self._compiled[engine] = (compiled.string, order, processors)
        return found

    def send(self, engine, params):
        """Send the statement now and read its row later (Sent.first()), so that the database
        works while the request does (PostgreSQL only; None on SQLite, where there is no round
        trip to save). None too when sending failed: the caller runs first(), which handles a
        dropped connection.

        The statement is prepared once per pooled connection and sent with libpq's own calls
        (psycopg's `pgconn`, outside any transaction); values are ints or strings.
        """
        if engine.dialect.name != "postgresql":
            return None
        from psycopg import pq

        sql, _order, _processors = self.compiled(engine)
        numbered, names = _numbered(sql)
        if not all(type(params[name]) in (int, str) for name in names):
            raise TypeError("a statement sent ahead takes ints and strings")
        values = [str(params[name]).encode() for name in names]
        try:
            connection = engine.raw_connection()
        except engine.dialect.loaded_dbapi.Error:
            return None
        try:
            driver = connection.dbapi_connection
            pgconn = driver.pgconn
            if pgconn.transaction_status != pq.TransactionStatus.IDLE:
                connection.close()
                return None
            name = self._prepared_name.encode()
            if not connection.info.get(self._prepared_name):
                prepared = pgconn.prepare(name, numbered.encode())
                if prepared.status != pq.ExecStatus.COMMAND_OK:
                    raise _NotSent(prepared.get_error_message())
                connection.info[self._prepared_name] = True
            pgconn.send_query_prepared(name, values)
            while pgconn.flush():
                _wait(pgconn.socket, select.POLLOUT)
        except Exception:  # noqa: BLE001 - any failure: the statement runs again through first()
            connection.invalidate()
            connection.close()
            return None
        return Sent(self, engine, params, connection)

    def convert(self, engine, row):
        """A row of driver values as first() gives it (the columns' result conversions)."""
        _sql, _order, processors = self.compiled(engine)
        return tuple(
            value if process is None else process(value)
            for value, process in zip(row, processors, strict=True)
        )

    def first(self, engine, params):
        """The first row (a tuple of converted values), or None.

        A pooled connection that dropped while idle in the pool (the server restarted, a
        failover) fails the statement: the pool is then replaced (its other connections are
        as dead) and the statement runs once more on a new connection, as first_statement()
        does for statements run through the ORM.
        """
        sql, order, _processors = self.compiled(engine)
        arguments = tuple(params[name] for name in order) if order is not None else params
        try:
            row = self._run(engine, sql, arguments)
        except _Disconnected:
            engine.dispose()
            try:
                row = self._run(engine, sql, arguments)
            except _Disconnected as again:
                raise _wrapped(engine, sql, arguments, again.__cause__, invalidated=True) from None
        return None if row is None else self.convert(engine, row)

    @staticmethod
    def _run(engine, sql, arguments):
        dialect = engine.dialect
        try:
            connection = engine.raw_connection()
        except dialect.loaded_dbapi.Error as error:
            raise _wrapped(engine, sql, arguments, error) from error
        driver = connection.dbapi_connection
        autocommit = dialect.name == "postgresql" and not driver.autocommit
        done = False
        try:
            if autocommit:
                driver.autocommit = True  # no BEGIN and ROLLBACK round trips around it
            cursor = driver.cursor()
            try:
                cursor.execute(sql, arguments)
                row = cursor.fetchone()
            finally:
                cursor.close()
            if autocommit:
                driver.autocommit = False
            done = True
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, driver, None):
                raise _Disconnected from error
            raise _wrapped(engine, sql, arguments, error) from error
        finally:
            if not done:
                # Never back into the pool in autocommit or in a failed state: discarded.
                connection.invalidate()
            connection.close()
        return row


_PYFORMAT = re.compile(r"%\((\w+)\)s|%%")


@functools.lru_cache(maxsize=16)
def _numbered(sql):
    """The statement with libpq's $1, $2... for psycopg's %(name)s, and the names in order
    (worked out once per statement text)."""
    names = []

    def number(match):
        if match[0] == "%%":
            return "%"
        if match[1] not in names:
            names.append(match[1])
        return f"${names.index(match[1]) + 1}"

    return _PYFORMAT.sub(number, sql), tuple(names)


def _wait(socket, event):
    """Until the socket is readable (select.POLLIN) or writable (select.POLLOUT)."""
    poll = select.poll()
    poll.register(socket, event)
    poll.poll()


class Sent:
    """A DriverStatement sent ahead (DriverStatement.send): first() reads its row, close() gives
    its connection back unread. Whatever goes wrong, first() runs the statement again through
    DriverStatement.first(), which raises as SQLAlchemy would; the connection is discarded."""

    def __init__(self, statement, engine, params, connection):
        self.statement, self.engine, self.params = statement, engine, params
        self._connection = connection

    def first(self):
        """The row, as DriverStatement.first() would give it (once: the connection then goes
        back to the pool)."""
        if self._connection is None:
            raise RuntimeError("the answer was read already")
        try:
            row = self._read()
        except Exception:  # noqa: BLE001 - run again, where errors are handled and raised
            self._discard()
            return self.statement.first(self.engine, self.params)
        self._give_back()
        return None if row is None else self.statement.convert(self.engine, row)

    def close(self):
        """Give the connection back to the pool unread: the answer is read and dropped (the
        connection is discarded if that fails)."""
        if self._connection is None:
            return
        try:
            self._read()
        except Exception:  # noqa: BLE001 - a connection in doubt is not pooled again
            self._discard()
            return
        self._give_back()

    def _give_back(self):
        self._connection.close()
        self._connection = None

    def _discard(self):
        if self._connection is not None:
            self._connection.invalidate()
            self._connection.close()
            self._connection = None

    def _read(self):
        """The first row of the answer (as the driver loads it), or None; every result read."""
        from psycopg import pq
        from psycopg.adapt import Transformer

        driver = self._connection.dbapi_connection
        pgconn = driver.pgconn
        results = []
        while True:
            pgconn.consume_input()
            if pgconn.is_busy():
                _wait(pgconn.socket, select.POLLIN)
                continue
            result = pgconn.get_result()
            if result is None:
                break
            results.append(result)
        if len(results) != 1 or results[0].status != pq.ExecStatus.TUPLES_OK:
            message = results[-1].get_error_message() if results else "no result"
            raise _NotSent(message)
        if not results[0].ntuples:
            return None
        loader = Transformer(driver)
        loader.set_pgresult(results[0])
        return loader.load_row(0, tuple)


class _NotSent(Exception):
    """A statement sent ahead did not answer as expected (it runs again the usual way)."""


def _wrapped(engine, sql, arguments, error, invalidated=False):
    """A driver's error as SQLAlchemy raises it (OperationalError, ...)."""
    return DBAPIError.instance(
        sql,
        arguments,
        error,
        engine.dialect.loaded_dbapi.Error,
        connection_invalidated=invalidated,
        dialect=engine.dialect,
    )


class _Disconnected(Exception):
    """The pooled connection a DriverStatement ran on had dropped."""


class ForeignKeyViolation(RuntimeError):
    """A migration left rows that refer to rows that no longer exist (SQLite's check)."""


@contextmanager
def migration_connection(engine):
    """A connection in one transaction for Alembic to run migrations on.

    On SQLite, foreign keys are off while the migrations run and checked before the commit: a
    batch migration rebuilds a table by copying it, dropping the old one and renaming, and with
    foreign keys on that DROP would run every ON DELETE CASCADE of the rows that refer to it
    (a downgrade that rebuilt `user` emptied the certificates). The pragma only takes effect
    outside a transaction, so it is set on the driver's connection before BEGIN.
    """
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise ForeignKeyViolation(
                            f"the migration left {len(broken)} rows whose references are "
                            f"broken (first: table {broken[0][0]}, row {broken[0][1]})"
                        )
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def init_app(app):
    """Create the app's engine and close the request session at teardown."""
    app.extensions[ENGINE_KEY] = make_engine(
        app.config["DATABASE_URL"], echo=app.config["DATABASE_ECHO"]
    )
    app.teardown_appcontext(_close_session)


def get_engine(app=None):
    return (app or current_app).extensions[ENGINE_KEY]


# Engines with options, made once per engine (making one copies the engine's settings: a tenth
# of a millisecond that every request paid).
_OPTION_ENGINES = weakref.WeakKeyDictionary()


def _with_options(engine, kind, **options):
    variants = _OPTION_ENGINES.setdefault(engine, {})
    if kind not in variants:
        variants[kind] = engine.execution_options(**options)
    return variants[kind]


def writer_engine(engine):
    """The same engine, starting SQLite transactions with BEGIN IMMEDIATE."""
    if engine.dialect.name != "sqlite":
        return engine
    return _with_options(engine, "writer", sqlite_begin="IMMEDIATE")


def reader_engine(engine):
    """The engine for a reading request: on PostgreSQL each statement runs on its own.

    Under PostgreSQL's READ COMMITTED every statement takes its own snapshot anyway, so a
    transaction around a page's reads adds nothing but its BEGIN and ROLLBACK: two round trips
    on every page. (SQLite keeps its transaction: there it is one snapshot for the whole page.)
    """
    if engine.dialect.name != "postgresql":
        return engine
    return _with_options(engine, "reader", isolation_level="AUTOCOMMIT")


@contextmanager
def lock_free_reads(session):
    """A Session on `session`'s database whose statements each run on their own, outside any
    transaction: for the reads a writing request makes before it knows whether it will write.

    A writing request's transaction on SQLite begins with the write lock (BEGIN IMMEDIATE), so
    even its reads wait for every other writer: 25 sign-in attempts at once, most of them to be
    refused by the limits before any write, all queued on that one lock to look up the account.
    Objects read here are detached when it ends (every column loaded).
    """
    bind = _with_options(session.get_bind(), "autocommit", isolation_level="AUTOCOMMIT")
    with Session(bind, expire_on_commit=False) as reads:
        yield reads


def get_session():
    """The request's Session; write requests and CLI commands take the SQLite write lock."""
    if "db_session" not in g:
        engine = get_engine()
        writes = not has_request_context() or request.method in WRITE_METHODS
        bind = writer_engine(engine) if writes else reader_engine(engine)
        session = Session(bind, expire_on_commit=False)
        if has_request_context():
            session.info["client_address"] = request.remote_addr
        adopted = g.pop("db_adopt", None)
        if adopted is not None:
            session.add(adopted)
        g.db_session = session
    return g.db_session


def adopt(instance):
    """`instance` (detached, every column loaded: built from a row read without the ORM) as a
    persistent object of the request's Session, which is made only when the request uses it.

    When the Session has already loaded the same row, its own object is the one to use (two
    objects for one row would refuse to be added to the same Session).
    """
    session = g.get("db_session")
    if session is None:
        g.db_adopt = instance
        return instance
    key = inspect(instance).key
    existing = session.identity_map.get(key)
    if existing is not None:
        return existing
    session.add(instance)
    return instance


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
