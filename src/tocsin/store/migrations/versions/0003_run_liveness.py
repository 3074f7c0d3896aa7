"""Ingest runs record their host, process id and a heartbeat, so that a run killed
without closing (SIGKILL) can be told from a live one and marked interrupted.

Revision ID: 0003_run_liveness
Revises: 0002_monitor
Create Date: 2026-05-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_run_liveness"
down_revision = "0002_monitor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns: a plain ADD COLUMN on both SQLite and PostgreSQL, no table copy.
    # Runs stored before have no pid: their staleness is judged by their start time.
    op.add_column("ingest_runs", sa.Column("host", sa.Text))
    op.add_column("ingest_runs", sa.Column("pid", sa.Integer))
    op.add_column("ingest_runs", sa.Column("heartbeat_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("ingest_runs") as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("pid")
        batch.drop_column("host")
