"""PostgreSQL full-text search ignores accents, as SQLite's FTS5 (remove_diacritics)
already does: "Zelensky" finds "Zélensky", "Biélorussie" finds "Bielorussie".

A text search configuration `tocsin_search` copies 'simple' (no stemming: a corpus
mixes languages) and passes words through the `unaccent` dictionary first. The
generated `search` column is rebuilt with it (PostgreSQL cannot change a generated
column's expression before version 17). to_tsvector with a constant configuration is
immutable, as a generated column requires; unaccent() itself is only stable.

`unaccent` is a contrib extension (Debian's postgresql package ships it) marked
trusted: a database owner may create it without being a superuser.

Revision ID: 0004_search_unaccent
Revises: 0003_run_liveness
Create Date: 2026-05-22
"""

from __future__ import annotations

from alembic import op
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from tocsin.errors import StoreError

revision = "0004_search_unaccent"
down_revision = "0003_run_liveness"
branch_labels = None
depends_on = None

CONFIG = "tocsin_search"
# The parser's token types that may hold letters outside ASCII (asciiword and its
# kin cannot carry an accent).
_ACCENTED = "word, hword, hword_part, numword, numhword, hword_numpart"
_DOCUMENT = "left(coalesce(title, '') || ' ' || text, 200000)"


def _where(conn: Connection) -> str:
    url = conn.engine.url
    return url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)


def _unaccent_schema(conn: Connection) -> str:
    """The schema holding the unaccent dictionary, creating the extension if needed."""
    query = (
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'unaccent'"
    )
    schema = conn.exec_driver_sql(query).scalar()
    if schema:
        return str(schema)
    available = conn.exec_driver_sql(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'"
    ).scalar()
    if not available:
        raise StoreError(
            _where(conn),
            "accent-insensitive search needs PostgreSQL's unaccent extension, which this "
            "server does not have: install PostgreSQL's contrib modules (Debian's "
            "postgresql package ships them; postgresql-contrib elsewhere)",
        )
    try:
        conn.exec_driver_sql("CREATE EXTENSION unaccent")
    except DBAPIError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise StoreError(
            _where(conn),
            f"cannot create the unaccent extension ({reason}): the database owner or a "
            "superuser must run CREATE EXTENSION unaccent; in this database once",
        ) from None
    return str(conn.exec_driver_sql(query).scalar())


def _search_column(config: str) -> None:
    op.execute("DROP INDEX IF EXISTS ix_articles_search")
    op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search")
    op.execute(
        "ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS "
        f"(to_tsvector('{config}'::regconfig, {_DOCUMENT})) STORED"
    )
    op.execute("CREATE INDEX ix_articles_search ON articles USING GIN (search)")


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return  # FTS5's unicode61 tokenizer already removes diacritics
    schema = _unaccent_schema(conn)
    op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")
    op.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.simple)")
    # unaccent is a filtering dictionary: it hands the unaccented word on to 'simple'
    # (which lower-cases it).
    op.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR {_ACCENTED} "
        f'WITH "{schema}".unaccent, pg_catalog.simple'
    )
    _search_column(CONFIG)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _search_column("simple")
    op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")
