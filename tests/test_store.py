"""The store on SQLite and PostgreSQL: schema, one-transaction writes, duplicates,
near-duplicate clusters, event counts across stories and outlets, filters, search."""

from __future__ import annotations

import contextlib
import importlib
import json

import pytest
from click.testing import CliRunner

from tocsin import dedup, store
from tocsin.cli import cli
from tocsin.errors import NotFoundError
from tocsin.record import DateValue

from .corpus import OTHER, REWRITE, WIRE, article, rich_articles, threat_articles


def invoke(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_migrations_create_exactly_the_schema(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from tocsin.store.schema import metadata

    # Other packages' tables join the same MetaData when imported (the monitor's, with
    # their own migration): import them so that the comparison sees the whole schema.
    with contextlib.suppress(ModuleNotFoundError):
        importlib.import_module("tocsin.monitor.tables")

    with store.open(db_url) as db, db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diffs = [
            d
            for d in compare_metadata(ctx, metadata)
            # full-text search lives outside the metadata (FTS5 tables, the tsvector column)
            if "articles_fts" not in repr(d) and "search" not in repr(d)
        ]
    assert diffs == []


def test_open_twice_and_env_url(db_url, monkeypatch):
    with store.open(db_url) as db:
        assert db.counts()["articles"] == 0
    monkeypatch.setenv("TOCSIN_DB", db_url)
    with store.open() as db:  # upgrade is a no-op the second time
        assert db.url == db_url


def test_article_round_trip_and_duplicates(db_url):
    a1, a2, a3 = rich_articles()
    with store.open(db_url) as db:
        assert db.add(a1, source="a1.html") == "new"
        assert db.add(a2) == "new"
        assert db.add(a1, source="a1.html") == "duplicate"  # same everything
        copy = article(a1.text, url="https://mirror.example/putin", outlet="Mirror")
        assert db.add(copy, source="mirror") == "duplicate"  # same text elsewhere
        assert db.article(a1.id).to_dict() == a1.to_dict()
        with pytest.raises(NotFoundError):
            db.article("art_missing")
        n = db.counts()
        assert (n["articles"], n["events"], n["quotes"], n["entities"], n["sightings"]) == (
            2,
            4,
            1,
            2,
            3,
        )
        cluster = db.cluster(a1.id)
        assert cluster["urls"] == ["https://mirror.example/putin", "https://news.example/putin"]
        assert cluster["outlets"] == ["Mirror", "News"]
        actors = {a["name"]: a for a in db.actors()}
        assert actors["Vladimir Putin"]["code"] == "RUSGOV"
        assert (
            actors["Vladimir Putin"]["quotes"] == 1
            and actors["Vladimir Putin"]["events_as_source"] == 2
        )
        quotes = db.quotes(speaker="rusgov")
        assert [q["text"] for q in quotes] == ["We are not bluffing,"]
        assert db.quotes(speaker="Vladimir Putin") == quotes
        assert db.add(a3) == "new"


def test_near_duplicates_share_a_cluster_and_count_once(db_url):
    wire, rewrite, other = threat_articles()
    assert dedup.similarity(dedup.signature(WIRE), dedup.signature(REWRITE)) >= dedup.THRESHOLD
    assert dedup.similarity(dedup.signature(WIRE), dedup.signature(OTHER)) < dedup.THRESHOLD
    with store.open(db_url) as db:
        for a in (wire, rewrite, other):
            assert db.add(a) == "new"
        clusters = {a["id"]: a["cluster_id"] for a in db.articles()}
        assert clusters[rewrite.id] == clusters[wire.id] == wire.id
        assert clusters[other.id] == other.id
        rows = db.events(cameo="138")
        assert len(rows) == 3
        # the wire story and its rewrite are one story; three outlets tell it
        assert {(r["num_articles"], r["num_outlets"]) for r in rows} == {(2, 3)}
        # a word-for-word reprint by a fourth outlet adds an outlet, not a story
        reprint = article(WIRE, url="https://reprint.example/x", outlet="Reprint")
        assert db.add(reprint) == "duplicate"
        assert {(r["num_articles"], r["num_outlets"]) for r in db.events(cameo="138")} == {(2, 4)}
        assert db.cluster(wire.id)["outlets"] == ["Daily", "Reprint", "Wire"]


def test_event_filters_library_and_cli(db_url):
    with store.open(db_url) as db:
        for a in rich_articles():
            db.add(a)

        def ids(**f):
            return sorted(f"{r['article_id'][-4:]}/{r['id']}" for r in db.events(**f))

        everything = ids()
        assert len(everything) == 6
        assert len(ids(actor="RUS")) == 5  # RUS, RUSGOV: a code takes its sub-codes
        assert len(ids(actor="vladimir putin")) == 2
        assert len(ids(pair="RUS-UKR")) == 2 and len(ids(pair="UKR-RUS")) == 2
        assert len(ids(pair="RUS>UKR")) == 1 and len(ids(pair="UKR>RUS")) == 1
        assert len(ids(cameo="138")) == 1 and len(ids(cameo="0332")) == 1
        assert len(ids(root="19")) == 1 and ids(root="1") == ids(root="01") != []
        assert len(ids(modality="hypothetical")) == 1 and len(ids(modality="negated")) == 1
        assert len(ids(nuclear=True)) == 2
        assert len(ids(signal="readiness")) == 1
        assert len(ids(since="2023-01-01")) == 4 and len(ids(until="2023-05-01")) == 3
        assert len(ids(since="2023-05-02", until="2023-05-02")) == 1
        # a date known to the month matches any day range its month overlaps
        month = rich_articles()[1]
        month.text, month.url = month.text + " Later.", "https://news.example/month"
        month.id = month.id + "m"
        month.events[0].date = DateValue("2023-04", "month")
        db.add(month)
        assert len(ids(since="2023-04-30", until="2023-04-30")) == 1
        assert len(ids(since="2023-04-30", until="2023-05-01")) == 2
        row = db.events(cameo="1385")[0]
        assert row["cameo"] == "1385" and row["root"] == "13" and row["source_code"] == "RUSGOV"
        assert (row["location_name"], row["lat"], row["nuclear"], row["signal"]) == (
            "Moscow",
            55.75,
            True,
            "rhetoric",
        )
        assert row["url"] == "https://news.example/putin" and row["num_articles"] == 1
    out = json.loads(
        invoke("events", "--db", db_url, "--pair", "RUS-UKR", "--nuclear", "--json").stdout
    )
    assert [r["cameo"] for r in out] == ["1385"]
    out = json.loads(invoke("events", "--db", db_url, "--root", "01", "--json").stdout)
    assert [r["cameo"] for r in out] == ["010"]  # a string, never 10
    table = invoke("events", "--db", db_url, "--signal", "readiness").stdout
    assert "began drills" in table and "1 events" in table
    bad = CliRunner().invoke(cli, ["events", "--db", db_url, "--pair", "Russia"])
    assert bad.exit_code == 2 and "--pair" in bad.output


def test_search_finds_words_and_survives_odd_queries(db_url):
    with store.open(db_url) as db:
        for a in rich_articles():
            db.add(a)
        assert [h["title"] for h in db.search("bluffing")] == ["Putin warns"]
        assert {h["url"] for h in db.search("Belgorod OR Minsk")} == {
            "https://news.example/depot",
            "https://blog.example/drills",
        }
        assert db.search('"fuel depot"')[0]["url"] == "https://news.example/depot"
        assert db.search('U.S. "air (defence* AND NOT') is not None  # no syntax error
    hits = json.loads(invoke("search", "nuclear", "--db", db_url, "--json").stdout)
    assert {h["url"] for h in hits} == {"https://news.example/putin", "https://blog.example/drills"}
    assert "nuclear" in hits[0]["snippet"].lower()
    assert "no article matches" in invoke("search", "zzzyzzx", "--db", db_url).stdout


def test_summary_and_failures(db_url):
    with store.open(db_url) as db:
        for a in rich_articles():
            db.add(a)
        db.record_failure("feed.xml#2", "HTTP 404 Not Found")
        s = db.summary()
        assert s["languages"] == {"en": 3}
        assert s["signals"] == {"readiness": 1, "rhetoric": 1}
        assert s["modalities"]["asserted"] == 3
        assert s["speakers"][0]["name"] == "Vladimir Putin"
        assert s["top_actors"][0]["name"] in ("Russia", "Vladimir Putin")
        assert db.failures()[0]["reason"] == "HTTP 404 Not Found"


def test_bad_database_urls_are_one_line(tmp_path):
    bad = CliRunner().invoke(cli, ["search", "x", "--db", "nosuch://host/db"])
    assert bad.exit_code == 2 and "unsupported database" in bad.output
    missing = CliRunner().invoke(cli, ["search", "x", "--db", f"sqlite:///{tmp_path}/no/dir/t.db"])
    assert missing.exit_code == 1 and "does not exist" in missing.output
    assert len(missing.output.strip().splitlines()) == 1


def test_dead_runs_are_marked_interrupted(db_url):
    """Runs left `running`: on this host, judged by their process; elsewhere (or from
    before runs recorded a pid), by their heartbeat's age."""
    import datetime as dt
    import os
    import socket

    from tocsin.store.runs import STALE_AFTER
    from tocsin.store.schema import ingest_runs

    now = dt.datetime.now(dt.UTC)
    old = now - STALE_AFTER - dt.timedelta(minutes=5)
    here = socket.gethostname()
    # This test process's parent started before `now` and is alive: a live run.
    parent = os.getppid()
    rows = {
        "alive-here": {"host": here, "pid": parent, "started_at": now, "heartbeat_at": old},
        # The pid of a process that started after the run: the run's process is gone
        # (read from /proc for another process, from the module's load for this one).
        "ppid-reused": {
            "host": here,
            "pid": parent,
            "started_at": now - dt.timedelta(days=30),
            "heartbeat_at": now,
        },
        "pid-reused": {
            "host": here,
            "pid": os.getpid(),
            "started_at": now - dt.timedelta(days=30),
            "heartbeat_at": now,
        },
        "fresh-elsewhere": {"host": "elsewhere", "pid": 1, "started_at": old, "heartbeat_at": now},
        "stale-elsewhere": {"host": "elsewhere", "pid": 1, "started_at": old, "heartbeat_at": old},
        "no-pid-old": {"host": None, "pid": None, "started_at": old, "heartbeat_at": None},
        "no-pid-new": {"host": None, "pid": None, "started_at": now, "heartbeat_at": None},
    }
    with store.open(db_url) as db:
        with db.engine.begin() as conn:
            for run_id, values in rows.items():
                conn.execute(
                    ingest_runs.insert().values(
                        id=run_id,
                        status="running",
                        sources=["x"],
                        read=0,
                        new=0,
                        duplicates=0,
                        failed=0,
                        skipped=0,
                        **values,
                    )
                )
        mine = db.start_run(["y"])  # starting a run closes the dead ones
        status = {r["id"]: r["status"] for r in db.runs()}
        assert status == {
            "alive-here": "running",
            "ppid-reused": "interrupted",
            "pid-reused": "interrupted",
            "fresh-elsewhere": "running",
            "stale-elsewhere": "interrupted",
            "no-pid-old": "interrupted",
            "no-pid-new": "running",
            mine: "running",
        }
        stale = next(r for r in db.runs() if r["id"] == "stale-elsewhere")
        assert stale["finished_at"] is not None  # its last heartbeat
        # A run marked dead by mistake that beats again is running again; done stays done.
        assert db.heartbeat("stale-elsewhere", {"read": 3})
        db.finish_run(mine, {"read": 1, "new": 1})
        assert not db.close_dead_runs()
        after = {r["id"]: r for r in db.runs()}
        assert after["stale-elsewhere"]["status"] == "running"
        assert after["stale-elsewhere"]["read"] == 3
        assert (after[mine]["status"], after[mine]["pid"]) == ("done", os.getpid())


def _accented_articles():
    accented = article(
        "Volodymyr Zélensky a rencontré à Kyiv le ministre de la Biélorussie.",
        url="https://fr.example/zelensky",
        language="fr",
        title="Zélensky à Kyiv",
    )
    plain = article(
        "Officials in Bielorussie said Zelensky would not attend the summit.",
        url="https://en.example/summit",
        title="Summit",
    )
    return accented, plain


def test_search_ignores_accents_both_ways(db_url):
    accented, plain = _accented_articles()
    with store.open(db_url) as db:
        db.add(accented)
        db.add(plain)
        both = {accented.url, plain.url}
        for q in ("Zelensky", "Zélensky", "ZÉLENSKY", "Bielorussie", "Biélorussie"):
            assert {h["url"] for h in db.search(q)} == both, q
        assert {h["url"] for h in db.search('"Zelensky a rencontre"')} == {accented.url}
        assert [h["url"] for h in db.search("rencontré")] == [accented.url]
        assert "[Zélensky]" in db.search("zelensky ministre")[0]["snippet"]


@pytest.mark.postgres
def test_unaccent_migration_by_a_database_owner_on_existing_articles(pg_server):
    """Not a superuser: the database's owner creates the (trusted) unaccent extension,
    and upgrading a database that holds articles rebuilds their search vectors."""
    import uuid

    import psycopg
    from alembic import command
    from alembic.config import Config

    from tocsin.store.db import Store
    from tocsin.store.engine import MIGRATIONS, engine_for, write_transaction

    role, name = "owner_" + uuid.uuid4().hex[:8], "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(
        host="127.0.0.1", port=pg_server.port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER')
        conn.execute(f'CREATE DATABASE "{name}" OWNER "{role}"')
    url = f"postgresql://{role}@127.0.0.1:{pg_server.port}/{name}"

    accented, plain = _accented_articles()
    engine = engine_for(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with write_transaction(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003_run_liveness")  # the schema before accent-free search
    old = Store(engine, url)
    old.add(accented)
    old.add(plain)
    with write_transaction(engine) as conn:
        found = conn.exec_driver_sql(
            "SELECT count(*) FROM articles WHERE search @@ websearch_to_tsquery('simple', 'zelensky')"
        ).scalar()
    assert found == 1  # accents kept: only the plain spelling matched
    old.close()

    with store.open(url) as db:
        assert {h["url"] for h in db.search("Zelensky")} == {accented.url, plain.url}
        with db.engine.connect() as conn:
            superuser = conn.exec_driver_sql(
                "SELECT usesuper FROM pg_user WHERE usename = current_user"
            ).scalar()
            extension = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_extension WHERE extname = 'unaccent'"
            ).scalar()
    assert (superuser, extension) == (False, 1)


@pytest.mark.postgres
def test_unaccent_missing_and_not_creatable_is_one_line_then_works_once_installed(pg_server):
    """A user who may create tables but not extensions is told what to ask for; once a
    superuser has created the extension, the same user opens the database."""
    import uuid

    import psycopg

    from tocsin.errors import StoreError

    role, name = "user_" + uuid.uuid4().hex[:8], "t_" + uuid.uuid4().hex[:12]

    def as_postgres(database: str, *sql: str) -> None:
        with psycopg.connect(
            host="127.0.0.1", port=pg_server.port, user="postgres", dbname=database, autocommit=True
        ) as conn:
            for statement in sql:
                conn.execute(statement)

    as_postgres("postgres", f'CREATE ROLE "{role}" LOGIN NOSUPERUSER', f'CREATE DATABASE "{name}"')
    as_postgres(name, f'GRANT CREATE ON SCHEMA public TO "{role}"')
    url = f"postgresql://{role}@127.0.0.1:{pg_server.port}/{name}"
    with pytest.raises(StoreError) as refused:
        store.open(url)
    assert "cannot create the unaccent extension" in refused.value.reason
    assert "CREATE EXTENSION unaccent" in refused.value.reason
    result = CliRunner().invoke(cli, ["search", "x", "--db", url])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert "unaccent" in result.output

    as_postgres(name, "CREATE EXTENSION unaccent")
    accented, plain = _accented_articles()
    with store.open(url) as db:
        db.add(accented)
        assert [h["url"] for h in db.search("Zelensky")] == [accented.url]
