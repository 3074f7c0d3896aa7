"""The database's tables, as SQLAlchemy Core objects the queries are written with.

The migrations under migrations/versions/ create exactly these (a test compares
them); full-text search lives outside this metadata because it is dialect-specific:
an FTS5 table on SQLite, a generated tsvector column with a GIN index on PostgreSQL
(text search configuration `tocsin_search`: 'simple' without accents).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    # An integer key because SQLite's FTS5 index points at rows by integer (and a
    # table without one may renumber its rows on VACUUM); `id` is the record's id.
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(64), nullable=False, unique=True),
    Column("url", Text, unique=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("title", Text),
    Column("outlet", Text),
    Column("author", Text),
    Column("language", String(16)),
    Column("published", String(40)),
    Column("text", Text, nullable=False),
    Column("record", JSON, nullable=False),
    Column("cluster_id", String(64), nullable=False),
    Column("minhash", LargeBinary),
    Column("source", Text),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("run_id", String(40)),
    Index("ix_articles_published", "published"),
    Index("ix_articles_cluster", "cluster_id"),
    Index("ix_articles_language", "language"),
)

# Every place an article was seen: its first source, and each exact copy (same text)
# found elsewhere. Outlets are counted from here, so a wire story reprinted word for
# word by three outlets counts three outlets but one article.
sightings = Table(
    "sightings",
    metadata,
    Column(
        "article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("source", Text, primary_key=True),
    Column("url", Text),
    Column("outlet", Text),
    # sha256 of the document's bytes as read: the same bytes met again need no analysis
    Column("raw_hash", String(64)),
    Column("run_id", String(40)),
    Column("seen_at", DateTime(timezone=True), nullable=False),
    Index("ix_sightings_url", "url"),
    Index("ix_sightings_raw_hash", "raw_hash"),
)

# MinHash LSH bands: an article's candidates are the articles sharing any band.
lsh_bands = Table(
    "lsh_bands",
    metadata,
    Column("band", BigInteger, primary_key=True),
    Column(
        "article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    ),
)

actors = Table(
    "actors",
    metadata,
    Column("key", Text, primary_key=True),  # "code|name": one row per distinct actor
    Column("code", Text),
    Column("name", Text, nullable=False),
    Column("country", Text),
    Column("role", Text),
    Column("wikidata", Text),
    Index("ix_actors_code", "code"),
)

entities = Table(
    "entities",
    metadata,
    Column(
        "article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("id", String(64), primary_key=True),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("label", String(8), nullable=False),
    Column("actor_name", Text),
    Column("actor_code", Text),
    Column("actor_country", Text),
    Index("ix_entities_actor_code", "actor_code"),
)

quotes = Table(
    "quotes",
    metadata,
    Column(
        "article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("id", String(64), primary_key=True),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("speaker_name", Text),
    Column("speaker_code", Text),
    Column("speaker_country", Text),
    Column("cue", Text),
    Column("outlet", Text),
    Index("ix_quotes_speaker_code", "speaker_code"),
    Index("ix_quotes_speaker_name", "speaker_name"),
)

events = Table(
    "events",
    metadata,
    Column(
        "article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("id", String(64), primary_key=True),
    # source code | target code | cameo | date: the same event told by other articles
    Column("event_key", Text, nullable=False),
    Column("source_name", Text),
    Column("source_country", Text),
    Column("source_code", Text),
    Column("source_role", Text),
    Column("target_name", Text),
    Column("target_country", Text),
    Column("target_code", Text),
    Column("target_role", Text),
    Column("cameo", String(8), nullable=False),
    Column("root", String(4), nullable=False),
    Column("quad_class", Integer),
    Column("goldstein", Float),
    Column("plover", String(32)),
    Column("modality", String(16), nullable=False),
    Column("asserted_by", Text),
    Column("asserted_by_code", Text),
    Column("disputed_by", Text),
    Column("disputed_by_code", Text),
    Column("date", String(40)),
    Column("precision", String(8)),
    Column("location_name", Text),
    Column("location_country", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("nuclear", Boolean, nullable=False),
    Column("signal", String(16)),
    Column("confidence", Float),
    Column("sentence", Text),
    Column("sentence_start", Integer),
    Column("sentence_end", Integer),
    Column("trigger", Text),
    Column("trigger_start", Integer),
    Column("trigger_end", Integer),
    Column("num_articles", Integer, nullable=False),
    Column("num_outlets", Integer, nullable=False),
    Index("ix_events_date", "date"),
    Index("ix_events_pair", "source_country", "target_country"),
    Index("ix_events_root", "root", "cameo"),
    Index("ix_events_nuclear", "nuclear", "signal"),
    Index("ix_events_key", "event_key"),
    Index("ix_events_source_code", "source_code"),
    Index("ix_events_target_code", "target_code"),
)

ingest_runs = Table(
    "ingest_runs",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", String(16), nullable=False),  # running | done | interrupted
    Column("sources", JSON, nullable=False),
    Column("read", Integer, nullable=False, default=0),
    Column("new", Integer, nullable=False, default=0),
    Column("duplicates", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    Column("skipped", Integer, nullable=False, default=0),
    # Who runs it and its last sign of life: a run left `running` by a killed process
    # is told from a live one by these (tocsin.store.runs).
    Column("host", Text),
    Column("pid", Integer),
    Column("heartbeat_at", DateTime(timezone=True)),
)

failures = Table(
    "failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(40)),
    Column("source", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("time", DateTime(timezone=True), nullable=False),
    Index("ix_failures_run", "run_id"),
)
