"""Watching feeds: poll RSS/Atom feeds (or the feeds an OPML file lists) with
conditional GET, ingest their new entries through the store, raise alerts, deliver them.

Per feed, watch_state keeps the ETag and Last-Modified validators and an error
backoff (exponential from the polling interval, capped). Validators are saved only
once every entry of a feed has been handled: a watcher stopped or killed part-way
polls the feed in full next time, and the entries already stored are skipped, so
nothing is lost and nothing is stored twice. A stop request (SIGTERM, SIGINT) lets
the current entry finish and be committed; then the watcher returns.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, TocsinError, UsageError
from ..ingest import RawDocument, feeds, web
from ..store.runs import aware
from .alerting import DeliveryReport, Destination, deliver, pending_alerts, run_rules
from .rules import Rule

MAX_BACKOFF = 6 * 3600.0
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?", re.I)
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}

# (event, details): "feed" after each feed, "alert" for each new alert, "delivery".
Notify = Callable[[str, dict[str, Any]], None]


def parse_duration(text: str, name: str = "--every") -> float:
    """Seconds in '15m', '1h30m', '90s', '2h', '1d' or a plain number of seconds."""
    value = (text or "").strip().lower()
    pos, total = 0, 0.0
    for m in _DURATION.finditer(value):
        if m.start() != pos or (m.group(2) is None and m.end() != len(value)):
            break
        total += float(m.group(1)) * _UNITS[m.group(2) or "s"]
        pos = m.end()
    if not value or pos != len(value) or total <= 0:
        raise UsageError(name, f"expected a duration such as 30s, 15m or 1h, got {text!r}")
    return total


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class WatchOptions:
    every: float = 900.0
    allow_private: bool = False
    timeout: float = 10.0
    max_backoff: float = MAX_BACKOFF
    rules: list[Rule] | None = None  # None: the shipped defaults
    destinations: list[Destination] = field(default_factory=list)

    def fetch(self, headers: dict[str, str] | None = None) -> web.FetchOptions:
        return web.FetchOptions(
            allow_private=self.allow_private, timeout=self.timeout, headers=headers
        )


@dataclass
class FeedResult:
    feed: str
    status: str  # new | unchanged | not-modified | error | backoff | interrupted
    new: int = 0
    duplicates: int = 0
    failed: int = 0
    error: str | None = None
    retry_at: str | None = None


@dataclass
class CycleReport:
    feeds: list[FeedResult] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    deliveries: list[DeliveryReport] = field(default_factory=list)
    interrupted: bool = False

    @property
    def new(self) -> int:
        return sum(f.new for f in self.feeds)

    def to_dict(self) -> dict[str, Any]:
        return {
            "feeds": [vars(f) for f in self.feeds],
            "new": self.new,
            "alerts": [a["id"] for a in self.alerts],
            "deliveries": [d.to_dict() for d in self.deliveries],
            "interrupted": self.interrupted,
        }


# -- state -----------------------------------------------------------------------------------


def get_state(db: Any, feed: str) -> dict[str, Any]:
    from sqlalchemy import select

    from .tables import watch_state as W

    with db.engine.connect() as conn:
        row = conn.execute(select(W).where(W.c.feed == feed)).first()
    if row is None:
        return {
            "feed": feed,
            "etag": None,
            "last_modified": None,
            "failures": 0,
            "articles": 0,
            "next_poll": None,
            "backoff": None,
        }
    state = dict(row._mapping)
    for k in ("last_polled", "last_ok", "next_poll"):
        state[k] = aware(state[k])
    return state


def save_state(db: Any, feed: str, **values: Any) -> None:
    from sqlalchemy import update

    from ..store.engine import write_transaction
    from .tables import watch_state as W

    with write_transaction(db.engine) as conn:
        if conn.execute(update(W).where(W.c.feed == feed).values(**values)).rowcount == 0:
            conn.execute(
                W.insert().values(**{"failures": 0, "articles": 0, **values, "feed": feed})
            )


def watch_states(db: Any) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from .tables import watch_state as W

    with db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(W).order_by(W.c.feed))]


# -- feeds -----------------------------------------------------------------------------------


def opml_feeds(source: str, data: bytes, base: Path | None) -> list[str]:
    """The feeds (URLs, or paths made absolute) an OPML document lists, each once."""
    found = []
    for listed in feeds.opml_feed_urls(source, data):
        url = listed if web.is_url(listed) else str(((base or Path.cwd()) / listed).resolve())
        if url not in found:
            found.append(url)
    return found


def entries(
    feed: str, data: bytes, options: web.FetchOptions, stored: Callable[[str], bool]
) -> Iterator[RawDocument | TocsinError | str]:
    """Each entry of `feed` (see tocsin.ingest.feeds.feed_entries), named by its link so
    that its name survives newer entries pushing it down; the entry's URL, unfetched,
    when `stored(url)` says it is already stored."""
    return feeds.feed_entries(
        feed,
        data,
        options,
        base_url=feed if web.is_url(feed) else None,
        stored=stored,
        name_by_link=True,
    )


# -- the watcher -----------------------------------------------------------------------------


class Watcher:
    """Polls its sources in cycles; `stop()` (from a signal handler too) ends it after
    the entry in hand."""

    def __init__(
        self,
        db: Any,
        sources: list[str],
        options: WatchOptions | None = None,
        pipeline: Any = None,
        notify: Notify | None = None,
    ) -> None:
        if not sources:
            raise UsageError("watch", "name at least one feed, OPML file or feed URL")
        self.db = db
        self.sources = list(sources)
        self.options = options or WatchOptions()
        self._pipeline = pipeline
        self._notify = notify or (lambda event, details: None)
        self._stop = threading.Event()
        self._opml_urls: set[str] = set()
        self._run_id: str | None = None
        self._counts = {"read": 0, "new": 0, "duplicates": 0, "failed": 0, "skipped": 0}
        self.cycles = 0

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @property
    def pipeline(self) -> Any:
        if self._pipeline is None:
            from ..pipeline import Pipeline

            self._pipeline = Pipeline()
        return self._pipeline

    def run(self, once: bool = False) -> list[CycleReport]:
        """Cycle until stopped (or once); between cycles wait `every`, waking on stop."""
        reports = []
        while not self.stopping:
            reports.append(self.cycle())
            if once or self.stopping:
                break
            self._stop.wait(self.options.every)
        return reports

    # -- one cycle ---------------------------------------------------------------------

    def cycle(self) -> CycleReport:
        report = CycleReport()
        try:
            for source in self.sources:
                if self.stopping:
                    break
                for result in self._poll_source(source):
                    report.feeds.append(result)
                    self._notify("feed", vars(result))
        finally:
            self._finish_run()
        report.interrupted = self.stopping
        # Rules run on the first cycle too, to catch up on articles a stopped watcher
        # stored; a stopping watcher leaves them to its next start, and exits now.
        if not self.stopping and (report.new or self.cycles == 0):
            keys = [d.key for d in self.options.destinations]
            report.alerts = run_rules(self.db, self.options.rules, destinations=keys)
            for alert in report.alerts:
                self._notify("alert", alert)
        if not self.stopping:
            for dest in self.options.destinations:
                pending = pending_alerts(self.db, dest.key)
                if pending:
                    delivery = deliver(self.db, pending, dest)
                    report.deliveries.append(delivery)
                    self._notify("delivery", delivery.to_dict())
        self.cycles += 1
        return report

    def _poll_source(self, source: str) -> Iterator[FeedResult]:
        if web.is_url(source):
            if source in self._opml_urls:
                try:
                    raw = web.fetch(source, self.options.fetch())
                    listed = opml_feeds(source, raw.data or b"", None)
                except TocsinError as exc:
                    yield FeedResult(source, "error", error=exc.reason)
                    return
                yield from self._poll_all(listed)
                return
            result = self._poll_feed(source)
            if isinstance(result, list):  # the URL served an OPML list
                self._opml_urls.add(source)
                yield from self._poll_all(result)
            else:
                yield result
            return
        path = Path(source)
        try:
            head = path.read_bytes()[:4096]
        except OSError as exc:
            yield FeedResult(source, "error", error=f"cannot read ({exc.strerror or exc})")
            return
        if path.suffix.lower() == ".opml" or feeds.looks_like_opml(head):
            try:
                listed = opml_feeds(source, path.read_bytes(), path.parent)
            except (TocsinError, OSError) as exc:
                yield FeedResult(source, "error", error=getattr(exc, "reason", str(exc)))
                return
            yield from self._poll_all(listed)
            return
        result = self._poll_feed(str(path.resolve()))
        yield (
            result
            if isinstance(result, FeedResult)
            else FeedResult(source, "error", error="OPML inside OPML")
        )

    def _poll_all(self, listed: list[str]) -> Iterator[FeedResult]:
        for feed in listed:
            if self.stopping:
                return
            result = self._poll_feed(feed)
            yield (
                result
                if isinstance(result, FeedResult)
                else FeedResult(feed, "error", error="an OPML list where a feed was expected")
            )

    def _poll_feed(self, feed: str) -> FeedResult | list[str]:
        state = get_state(self.db, feed)
        now = _now()
        if state["next_poll"] is not None and now < state["next_poll"]:
            return FeedResult(
                feed,
                "backoff",
                retry_at=state["next_poll"].isoformat(),
                error=state.get("last_error"),
            )
        try:
            data, etag, modified = self._fetch(feed, state)
        except TocsinError as exc:
            return self._failed(feed, state, now, FeedResult(feed, "error", error=exc.reason))
        if data is None:
            save_state(
                self.db,
                feed,
                last_polled=now,
                failures=0,
                next_poll=None,
                backoff=None,
                last_error=None,
            )
            return FeedResult(feed, "not-modified")
        if web.is_url(feed) and feeds.looks_like_opml(data):
            return opml_feeds(feed, data, None)
        result = self._ingest(feed, data)
        if result.status == "error":
            return self._failed(feed, state, now, result)
        if result.status == "interrupted":
            # Validators stay as they were: the next poll reads the feed in full.
            save_state(self.db, feed, last_polled=now, articles=int(state["articles"]) + result.new)
        else:
            save_state(
                self.db,
                feed,
                etag=etag,
                last_modified=modified,
                last_polled=now,
                last_ok=_now(),
                failures=0,
                next_poll=None,
                backoff=None,
                last_error=None,
                articles=int(state["articles"]) + result.new,
            )
        return result

    def _failed(
        self, feed: str, state: dict[str, Any], now: dt.datetime, result: FeedResult
    ) -> FeedResult:
        """Back off: the interval doubled for each failure in a row, capped."""
        failures = int(state["failures"]) + 1
        delay = min(self.options.every * 2 ** (failures - 1), self.options.max_backoff)
        retry = now + dt.timedelta(seconds=delay)
        save_state(
            self.db,
            feed,
            last_polled=now,
            failures=failures,
            next_poll=retry,
            backoff=delay,
            last_error=result.error,
        )
        result.retry_at = retry.isoformat()
        return result

    def _fetch(
        self, feed: str, state: dict[str, Any]
    ) -> tuple[bytes | None, str | None, str | None]:
        """(body, etag, last-modified), body None when unchanged since the last poll."""
        if not web.is_url(feed):
            try:
                data = Path(feed).read_bytes()
            except OSError as exc:
                raise InputError(feed, f"cannot read ({exc.strerror or exc})") from None
            digest = "sha256:" + hashlib.sha256(data).hexdigest()  # a local file's own ETag
            return (None if digest == state["etag"] else data), digest, None
        headers = {
            "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
        }
        if state["etag"]:
            headers["If-None-Match"] = state["etag"]
        if state["last_modified"]:
            headers["If-Modified-Since"] = state["last_modified"]
        raw = web.fetch(feed, self.options.fetch(headers))
        if raw.meta.get("status") == "304":
            return None, state["etag"], state["last_modified"]
        etag = raw.meta.get("etag") or state["etag"]
        modified = raw.meta.get("last-modified") or state["last_modified"]
        if not raw.data or not raw.data.strip():  # an empty 200 holds no entries
            return None, etag, modified
        return raw.data, etag, modified

    # -- ingesting ---------------------------------------------------------------------

    def _ingest(self, feed: str, data: bytes) -> FeedResult:
        from ..store.ingest import fingerprint

        db = self.db
        result = FeedResult(feed, "unchanged")

        def stored(url: str) -> bool:
            return bool(db.seen(source=url, url=url, run_id=self._run_id))

        for item in entries(feed, data, self.options.fetch(), stored):
            if isinstance(item, str):
                result.duplicates += 1
            elif isinstance(item, TocsinError):
                result.failed += 1
                if item.source == feed:
                    result.status, result.error = "error", item.reason
                db.record_failure(item.source, item.reason, self._ensure_run())
            else:
                self._store(item, fingerprint(item), result)
            if self._run_id is not None:
                db.heartbeat(self._run_id, self._counts)
            if self.stopping:
                result.status = "interrupted"
                return result
        if result.new:
            result.status = "new"
        return result

    def _store(self, raw: RawDocument, raw_hash: str | None, result: FeedResult) -> None:
        from ..store import NEW

        run_id = self._ensure_run()
        self._counts["read"] += 1
        if self.db.seen(
            source=raw.source, url=raw.url, raw_hash=raw_hash, outlet=raw.outlet, run_id=run_id
        ):
            result.duplicates += 1
            self._counts["duplicates"] += 1
            return
        analysed = next(iter(self.pipeline.pipe([raw], return_errors=True)))
        try:
            if isinstance(analysed, TocsinError):
                raise analysed
            outcome = self.db.add(analysed, source=raw.source, run_id=run_id, raw_hash=raw_hash)
        except InputError as exc:
            result.failed += 1
            self._counts["failed"] += 1
            self.db.record_failure(exc.source, exc.reason, run_id)
            return
        if outcome == NEW:
            result.new += 1
            self._counts["new"] += 1
        else:
            result.duplicates += 1
            self._counts["duplicates"] += 1

    def _ensure_run(self) -> str:
        # A run is opened at the first entry of a cycle: polls that find nothing new
        # leave no empty runs behind.
        if self._run_id is None:
            self._run_id = self.db.start_run(list(self.sources))
            self._counts = dict.fromkeys(self._counts, 0)
        return self._run_id

    def _finish_run(self) -> None:
        if self._run_id is not None:
            self.db.finish_run(
                self._run_id, self._counts, status="interrupted" if self.stopping else "done"
            )
            self._run_id = None


def run_until_signalled(watcher: Watcher, once: bool = False) -> list[CycleReport]:
    """Run the watcher with SIGTERM and SIGINT asking it to stop (main thread only)."""
    previous = {}

    def handler(signum: int, frame: Any) -> None:
        watcher.stop()

    for sig in (signal.SIGTERM, signal.SIGINT):
        previous[sig] = signal.signal(sig, handler)
    try:
        return watcher.run(once=once)
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
