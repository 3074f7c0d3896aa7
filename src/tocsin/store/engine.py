"""Database URLs, engines and schema migrations (SQLite by default, or PostgreSQL).

SQLite runs in WAL mode (readers never block the writer, and a killed writer
leaves the file consistent); its transactions are opened by us, IMMEDIATE for
writes, because pysqlite's own handling opens them lazily after the first SELECT,
which lets two writers both read and then deadlock on the upgrade to a write lock.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from ..errors import StoreError, UsageError

DEFAULT_URL = "sqlite:///tocsin.db"
MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant works: it names the lock two processes take to migrate one database.
_PG_MIGRATION_LOCK = 0x70C5_1A


def resolve_url(url: str | None = None) -> str:
    """The database to use: the given URL, else TOCSIN_DB, else sqlite:///tocsin.db."""
    return url or os.environ.get("TOCSIN_DB") or DEFAULT_URL


def display_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def engine_for(url: str) -> Engine:
    """An Engine for `url`; plain postgresql:// URLs use psycopg 3 (the driver installed)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UsageError(
            "--db", f"not a database URL: {url!r} (sqlite:///file.db or postgresql://...)"
        ) from None
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True)
    if backend != "sqlite":
        raise UsageError(
            "--db", f"unsupported database {backend!r} (use sqlite:/// or postgresql://)"
        )
    database = parsed.database or ""
    memory = database in ("", ":memory:")
    if not memory and not Path(database).parent.exists():
        raise StoreError(display_url(url), f"directory {Path(database).parent} does not exist")
    kwargs: dict[str, Any] = {"connect_args": {"timeout": 30}}
    if memory:
        # One shared connection, or every pooled connection gets its own empty database.
        kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    engine = create_engine(parsed, **kwargs)
    _sqlite_setup(engine, wal=not memory)
    return engine


def _sqlite_setup(engine: Engine, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, see below
        cur = dbapi_conn.cursor()
        if wal:
            cur.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL loses no committed transaction when a process is
            # killed (only on power loss), and is much faster than FULL.
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get("tocsin_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def _database_errors(engine: Engine) -> Iterator[None]:
    """The database failing (unreachable, locked, disk full) is a StoreError naming it;
    integrity and data errors pass through for the caller to judge."""
    try:
        yield
    except OperationalError as exc:
        # As the user wrote it: the driver name is ours.
        url = engine.url.set(drivername=engine.url.get_backend_name()).render_as_string(
            hide_password=True
        )
        raise StoreError(url, f"database error ({_reason(exc)})") from None


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a write transaction, committed on success, rolled back on error."""
    with _database_errors(engine), engine.connect() as conn:
        conn.execution_options(tocsin_write=True)
        with conn.begin():
            yield conn


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A connection for reading."""
    with _database_errors(engine), engine.connect() as conn:
        yield conn


def migrate(engine: Engine, url: str) -> None:
    """Create the schema, or upgrade it to the newest migration (Alembic)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    try:
        with write_transaction(engine) as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except SQLAlchemyError as exc:
        raise StoreError(display_url(url), f"cannot open the database ({_reason(exc)})") from None


def _reason(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
