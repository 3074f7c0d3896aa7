"""The monitor's tables: stored alerts, their deliveries, and the feed watcher's state.

They join the store's MetaData (tocsin.store.schema.metadata) so that queries,
dumps and the schema comparison see one database; migration 0002_monitor creates them.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from ..store.schema import metadata

WHEN = DateTime(timezone=True)

alerts = Table(
    "alerts",
    metadata,
    # alr_ + a hash of rule, level, pair and the rule's key: the same finding, the same id
    Column("id", String(40), primary_key=True),
    Column("rule", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("level", String(16), nullable=False),
    Column("pair", Text, nullable=False),
    Column("day", String(10), nullable=False),
    Column("key", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("details", JSON, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("created_at", WHEN, nullable=False),
    Index("ix_alerts_created", "created_at"),
    Index("ix_alerts_pair", "pair", "day"),
)

# One row per alert and destination ("file:/abs/path", "webhook:https://..."): a 'sent'
# row means never again; a 'failed' row is retried by the next delivery to it.
alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("alert_id", String(40), ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True),
    Column("destination", Text, primary_key=True),
    Column("status", String(16), nullable=False),  # sent | failed
    Column("attempts", Integer, nullable=False),
    Column("error", Text),
    Column("updated_at", WHEN, nullable=False),
)

# What `tocsin watch` knows of each feed: validators for conditional GET, and backoff.
watch_state = Table(
    "watch_state",
    metadata,
    Column("feed", Text, primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_polled", WHEN),
    Column("last_ok", WHEN),
    Column("failures", Integer, nullable=False),
    Column("next_poll", WHEN),
    Column("backoff", Float),
    Column("last_error", Text),
    Column("articles", Integer, nullable=False),
)
