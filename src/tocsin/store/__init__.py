"""Storage of records in SQLite (the default) or PostgreSQL, through SQLAlchemy Core.

    from tocsin import store
    with store.open("sqlite:///tocsin.db") as db:      # creates or upgrades the schema
        db.add(article, source="feed.xml#3")          # 'new' or 'duplicate'
        db.events(pair="RUS-UKR", nuclear=True)

SQLAlchemy is imported on first use, not with this package: the CLI imports
tocsin.store.commands for every command, `tocsin --help` included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .db import DUPLICATE, NEW, Store
    from .engine import DEFAULT_URL, display_url, resolve_url

__all__ = ["DEFAULT_URL", "DUPLICATE", "NEW", "Store", "display_url", "open", "resolve_url"]

_LAZY = {
    "Store": "db",
    "NEW": "db",
    "DUPLICATE": "db",
    "DEFAULT_URL": "engine",
    "display_url": "engine",
    "resolve_url": "engine",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{module}"), name)


def open(url: str | None = None) -> Store:  # noqa: A001 - the natural name: store.open(url)
    """Open the database at `url` (else TOCSIN_DB, else sqlite:///tocsin.db), creating or
    upgrading its schema; StoreError when it cannot be reached."""
    from .db import Store
    from .engine import engine_for, migrate, resolve_url

    resolved = resolve_url(url)
    engine = engine_for(resolved)
    try:
        migrate(engine, resolved)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, resolved)
