"""The first schema: articles and their rows, near-duplicate bands, runs, failures,
full-text search.

Revision ID: 0001
Revises:
Create Date: 2026-05-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(64)
RUN = sa.String(40)
WHEN = sa.DateTime(timezone=True)


def _article_fk() -> sa.Column:
    return sa.Column(
        "article_id", ID, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", ID, nullable=False, unique=True),
        sa.Column("url", sa.Text, unique=True),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("title", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("language", sa.String(16)),
        sa.Column("published", sa.String(40)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.Column("cluster_id", ID, nullable=False),
        sa.Column("minhash", sa.LargeBinary),
        sa.Column("source", sa.Text),
        sa.Column("ingested_at", WHEN, nullable=False),
        sa.Column("run_id", RUN),
    )
    op.create_index("ix_articles_published", "articles", ["published"])
    op.create_index("ix_articles_cluster", "articles", ["cluster_id"])
    op.create_index("ix_articles_language", "articles", ["language"])

    op.create_table(
        "sightings",
        _article_fk(),
        sa.Column("source", sa.Text, primary_key=True),
        sa.Column("url", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("raw_hash", sa.String(64)),
        sa.Column("run_id", RUN),
        sa.Column("seen_at", WHEN, nullable=False),
    )
    op.create_index("ix_sightings_url", "sightings", ["url"])
    op.create_index("ix_sightings_raw_hash", "sightings", ["raw_hash"])

    op.create_table(
        "lsh_bands",
        sa.Column("band", sa.BigInteger, primary_key=True),
        _article_fk(),
    )

    op.create_table(
        "actors",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("code", sa.Text),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("country", sa.Text),
        sa.Column("role", sa.Text),
        sa.Column("wikidata", sa.Text),
    )
    op.create_index("ix_actors_code", "actors", ["code"])

    op.create_table(
        "entities",
        _article_fk(),
        sa.Column("id", ID, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("label", sa.String(8), nullable=False),
        sa.Column("actor_name", sa.Text),
        sa.Column("actor_code", sa.Text),
        sa.Column("actor_country", sa.Text),
    )
    op.create_index("ix_entities_actor_code", "entities", ["actor_code"])

    op.create_table(
        "quotes",
        _article_fk(),
        sa.Column("id", ID, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("speaker_name", sa.Text),
        sa.Column("speaker_code", sa.Text),
        sa.Column("speaker_country", sa.Text),
        sa.Column("cue", sa.Text),
        sa.Column("outlet", sa.Text),
    )
    op.create_index("ix_quotes_speaker_code", "quotes", ["speaker_code"])
    op.create_index("ix_quotes_speaker_name", "quotes", ["speaker_name"])

    actor_cols = []
    for side in ("source", "target"):
        actor_cols += [
            sa.Column(f"{side}_{part}", sa.Text) for part in ("name", "country", "code", "role")
        ]
    op.create_table(
        "events",
        _article_fk(),
        sa.Column("id", ID, primary_key=True),
        sa.Column("event_key", sa.Text, nullable=False),
        *actor_cols,
        sa.Column("cameo", sa.String(8), nullable=False),
        sa.Column("root", sa.String(4), nullable=False),
        sa.Column("quad_class", sa.Integer),
        sa.Column("goldstein", sa.Float),
        sa.Column("plover", sa.String(32)),
        sa.Column("modality", sa.String(16), nullable=False),
        sa.Column("asserted_by", sa.Text),
        sa.Column("asserted_by_code", sa.Text),
        sa.Column("disputed_by", sa.Text),
        sa.Column("disputed_by_code", sa.Text),
        sa.Column("date", sa.String(40)),
        sa.Column("precision", sa.String(8)),
        sa.Column("location_name", sa.Text),
        sa.Column("location_country", sa.Text),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("nuclear", sa.Boolean, nullable=False),
        sa.Column("signal", sa.String(16)),
        sa.Column("confidence", sa.Float),
        sa.Column("sentence", sa.Text),
        sa.Column("sentence_start", sa.Integer),
        sa.Column("sentence_end", sa.Integer),
        sa.Column("trigger", sa.Text),
        sa.Column("trigger_start", sa.Integer),
        sa.Column("trigger_end", sa.Integer),
        sa.Column("num_articles", sa.Integer, nullable=False),
        sa.Column("num_outlets", sa.Integer, nullable=False),
    )
    op.create_index("ix_events_date", "events", ["date"])
    op.create_index("ix_events_pair", "events", ["source_country", "target_country"])
    op.create_index("ix_events_root", "events", ["root", "cameo"])
    op.create_index("ix_events_nuclear", "events", ["nuclear", "signal"])
    op.create_index("ix_events_key", "events", ["event_key"])
    op.create_index("ix_events_source_code", "events", ["source_code"])
    op.create_index("ix_events_target_code", "events", ["target_code"])

    op.create_table(
        "ingest_runs",
        sa.Column("id", RUN, primary_key=True),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("finished_at", WHEN),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sources", sa.JSON, nullable=False),
        sa.Column("read", sa.Integer, nullable=False),
        sa.Column("new", sa.Integer, nullable=False),
        sa.Column("duplicates", sa.Integer, nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
        sa.Column("skipped", sa.Integer, nullable=False),
    )

    op.create_table(
        "failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", RUN),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("time", WHEN, nullable=False),
    )
    op.create_index("ix_failures_run", "failures", ["run_id"])

    if op.get_bind().dialect.name == "postgresql":
        # A generated column keeps the index in step with every write, in the same
        # transaction. 'simple': no stemming, since one corpus mixes French and
        # English; the first 200,000 characters keep the vector under PostgreSQL's
        # 1 MB tsvector limit.
        op.execute(
            "ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS "
            "(to_tsvector('simple', left(coalesce(title, '') || ' ' || text, 200000))) STORED"
        )
        op.execute("CREATE INDEX ix_articles_search ON articles USING GIN (search)")
    else:
        # External-content FTS5: the text is stored once, in articles; triggers keep
        # the index in step inside the writing transaction.
        op.execute(
            "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', "
            "content_rowid='seq', tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
            "INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text); END"
        )
        op.execute(
            "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
            "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
            "VALUES ('delete', old.seq, old.title, old.text); END"
        )
        op.execute(
            "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN "
            "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
            "VALUES ('delete', old.seq, old.title, old.text); "
            "INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text); END"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        op.execute("DROP TABLE IF EXISTS articles_fts")
    for table in (
        "failures",
        "ingest_runs",
        "events",
        "quotes",
        "entities",
        "actors",
        "lsh_bands",
        "sightings",
        "articles",
    ):
        op.drop_table(table)
