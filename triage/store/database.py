"""Connecting to the store: engine set-up for SQLite and PostgreSQL, and schema migrations."""

from __future__ import annotations

import copy
import functools
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self, TypeVar

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from triage.errors import InputError, TriageError
from triage.store.schema import DEFAULT_TENANT_ID

logger = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

# Relative to the working directory, like models/: the service and `triage db upgrade` both
# run from the project root, so they meet in the same file.
DEFAULT_DATABASE_URL = "sqlite:///var/triage.db"
SQLITE_BUSY_TIMEOUT_S = 30.0


class StoreError(TriageError):
    """The database cannot be reached or refused an operation."""


class DuplicateError(StoreError):
    """A row would break a unique constraint (the same key was stored before)."""


class NotFoundError(TriageError, LookupError):
    """No row with the requested id."""


def _describe(exc: SQLAlchemyError) -> str:
    # SQLAlchemy appends the statement and a documentation link on further lines.
    first = str(exc).splitlines()[0] if str(exc) else ""
    return f"database error: {type(exc).__name__}: {first}"


def display_url(url: str) -> str:
    """``url`` with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparsable database URL)"


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the sqlite3 module, so that _sqlite_on_begin decides
    # how each transaction starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_foreign_keys_off(dbapi_connection: Any, _record: Any) -> None:
    # For migrations: SQLite copies a table to alter it, and dropping the old copy with
    # foreign keys on deletes (cascades into) every row that refers to it.  The pragma is a
    # no-op inside a transaction, hence on connect.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    # A deferred transaction that reads and then writes fails at once with "database is
    # locked" when another process wrote in between; IMMEDIATE takes the write lock first and
    # waits for it within the busy timeout instead.
    if connection.get_execution_options().get("sqlite_immediate"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def make_engine(url: str, *, must_exist: bool = False, **kwargs: Any) -> Engine:
    """Create an engine for a database URL with the store's connection settings.

    Parameters
    ----------
    url : str
        SQLAlchemy URL: ``sqlite:///path/to/file.db`` or
        ``postgresql+psycopg://user@host/dbname``.  The directory of a SQLite file is
        created when missing.
    must_exist : bool
        Refuse a SQLite file that does not exist yet, instead of creating an empty one: for
        commands that only read or update a store made by ``triage db upgrade``.
    **kwargs
        Passed to :func:`sqlalchemy.create_engine`.

    Returns
    -------
    Engine
        Errors never quote statement parameters.  For SQLite: WAL journal, foreign keys on,
        a busy timeout so that concurrent writers wait instead of failing.

    Raises
    ------
    InputError
        When the URL cannot be parsed or names an unknown driver.
    StoreError
        When ``must_exist`` and the SQLite file is missing.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise InputError(f"invalid database URL: {exc}") from exc
    # SQLAlchemy errors quote the statement's parameters (complaint text, key hashes), and
    # the service logs the traceback of every database error: keep them out of the logs.
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            if must_exist and not Path(database).is_file():
                raise StoreError(f"no database at {database}: run `triage db upgrade` to create it")
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_S)
        # The API serves each request on one thread, but Flask's dev server and test
        # clients may use another one than the one that opened a pooled connection.
        connect_args.setdefault("check_same_thread", False)
        try:
            engine = create_engine(parsed, connect_args=connect_args, **kwargs)
        except (ArgumentError, ImportError) as exc:
            raise InputError(f"unusable database URL {parsed!r}: {exc}") from exc
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    try:
        return create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise InputError(f"unusable database URL {parsed!r}: {exc}") from exc


