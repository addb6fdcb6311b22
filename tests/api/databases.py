"""Throw-away databases for tests: a SQLite file, or a fresh schema in the local PostgreSQL."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import OperationalError

from triage.store import upgrade
from triage.store.database import scratch_schema

# The CI machine runs PostgreSQL with trust auth on loopback; elsewhere these tests skip.
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")


@functools.cache
def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 2})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        return f"PostgreSQL at {POSTGRES_URL} is not reachable: {str(exc).splitlines()[0]}"
    finally:
        engine.dispose()
    return None


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL whose connections live in a new schema, dropped afterwards."""
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    with scratch_schema(POSTGRES_URL, "triage_test") as url:
        yield url


@contextmanager
def migrated_database(backend: str, directory: Path) -> Iterator[str]:
    """The URL of an empty, migrated database of the given backend."""
    if backend == "sqlite":
        url = f"sqlite:///{directory / 'triage.db'}"
        upgrade(url)
        yield url
        return
    with postgres_schema() as url:
        upgrade(url)
        yield url


def fresh_copy(backend: str, url: str, directory: Path) -> str:
    """The URL of a row-less copy of the migrated database at ``url`` for one test: the
    SQLite file copied into ``directory``, or the PostgreSQL schema emptied."""
    if backend == "sqlite":
        copy = directory / "triage.db"
        shutil.copyfile(url.removeprefix("sqlite:///"), copy)
        return f"sqlite:///{copy}"
    empty_tables(url)
    return url


def empty_tables(url: str) -> None:
    """Delete every row of a migrated database (faster than migrating anew)."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            # Children first; DELETE is much faster than TRUNCATE on a handful of rows.
            ordered = inspect(connection).get_sorted_table_and_fkc_names()
            for table, _ in reversed(ordered):
                if table == "tenants":
                    # The default tenant is part of the migrated schema (0008).
                    connection.execute(text("DELETE FROM tenants WHERE id <> 1"))
                elif table is not None and table != "alembic_version":
                    connection.execute(text(f'DELETE FROM "{table}"'))
    finally:
        engine.dispose()
