"""Alembic environment: migrations run inside tocsin.store.open(), on its connection."""

from __future__ import annotations

from alembic import context

from tocsin.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "tocsin's migrations run through tocsin.store.open(url), not the alembic CLI"
    )

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