class Database:
    """An engine and its session factory; the base of the store's query classes.

    Parameters
    ----------
    engine : Engine
        From :func:`make_engine`.
    tenant_id : int
        The tenant whose rows the queries read and write (default: the sample city, the
        only tenant of a store migrated from before tenants).  :meth:`for_tenant` gives the
        same store on another tenant.
    """

    def __init__(self, engine: Engine, *, tenant_id: int = DEFAULT_TENANT_ID) -> None:
        self.engine = engine
        self.tenant_id = tenant_id
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            engine.execution_options(sqlite_immediate=True), expire_on_commit=False
        )

    def for_tenant(self, tenant_id: int) -> Self:
        """This store on ``tenant_id``'s rows, sharing the engine and session factories."""
        if tenant_id == self.tenant_id:
            return self
        scoped = copy.copy(self)
        scoped.tenant_id = tenant_id
        return scoped

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Database:
        """Open the database at ``url`` (see :func:`make_engine`)."""
        return cls(make_engine(url, **kwargs))

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A session in one transaction, committed on success and rolled back on error.

        Raises
        ------
        StoreError
            When the database fails (unreachable, locked past the timeout, ...).
        """
        factory = self._write_sessions if write else self._sessions
        try:
            with factory.begin() as session:
                yield session
        except SQLAlchemyError as exc:
            raise StoreError(_describe(exc)) from exc

    def insert(self, row: T, record: Callable[[T], R]) -> R:
        """Insert ``row`` in its own transaction and return ``record(row)`` made inside it.

        Raises
        ------
        DuplicateError
            When the row breaks a unique constraint (the transaction is rolled back).
        StoreError
            When the database fails otherwise.
        """
        with self._unique_write() as session:
            session.add(row)
            session.flush()
            return record(row)

    def insert_all(self, rows: Iterable[object]) -> None:
        """Insert ``rows`` in one transaction: all of them or, on any error, none.

        Raises
        ------
        DuplicateError
            When a row breaks a unique constraint.
        StoreError
            When the database fails otherwise.
        """
        with self._unique_write() as session:
            session.add_all(rows)

    @contextmanager
    def _unique_write(self) -> Iterator[Session]:
        try:
            with self.session(write=True) as session:
                yield session
        except StoreError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise DuplicateError(str(exc)) from exc.__cause__
            raise

    def schema_revision(self) -> str | None:
        """The migration the database is at, or None before the first one.

        Raises
        ------
        StoreError
            When the database cannot be reached.
        """
        from alembic.runtime.migration import MigrationContext

        try:
            with self.engine.connect() as connection:
                return MigrationContext.configure(connection).get_current_revision()
        except SQLAlchemyError as exc:
            raise StoreError(_describe(exc)) from exc

    @staticmethod
    def head_revision() -> str:
        """The newest migration shipped with this version of the package."""
        return _head_revision()

    def dispose(self) -> None:
        """Close pooled connections (after a fork, or at shutdown)."""
        self.engine.dispose()


@contextmanager
def scratch_schema(url: str, prefix: str) -> Iterator[str]:
    """``url`` (PostgreSQL) with its connections in a new, empty schema, dropped afterwards.

    For tests and benchmarks that need a database of their own on a shared server.
    """
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield f"{url}?options=-csearch_path%3D{schema}"
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


def alembic_config(url: str) -> Config:
    """Alembic configuration for the migrations shipped inside the package."""
    config = Config()
    config.set_main_option("script_location", "triage.store:migrations")
    # ConfigParser interpolation would choke on '%' in passwords.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (default: the newest migration).

    Parameters
    ----------
    url : str
        Database URL, as for :func:`make_engine`.
    revision : str
        Target revision id, or ``"head"``.

    Raises
    ------
    InputError
        When ``revision`` names no migration shipped with the package.
    StoreError
        When the database cannot be reached or a migration fails.
    """
    _migrate(command.upgrade, url, revision)


def downgrade(url: str, revision: str) -> None:
    """Take the database at ``url`` back to ``revision`` (undoing the migrations after it).

    Raises
    ------
    InputError
        When ``revision`` names no migration shipped with the package.
    StoreError
        When the database cannot be reached or a migration fails.
    """
    _migrate(command.downgrade, url, revision)


def _migrate(step: Callable[[Config, str], None], url: str, revision: str) -> None:
    engine = make_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        event.listen(engine, "connect", _sqlite_foreign_keys_off)
    config = alembic_config(url)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, revision)
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise StoreError(
                        f"migration failed: {len(broken)} rows would refer to missing rows"
                    )
    except CommandError as exc:
        raise InputError(f"cannot migrate to revision {revision!r}: {exc}") from exc
    except SQLAlchemyError as exc:
        raise StoreError(f"migration failed: {_describe(exc)}") from exc
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    """The revision the database at ``url`` is at, or None before the first migration."""
    database = Database.from_url(url)
    try:
        return database.schema_revision()
    finally:
        database.dispose()


@functools.cache
def _head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    if head is None:
        raise StoreError("the package ships no migrations")
    return head
