"""`tocsin watch` as users run it, against a real local HTTP server serving an RSS feed
built from the examples, with ETag support: conditional GET (304 adds nothing), a new
entry ingested and its alerts delivered once to a local webhook, per-feed backoff,
OPML lists, and SIGTERM on a real subprocess (exit 0, state saved, resumed without loss)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from email.utils import format_datetime
from html import escape
from pathlib import Path

import pytest
from click.testing import CliRunner

from tocsin import monitor, store
from tocsin.cli import cli
from tocsin.errors import UsageError
from tocsin.monitor.watch import parse_duration, watch_states

from .conftest import EXAMPLES
from .httpserver import LocalServer


def invoke(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result


def _manifest() -> dict[str, dict]:
    path = EXAMPLES / "manifest.jsonl"
    if not path.exists():
        return {}
    return {
        e["file"]: e
        for e in map(json.loads, filter(str.strip, path.read_text("utf-8").splitlines()))
    }


def example_item(name: str) -> dict[str, str]:
    """An example as a feed entry: title, link, date and its paragraphs as HTML."""
    path = EXAMPLES / name
    assert path.exists(), f"example {name} is not in {EXAMPLES}"
    meta = _manifest().get(name, {})
    if path.suffix == ".html":
        import lxml.html

        page = lxml.html.fromstring(path.read_bytes())
        paragraphs = [p.text_content().strip() for p in page.xpath("//article//p")]
        title = meta.get("title") or page.findtext(".//title") or name
    else:
        blocks = [b.strip() for b in path.read_text("utf-8").split("\n\n") if b.strip()]
        title, paragraphs = meta.get("title") or blocks[0], blocks[1:]
    import datetime as dt

    day = dt.datetime.fromisoformat(meta.get("published", "2024-01-01")).replace(tzinfo=dt.UTC)
    return {
        "title": title,
        "link": meta.get("url") or f"https://example.org/{name}",
        "date": format_datetime(day),
        "body": "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p),
    }


class Feed:
    """An RSS feed whose items can be added while it is served; answers 304 to a
    request carrying its current ETag."""

    def __init__(self, items: list[dict[str, str]]) -> None:
        self.items = list(items)
        self.statuses: list[int] = []
        self.lock = threading.Lock()

    def body(self) -> bytes:
        entries = "".join(
            f"<item><title>{escape(i['title'])}</title><link>{escape(i['link'])}</link>"
            f"<guid>{escape(i['link'])}</guid><pubDate>{i['date']}</pubDate>"
            f"<content:encoded><![CDATA[{i['body']}]]></content:encoded></item>"
            for i in self.items
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>Example Wire</title><link>https://example.org/</link>{entries}</channel></rss>"
        ).encode()

    def __call__(self, handler):
        with self.lock:
            body = self.body()
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if handler.headers.get("If-None-Match") == etag:
                self.statuses.append(304)
                return 304, {"ETag": etag}, b""
            self.statuses.append(200)
            headers = {
                "Content-Type": "application/rss+xml",
                "ETag": etag,
                "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT",
            }
            return 200, headers, body


class Hook:
    """A webhook receiver keeping what it was sent."""

    def __init__(self) -> None:
        self.received: list[dict] = []

    def __call__(self, handler):
        self.received.append(json.loads(handler.rfile.read(int(handler.headers["Content-Length"]))))
        return 200, {"Content-Type": "text/plain"}, b"ok"


def counts(url: str) -> dict[str, int]:
    with store.open(url) as db:
        return db.counts()


def test_parse_duration():
    assert [parse_duration(s) for s in ("15m", "1s", "90", "1h30m", "2d", "500ms")] == [
        900,
        1,
        90,
        5400,
        172800,
        0.5,
    ]
    for bad in ("", "soon", "15x", "0s", "m15"):
        with pytest.raises(UsageError):
            parse_duration(bad)


def test_conditional_get_then_a_new_entry_alerts_once(tmp_path):
    db = f"sqlite:///{tmp_path / 'watch.db'}"
    feed = Feed(
        [example_item("en-07-znpp-drones-wire-a.txt"), example_item("en-03-zapad-drills.txt")]
    )
    hook = Hook()
    with LocalServer({"/feed.xml": feed, "/hook": hook}) as server:
        url = server.url("/feed.xml")
        watch = ["watch", url, "--db", db, "--once", "--allow-private"]
        invoke(*watch)
        first = counts(db)
        assert first["articles"] == 2
        with store.open(db) as opened:
            (state,) = watch_states(opened)
            assert (
                state["etag"]
                and state["last_ok"]
                and state["failures"] == 0
                and state["articles"] == 2
            )

        out = invoke(*watch)  # unchanged: the server answers 304
        assert feed.statuses == [200, 304]
        assert counts(db) == first
        assert "not-modified" in out.output

        feed.items.insert(0, example_item("en-04-putin-not-bluffing.txt"))
        out = invoke(*watch, "--webhook", server.url("/hook"))
        assert feed.statuses[-1] == 200 and counts(db)["articles"] == 3
        assert hook.received, out.output
        ids = [a["id"] for a in hook.received]
        assert len(ids) == len(set(ids))
        with store.open(db) as opened:
            new_id = next(a["id"] for a in opened.articles() if "putin" in (a["url"] or ""))
        # the new entry's alerts only: the first two articles' alerts had no webhook then
        for alert in hook.received:
            assert new_id in {e["article_id"] for e in alert["evidence"]}, alert["title"]
        assert any(a["kind"] == "wmd_threat" for a in hook.received)
        for alert in hook.received:  # printed on stdout too
            assert alert["id"] in out.stdout

        invoke(*watch, "--webhook", server.url("/hook"))  # 304 again: nothing new, nothing re-sent
        assert feed.statuses[-1] == 304 and len(hook.received) == len(ids)
        # `alerts` sends the rest of the backlog to the same webhook, never the same alert twice
        invoke("alerts", "--db", db, "--webhook", server.url("/hook"), "--allow-private")
        all_ids = [a["id"] for a in hook.received]
        assert len(all_ids) == len(set(all_ids))
        with store.open(db) as opened:
            assert set(all_ids) == {a["id"] for a in monitor.alerts(opened)}


def test_errors_back_off_per_feed_and_opml_lists_feeds(tmp_path):
    db = f"sqlite:///{tmp_path / 'watch.db'}"
    feed = Feed([example_item("en-07-znpp-drones-wire-a.txt")])

    def broken(handler):
        return 500, {"Content-Type": "text/plain"}, b"down"

    local = tmp_path / "local.rss"
    local.write_bytes(Feed([example_item("en-08-znpp-drones-wire-b.txt")]).body())
    with LocalServer({"/feed.xml": feed, "/broken.xml": broken}) as server:
        opml = tmp_path / "feeds.opml"
        opml.write_text(
            '<?xml version="1.0"?><opml version="2.0"><body>'
            f'<outline text="wire" xmlUrl="{server.url("/feed.xml")}"/>'
            f'<outline text="broken" xmlUrl="{server.url("/broken.xml")}"/>'
            '<outline text="local" xmlUrl="local.rss"/></body></opml>',
            "utf-8",
        )
        out = invoke("watch", str(opml), "--db", db, "--once", "--allow-private", "--every", "10m")
        assert "HTTP 500" in out.output
        assert counts(db)["articles"] == 2
        with store.open(db) as opened:
            states = {s["feed"]: s for s in watch_states(opened)}
        bad = states[server.url("/broken.xml")]
        assert bad["failures"] == 1 and bad["backoff"] == 600 and bad["next_poll"] is not None
        assert states[str(local.resolve())]["etag"].startswith("sha256:")
        hits = server.hits.count("/broken.xml")

        out = invoke("watch", str(opml), "--db", db, "--once", "--allow-private", "--every", "10m")
        assert server.hits.count("/broken.xml") == hits  # backing off: not asked again
        assert "backing off" in out.output and out.output.count("not-modified") == 2
        assert counts(db)["articles"] == 2

    # every feed failing is exit 1, one line per feed
    out = invoke("watch", server.url("/feed.xml"), "--db", db, "--once", "--allow-private", code=1)
    assert "error" in out.output
    refused = invoke(
        "watch",
        "http://127.0.0.1:9/feed.xml",
        "--db",
        f"sqlite:///{tmp_path / 'r.db'}",
        "--once",
        code=1,
    )
    assert "refused" in refused.output


def _articles(db: str) -> int:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM articles")).scalar() or 0)
    except SQLAlchemyError:
        return 0  # not created yet
    finally:
        engine.dispose()


def test_sigterm_finishes_the_entry_saves_state_and_resumes(tmp_path):
    db = f"sqlite:///{tmp_path / 'watch.db'}"
    names = [
        "en-07-znpp-drones-wire-a.txt",
        "en-08-znpp-drones-wire-b.txt",
        "en-01-kinzhal-kyiv.txt",
    ]
    feed = Feed([example_item(n) for n in names])
    script = Path(sys.executable).with_name("tocsin")
    tocsin = [str(script)] if script.exists() else [sys.executable, "-m", "tocsin.cli"]
    errors = tmp_path / "stderr.txt"
    with LocalServer({"/feed.xml": feed}) as server:
        cmd = [
            *tocsin,
            "watch",
            server.url("/feed.xml"),
            "--every",
            "1s",
            "--db",
            db,
            "--allow-private",
        ]
        with open(errors, "wb") as err:
            proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=err)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and proc.poll() is None and _articles(db) < 1:
                time.sleep(0.05)  # polling the database, not waiting for a fixed time
            assert proc.poll() is None, errors.read_text()
            os.kill(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode == 0, errors.read_text()
        assert "state saved" in errors.read_text()
        stored = _articles(db)
        assert stored >= 1
        with store.open(db) as opened:
            (state,) = watch_states(opened)
            with opened.engine.connect() as conn:
                statuses = [r[0] for r in conn.exec_driver_sql("SELECT status FROM ingest_runs")]
        assert statuses and "running" not in statuses  # the run was closed, not left open
        if stored < len(names):  # interrupted part-way: the next poll must read the feed in full
            assert state["etag"] is None

        invoke("watch", server.url("/feed.xml"), "--db", db, "--once", "--allow-private")
        assert _articles(db) == len(names)
        invoke("watch", server.url("/feed.xml"), "--db", db, "--once", "--allow-private")
        assert feed.statuses[-1] == 304 and _articles(db) == len(names)
