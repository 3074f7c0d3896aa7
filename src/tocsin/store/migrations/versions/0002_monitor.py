"""The escalation monitor's tables: alerts, their deliveries per destination, and the
feed watcher's per-feed state (conditional GET validators, error backoff).

Revision ID: 0002_monitor
Revises: 0001
Create Date: 2026-05-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_monitor"
down_revision = "0001"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("pair", sa.Text, nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_index("ix_alerts_created", "alerts", ["created_at"])
    op.create_index("ix_alerts_pair", "alerts", ["pair", "day"])

    op.create_table(
        "alert_deliveries",
        sa.Column(
            "alert_id",
            sa.String(40),
            sa.ForeignKey("alerts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("destination", sa.Text, primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("updated_at", WHEN, nullable=False),
    )

    op.create_table(
        "watch_state",
        sa.Column("feed", sa.Text, primary_key=True),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_polled", WHEN),
        sa.Column("last_ok", WHEN),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("next_poll", WHEN),
        sa.Column("backoff", sa.Float),
        sa.Column("last_error", sa.Text),
        sa.Column("articles", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("watch_state")
    op.drop_table("alert_deliveries")
    op.drop_index("ix_alerts_pair", table_name="alerts")
    op.drop_index("ix_alerts_created", table_name="alerts")
    op.drop_table("alerts")
