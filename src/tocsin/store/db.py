"""The Store: writing records (one transaction per article) and reading them back.

An article is keyed three ways: its record id, its URL and the hash of its
normalised text. Writing one that matches any of them adds nothing but a
`sightings` row for the new place it was seen, so ingesting the same sources again
changes nothing, and an interrupted run rerun ends with the same database.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import distinct, false, func, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DataError, IntegrityError

from .. import dedup
from ..errors import InputError, NotFoundError
from ..record import Article, content_hash
from . import queries, rows, runs
from .engine import display_url, read_connection, write_transaction
from .schema import (
    actors,
    articles,
    entities,
    events,
    failures,
    ingest_runs,
    lsh_bands,
    quotes,
    sightings,
)

NEW = "new"
DUPLICATE = "duplicate"
_RUN_COUNTS = ("read", "new", "duplicates", "failed", "skipped")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _insert_ignore(conn: Connection, table: Any, values: list[dict[str, Any]]) -> int:
    """Insert rows, skipping those whose key exists; how many were inserted."""
    if not values:
        return 0
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    stmt = insert(table).on_conflict_do_nothing()
    if len(values) > 1:
        conn.execute(stmt, values)
        return -1  # not needed: only single rows are asked
    # RETURNING, not rowcount: psycopg reports -1 for INSERT ... ON CONFLICT DO NOTHING.
    return len(conn.execute(stmt.returning(*table.primary_key.columns), values[0]).all())


class Store:
    """A tocsin database. Open it with `tocsin.store.open(url)`."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self._beats = runs.Heartbeats()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({display_url(self.url)!r})"

    # -- runs and failures -------------------------------------------------------

    def start_run(self, sources: list[str]) -> str:
        """Open a run (status `running`, this host and process id); runs whose process
        died without closing them are marked `interrupted` first."""
        run_id = uuid.uuid4().hex
        now = _now()
        with write_transaction(self.engine) as conn:
            runs.close_dead_runs(conn, now)
            conn.execute(
                ingest_runs.insert().values(
                    id=run_id,
                    started_at=now,
                    status="running",
                    sources=list(sources),
                    read=0,
                    new=0,
                    duplicates=0,
                    failed=0,
                    skipped=0,
                    host=runs.this_host(),
                    pid=os.getpid(),
                    heartbeat_at=now,
                )
            )
        return run_id

    def heartbeat(self, run_id: str, counts: dict[str, int] | None = None) -> bool:
        """Say the run is alive, with its counts so far; written at most every few
        seconds however often it is called. Whether it was written."""
        if not self._beats.due(run_id):
            return False
        values: dict[str, Any] = {"heartbeat_at": _now(), "status": "running"}
        values.update({k: v for k, v in (counts or {}).items() if k in _RUN_COUNTS})
        with write_transaction(self.engine) as conn:
            # A live run marked interrupted by mistake (its heartbeat went stale on a
            # host that could not see its process) says it is running again.
            conn.execute(
                update(ingest_runs)
                .where(ingest_runs.c.id == run_id, ingest_runs.c.status != "done")
                .values(finished_at=None, **values)
            )
        return True

    def finish_run(self, run_id: str, counts: dict[str, int], status: str = "done") -> None:
        with write_transaction(self.engine) as conn:
            conn.execute(
                update(ingest_runs)
                .where(ingest_runs.c.id == run_id)
                .values(
                    status=status,
                    finished_at=_now(),
                    heartbeat_at=_now(),
                    **{k: counts.get(k, 0) for k in _RUN_COUNTS},
                )
            )
        self._beats.forget(run_id)

    def close_dead_runs(self, stale_after: dt.timedelta = runs.STALE_AFTER) -> list[str]:
        """Mark `interrupted` the runs left `running` by a process that is gone (see
        tocsin.store.runs); the ids marked."""
        with write_transaction(self.engine) as conn:
            return runs.close_dead_runs(conn, _now(), stale_after)

    def runs(self, limit: int = 100) -> list[dict[str, Any]]:
        """The latest ingest runs, newest first, dead ones marked `interrupted` first."""
        self.close_dead_runs()
        with read_connection(self.engine) as conn:
            found = conn.execute(
                select(ingest_runs)
                .order_by(ingest_runs.c.started_at.desc(), ingest_runs.c.id)
                .limit(limit)
            ).all()
        return [dict(r._mapping) for r in found]

    def record_failure(self, source: str, reason: str, run_id: str | None = None) -> None:
        with write_transaction(self.engine) as conn:
            conn.execute(
                failures.insert().values(run_id=run_id, source=source, reason=reason, time=_now())
            )

    # -- writing -----------------------------------------------------------------

    def seen(
        self,
        *,
        source: str,
        url: str | None = None,
        raw_hash: str | None = None,
        outlet: str | None = None,
        run_id: str | None = None,
    ) -> bool:
        """True if this document is already stored: its URL, or its very bytes, were met
        before (the new sighting is recorded). Saves analysing it again."""
        if not url and not raw_hash:
            return False
        with write_transaction(self.engine) as conn:
            found = None
            if url:
                found = conn.execute(select(articles.c.id).where(articles.c.url == url)).scalar()
                if found is None:
                    found = conn.execute(
                        select(sightings.c.article_id).where(sightings.c.url == url).limit(1)
                    ).scalar()
            if found is None and raw_hash:
                found = conn.execute(
                    select(sightings.c.article_id).where(sightings.c.raw_hash == raw_hash).limit(1)
                ).scalar()
            if found is None:
                return False
            if self._sight(
                conn, found, source, url, rows.outlet_key(outlet, url), raw_hash, run_id
            ):
                self._recount(conn, self._keys_of(conn, found))
            return True

    def add(
        self,
        article: Article,
        *,
        source: str | None = None,
        run_id: str | None = None,
        raw_hash: str | None = None,
    ) -> str:
        """Store an article with all its rows in one transaction: 'new', or 'duplicate'
        when its id, URL or text is already there."""
        where = source or article.url or article.id
        chash = content_hash(article.text)
        sig = dedup.signature(article.text)
        band_keys = dedup.bands(sig) if sig else []
        outlet = rows.outlet_key(article.outlet, article.url)
        try:
            with write_transaction(self.engine) as conn:
                existing = self._existing(conn, article, chash)
                if existing is not None:
                    if self._sight(conn, existing, where, article.url, outlet, raw_hash, run_id):
                        self._recount(conn, self._keys_of(conn, existing))
                    return DUPLICATE
                cluster = self._cluster_for(conn, sig, band_keys) or article.id
                self._insert(conn, article, chash, cluster, sig, where, run_id)
                if band_keys:
                    bands = [{"band": b, "article_id": article.id} for b in sorted(set(band_keys))]
                    conn.execute(lsh_bands.insert(), bands)
                self._sight(conn, article.id, where, article.url, outlet, raw_hash, run_id)
                self._recount(conn, {r["event_key"] for r in rows.event_rows(article)})
            return NEW
        except IntegrityError as exc:
            # Another process may have stored the same article between our check and
            # our insert; anything else is a record the schema refuses.
            with read_connection(self.engine) as conn:
                if self._existing(conn, article, chash) is not None:
                    return DUPLICATE
            raise InputError(where, f"cannot be stored ({queries.reason(exc)})") from None
        except DataError as exc:
            raise InputError(where, f"cannot be stored ({queries.reason(exc)})") from None

    def _existing(self, conn: Connection, article: Article, chash: str) -> str | None:
        cond = or_(
            articles.c.content_hash == chash,
            articles.c.id == article.id,
            articles.c.url == article.url if article.url else false(),
        )
        return conn.execute(
            select(articles.c.id).where(cond).order_by(articles.c.seq).limit(1)
        ).scalar()

    def _cluster_for(self, conn: Connection, sig: bytes | None, band_keys: list[int]) -> str | None:
        if sig is None or not band_keys:
            return None
        found = conn.execute(
            select(articles.c.id, articles.c.cluster_id, articles.c.minhash).where(
                articles.c.id.in_(
                    select(lsh_bands.c.article_id).where(lsh_bands.c.band.in_(band_keys))
                )
            )
        ).all()
        return dedup.choose_cluster(
            sig, (dedup.Candidate(r.id, r.cluster_id, r.minhash) for r in found if r.minhash)
        )

    def _insert(
        self,
        conn: Connection,
        article: Article,
        chash: str,
        cluster: str,
        sig: bytes | None,
        source: str,
        run_id: str | None,
    ) -> None:
        conn.execute(
            articles.insert().values(
                id=article.id,
                url=article.url,
                content_hash=chash,
                title=article.title,
                outlet=article.outlet,
                author=article.author,
                language=article.language,
                published=article.published,
                text=article.text,
                record=article.to_dict(),
                cluster_id=cluster,
                minhash=sig,
                source=source,
                ingested_at=_now(),
                run_id=run_id,
            )
        )
        _insert_ignore(conn, actors, rows.actor_rows(article))
        for table, values in (
            (entities, rows.entity_rows(article)),
            (quotes, rows.quote_rows(article)),
            (events, rows.event_rows(article)),
        ):
            if values:
                conn.execute(table.insert(), values)

    def _sight(
        self,
        conn: Connection,
        article_id: str,
        source: str,
        url: str | None,
        outlet: str | None,
        raw_hash: str | None,
        run_id: str | None,
    ) -> bool:
        row = {
            "article_id": article_id,
            "source": source,
            "url": url,
            "outlet": outlet,
            "raw_hash": raw_hash,
            "run_id": run_id,
            "seen_at": _now(),
        }
        return _insert_ignore(conn, sightings, [row]) > 0

    def _keys_of(self, conn: Connection, article_id: str) -> set[str]:
        return set(
            conn.execute(
                select(events.c.event_key).where(events.c.article_id == article_id)
            ).scalars()
        )

    def _recount(self, conn: Connection, keys: set[str]) -> None:
        """num_articles (distinct clusters) and num_outlets of every event with these keys."""
        for key in sorted(keys):
            reporting = select(events.c.article_id).where(events.c.event_key == key)
            n_articles = conn.execute(
                select(func.count(distinct(articles.c.cluster_id))).where(
                    articles.c.id.in_(reporting)
                )
            ).scalar()
            n_outlets = conn.execute(
                select(func.count(distinct(sightings.c.outlet))).where(
                    sightings.c.article_id.in_(reporting)
                )
            ).scalar()
            conn.execute(
                update(events)
                .where(events.c.event_key == key)
                .values(num_articles=n_articles, num_outlets=n_outlets)
            )

    # -- reading -----------------------------------------------------------------

    def article(self, article_id: str) -> Article:
        """The stored record, as it was analysed."""
        with read_connection(self.engine) as conn:
            record = conn.execute(
                select(articles.c.record).where(articles.c.id == article_id)
            ).scalar()
        if record is None:
            raise NotFoundError(article_id, "no such article in the database")
        return Article.from_dict(record)

    def iter_articles(self, batch: int = 200) -> Iterator[Article]:
        """Every stored record, in the order they were stored."""
        last = 0
        while True:
            with read_connection(self.engine) as conn:
                chunk = conn.execute(
                    select(articles.c.seq, articles.c.record)
                    .where(articles.c.seq > last)
                    .order_by(articles.c.seq)
                    .limit(batch)
                ).all()
            if not chunk:
                return
            for row in chunk:
                yield Article.from_dict(row.record)
            last = chunk[-1].seq

    def articles(self, **filters: Any) -> list[dict[str, Any]]:
        """Article metadata rows (no text): since, until, language, outlet, cluster_id, limit, offset."""
        with read_connection(self.engine) as conn:
            return queries.articles(conn, **filters)

    def cluster(self, cluster_id: str) -> dict[str, Any]:
        """A near-duplicate cluster: its articles, and every URL and outlet it was seen at."""
        with read_connection(self.engine) as conn:
            found = queries.cluster(conn, cluster_id)
        if not found["articles"]:
            raise NotFoundError(cluster_id, "no such cluster in the database")
        return found

    def events(self, **filters: Any) -> list[dict[str, Any]]:
        """Event rows with their article's url/outlet/title/published; see queries.events."""
        with read_connection(self.engine) as conn:
            return queries.events(conn, **filters)

    def quotes(self, speaker: str | None = None, **filters: Any) -> list[dict[str, Any]]:
        with read_connection(self.engine) as conn:
            return queries.quotes(conn, speaker=speaker, **filters)

    def actors(self) -> list[dict[str, Any]]:
        with read_connection(self.engine) as conn:
            return queries.actors(conn)

    def search(self, q: str, limit: int = 20) -> list[dict[str, Any]]:
        with read_connection(self.engine) as conn:
            return queries.search(conn, q, limit=limit)

    def failures(self, run_id: str | None = None) -> list[dict[str, Any]]:
        with read_connection(self.engine) as conn:
            stmt = select(
                failures.c.run_id, failures.c.source, failures.c.reason, failures.c.time
            ).order_by(failures.c.id)
            if run_id:
                stmt = stmt.where(failures.c.run_id == run_id)
            return [dict(r._mapping) for r in conn.execute(stmt)]

    def mentions(self) -> dict[str, int]:
        """How many event rows tell each event (by event key): GDELT's NumMentions."""
        with read_connection(self.engine) as conn:
            return queries.mentions(conn)

    def counts(self) -> dict[str, int]:
        with read_connection(self.engine) as conn:
            return queries.counts(conn)

    def summary(self, top: int = 10) -> dict[str, Any]:
        """What the corpus holds, for `tocsin demo` and the dashboard's front page."""
        with read_connection(self.engine) as conn:
            return queries.summary(conn, top=top)
