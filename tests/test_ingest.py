"""`tocsin ingest` and `tocsin demo` as a user runs them, on SQLite and PostgreSQL:
directories with a manifest, JSON Lines, WARC, RSS/Atom feeds served over HTTP, OPML,
bad sources, reruns that add nothing, and a run killed with SIGKILL then rerun."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tocsin import store
from tocsin.cli import cli

from .corpus import copy_examples, dump, example_files, examples_dir
from .httpserver import LocalServer, static


def ingest(*args: str, code: int = 0) -> dict:
    result = CliRunner().invoke(cli, ["ingest", *args, "--quiet", "--json"])
    assert result.exit_code == code, result.output
    return json.loads(result.stdout)


def counts(url: str) -> dict[str, int]:
    with store.open(url) as db:
        n = db.counts()
    return {k: v for k, v in n.items() if k not in ("runs", "failures")}


def fresh_url(db_url: str, tmp_path: Path, request: pytest.FixtureRequest, name: str) -> str:
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / name}"
    return request.getfixturevalue("pg_server").create_database()


def _texts(n: int) -> list[tuple[Path, str]]:
    files = [p for p in example_files() if p.suffix == ".txt"][:n]
    return [(p, p.read_text("utf-8")) for p in files]


# -- the examples, twice ---------------------------------------------------------------------


def test_demo_then_ingest_again_adds_nothing(db_url, tmp_path):
    folder = examples_dir(tmp_path)
    result = CliRunner().invoke(
        cli, ["demo", "--db", db_url, "--no-serve", "--examples", str(folder), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert "Articles by language" in result.stdout and "Events by modality" in result.stdout
    first = counts(db_url)
    n_files = len([p for p in folder.iterdir() if p.suffix in (".txt", ".html")])
    assert first["articles"] == n_files
    again = ingest(str(folder), "--db", db_url)
    assert (again["new"], again["failed"]) == (0, 0)
    assert again["duplicates"] == again["read"] == n_files
    assert counts(db_url) == first


# -- killed mid-run, then rerun ---------------------------------------------------------------


def _articles_in(url: str) -> int:
    """Rows in articles, read without migrating (the killed writer may hold the schema)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    engine = create_engine(parsed)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM articles")).scalar() or 0)
    except SQLAlchemyError:
        return 0  # not created yet
    finally:
        engine.dispose()


def _runs_in(url: str) -> list[dict]:
    """The ingest_runs rows, oldest first."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    engine = create_engine(parsed)
    try:
        with engine.connect() as conn:
            query = text("SELECT * FROM ingest_runs ORDER BY started_at")
            return [dict(r._mapping) for r in conn.execute(query)]
    finally:
        engine.dispose()


def _wait_for_backends_to_end(url: str) -> None:
    """PostgreSQL learns of a killed client's death a moment later, and a COMMIT it sent
    just before may still land: wait until no other session uses the database."""
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                if conn.execute(query).scalar() == 0:
                    return
            time.sleep(0.02)  # polling the server, not waiting for a fixed time
    finally:
        engine.dispose()
    raise AssertionError("the killed client's session did not end within 30 s")


def _code_snapshot(tmp_path: Path) -> dict[str, str]:
    """An environment running a copy of the tocsin package taken now: the three runs
    below must analyse with one version of the code, even while it is being edited."""
    import tocsin

    copy = tmp_path / "snapshot"
    shutil.copytree(
        Path(tocsin.__file__).parent, copy / "tocsin", ignore=shutil.ignore_patterns("__pycache__")
    )
    return {**os.environ, "PYTHONPATH": str(copy)}


def _tocsin(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tocsin", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _summary(proc: subprocess.Popen[bytes]) -> dict:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode(errors="replace")
    return json.loads(out)


def test_sigkill_mid_run_then_rerun_equals_a_clean_run(db_url, tmp_path, request):
    corpus = copy_examples(tmp_path)
    total = len(list(corpus.iterdir()))
    assert total >= 3
    env = _code_snapshot(tmp_path)
    args = ["ingest", str(corpus), "--batch-size", "1", "-q", "--json"]
    proc = _tocsin(env, *args, "--db", db_url)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            if _articles_in(db_url) >= 2:
                break
            time.sleep(0.02)  # polling the database, not waiting for a fixed time
        assert proc.poll() is None, (
            f"ingest ended before it could be killed: {proc.stderr.read()!r}"
        )
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    _wait_for_backends_to_end(db_url)
    killed_at = _articles_in(db_url)
    assert 2 <= killed_at < total, "the kill must land part-way through"
    # The killed run could not close itself, but it says who ran it and when it last beat.
    (killed,) = _runs_in(db_url)
    assert killed["status"] == "running" and killed["finished_at"] is None
    assert (killed["pid"], killed["host"]) == (proc.pid, socket.gethostname())
    assert killed["heartbeat_at"] is not None and killed["read"] >= 1

    # The same command again, and a clean run into an empty database, side by side.
    clean_url = fresh_url(db_url, tmp_path, request, "clean.db")
    rerun_proc = _tocsin(env, *args, "--db", db_url)
    clean_proc = _tocsin(env, *args, "--db", clean_url)
    rerun, clean = _summary(rerun_proc), _summary(clean_proc)
    assert rerun["failed"] == 0 and rerun["new"] + killed_at == counts(db_url)["articles"]
    assert clean["new"] == counts(clean_url)["articles"]
    assert dump(db_url) == dump(clean_url)
    assert ingest(str(corpus), "--db", db_url)["new"] == 0
    # The rerun found the killed run's process gone and closed it as interrupted.
    statuses = {r["id"]: r["status"] for r in _runs_in(db_url)}
    assert statuses.pop(killed["id"]) == "interrupted"
    assert set(statuses.values()) == {"done"}
    with store.open(db_url) as db:
        assert db.runs()[-1]["id"] == killed["id"]
        assert db.runs()[-1]["finished_at"] is not None


# -- directories and manifests, JSON Lines, bad sources -------------------------------------------


def test_manifest_values_apply_to_the_files_it_names(db_url, tmp_path):
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (p1, t1), (p2, t2) = _texts(2)
    (folder / "one.txt").write_text(t1, "utf-8")
    (folder / "sub" / "two.txt").write_text(t2, "utf-8")
    (folder / "notes.md").write_text("not an article", "utf-8")
    manifest = [
        {
            "file": "one.txt",
            "url": "https://example.org/one",
            "published": "2024-02-03",
            "outlet": "Example Post",
            "lang": "en",
            "title": "Headline one",
        },
        {"file": "ghost.txt", "url": "https://example.org/ghost"},
    ]
    (folder / "manifest.jsonl").write_text(
        "\n".join(json.dumps(m) for m in manifest) + "\n", "utf-8"
    )
    out = ingest(str(folder), "--db", db_url)
    assert (out["new"], out["failed"], out["skipped"]) == (2, 1, 1)
    assert (
        "ghost.txt" in out["failures"][0]["reason"]
        and "manifest.jsonl:2" in out["failures"][0]["source"]
    )
    with store.open(db_url) as db:
        rows = {r["url"]: r for r in db.articles()}
    one = rows["https://example.org/one"]
    assert (one["published"], one["outlet"], one["title"], one["language"]) == (
        "2024-02-03",
        "Example Post",
        "Headline one",
        "en",
    )
    # a glob reaches the same files, and the manifest still applies: nothing new
    again = ingest(str(folder / "*.txt"), "--db", db_url)
    assert (again["new"], again["duplicates"]) == (0, 1)


def test_jsonl_lines_and_their_errors(db_url, tmp_path):
    lines = [
        json.dumps(
            {
                "url": f"https://wire.example/{i}",
                "title": f"T{i}",
                "text": text,
                "published": f"2023-06-0{i + 1}",
                "outlet": "Wire",
            }
        )
        for i, (_, text) in enumerate(_texts(3))
    ]
    lines.insert(1, "{not json")
    lines.append(json.dumps({"url": "https://wire.example/empty", "title": "no text"}))
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    out = ingest(str(path), "--db", db_url)
    assert (out["new"], out["failed"]) == (3, 2)
    reasons = {f["source"].rsplit(":", 1)[-1]: f["reason"] for f in out["failures"]}
    assert "invalid JSON" in reasons["2"] and "text" in reasons["5"]
    with store.open(db_url) as db:
        assert {r["published"] for r in db.articles()} == {"2023-06-01", "2023-06-02", "2023-06-03"}
        assert len(db.failures()) == 2
    assert ingest(str(path), "--db", db_url)["new"] == 0


def test_bad_sources_are_recorded_and_never_stop_the_run(db_url, tmp_path):
    ((_, text),) = _texts(1)
    good = tmp_path / "good.txt"
    good.write_text(text, "utf-8")
    png = tmp_path / "photo.html"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with LocalServer({"/a": static(b"<html><body><p>hello</p></body></html>")}) as server:
        out = ingest(
            str(tmp_path / "missing.txt"),
            str(tmp_path / "nothing-*.txt"),
            str(png),
            server.url("/a"),
            str(good),
            "--db",
            db_url,
        )
    assert (out["new"], out["failed"]) == (1, 4)
    reasons = " | ".join(f["reason"] for f in out["failures"])
    for expected in ("no such file", "no file matches", "binary", "refused"):
        assert expected in reasons
    with store.open(db_url) as db:
        assert len(db.failures()) == 4
    # nothing readable at all: exit code 1, still a summary
    assert ingest(str(tmp_path / "missing.txt"), "--db", db_url, code=1)["failed"] == 1


# -- WARC -----------------------------------------------------------------------------------------


def _warc(path: Path, gz: bool) -> list[str]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    htmls = [p for p in example_files() if p.suffix == ".html"][:2]
    if len(htmls) < 2:
        htmls = []
    pages = [(f"https://news.example/{p.stem}", p.read_bytes()) for p in htmls]
    if not pages:
        pages = [
            (
                f"https://news.example/{i}",
                f"<html><body><article><p>{t}</p></article></body></html>".encode(),
            )
            for i, (_, t) in enumerate(_texts(2))
        ]
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gz)
        for url, body in pages:
            writer.write_record(
                writer.create_warc_record(
                    url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
                )
            )
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), http_headers=headers
                )
            )
        for url, status, ctype in (
            ("https://news.example/logo.png", "200 OK", "image/png"),
            ("https://news.example/gone", "404 Not Found", "text/html"),
        ):
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(b"x"), http_headers=headers
                )
            )
    return [u for u, _ in pages]


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_warc_html_responses_only(db_url, tmp_path, gz):
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    urls = _warc(path, gz)
    out = ingest(str(path), "--db", db_url)
    assert (out["new"], out["failed"], out["skipped"]) == (2, 0, 2)
    assert {s["reason"].split(" (")[0] for s in out["skips"]} == {"not HTML", "HTTP status 404"}
    with store.open(db_url) as db:
        assert sorted(r["url"] for r in db.articles()) == sorted(urls)
    again = ingest(str(path), "--db", db_url)
    assert (again["new"], again["duplicates"]) == (0, 2)


# -- feeds and OPML ---------------------------------------------------------------------------------


def _rss(base: str, full_text: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in full_text.split("\n") if p.strip())
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Test Wire</title><link>{base}/</link><description>t</description>
<item><title>Full text entry</title><link>{base}/a/1</link>
<pubDate>Mon, 11 Mar 2024 08:00:00 GMT</pubDate>
<description>Short teaser.</description>
<content:encoded><![CDATA[{paragraphs}]]></content:encoded></item>
<item><title>Linked entry</title><link>{base}/a/2</link>
<pubDate>Tue, 12 Mar 2024 09:30:00 GMT</pubDate><description>A teaser only.</description></item>
<item><title>Gone entry</title><link>{base}/a/missing</link><description>Gone.</description></item>
</channel></rss>""".encode()


def _atom(text: str) -> bytes:
    paragraphs = "".join(f"&lt;p&gt;{p}&lt;/p&gt;" for p in text.split("\n") if p.strip())
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Local Atom</title><id>urn:x</id>
<updated>2024-04-01T00:00:00Z</updated>
<entry><title>Atom entry</title><id>urn:x:1</id><link href="https://atom.example/1"/>
<updated>2024-04-01T10:00:00Z</updated><content type="html">{paragraphs}</content></entry>
</feed>""".encode()


def _served_feed(tmp_path: Path) -> tuple[dict, str, str]:
    (_, full), (_, linked), (_, atom_text) = _texts(3)
    page = f"<html><head><title>Linked page</title></head><body><article>{''.join(f'<p>{p}</p>' for p in linked.splitlines() if p.strip())}</article></body></html>"
    (tmp_path / "local.atom").write_bytes(_atom(atom_text))
    routes = {"/a/2": static(page.encode())}
    return routes, full, atom_text


def test_rss_feed_over_http_entries_fetched_under_the_guard(db_url, tmp_path):
    routes, full, _ = _served_feed(tmp_path)
    with LocalServer(routes) as server:
        base = server.url("")
        routes["/feed.xml"] = static(_rss(base, full), ctype="application/rss+xml")
        refused = ingest(server.url("/feed.xml"), "--db", db_url, code=1)
        assert "refused" in refused["failures"][0]["reason"]
        out = ingest(server.url("/feed.xml"), "--db", db_url, "--allow-private")
        assert (out["new"], out["failed"]) == (2, 1)
        assert "404" in out["failures"][0]["reason"]
        assert server.hits.count("/a/1") == 0  # its content:encoded was the article
        again = ingest(server.url("/feed.xml"), "--db", db_url, "--allow-private")
        assert (again["new"], again["duplicates"]) == (0, 2)
    with store.open(db_url) as db:
        rows = {r["title"]: r for r in db.articles()}
    entry = rows["Full text entry"]
    assert (entry["url"], entry["outlet"]) == (f"{base}/a/1", "Test Wire")
    assert entry["published"].startswith("2024-03-11")
    assert rows["Linked entry"]["url"] == f"{base}/a/2"


def test_feed_entries_one_loop_for_ingest_and_watch(tmp_path):
    """The entry loop `tocsin ingest` (read_feed) and `tocsin watch` share: relative links
    resolved, full text kept, pages fetched under the guard unless already stored."""
    from tocsin.errors import TocsinError
    from tocsin.ingest import RawDocument, web
    from tocsin.ingest.feeds import feed_entries, read_feed
    from tocsin.monitor.watch import entries

    (_, full), (_, linked) = _texts(2)
    page = f"<html><body><article><p>{linked}</p></article></body></html>".encode()
    routes = {"/a/2": static(page)}
    body = "".join(f"<p>{p}</p>" for p in full.splitlines() if p.strip())
    rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>Full</title><link>/a/1</link><description><![CDATA[{body}]]></description></item>
<item><title>Linked</title><link>/a/2</link><description>Teaser.</description></item>
<item><title>Bad link</title><link>ftp://files.example/x</link><description>x</description></item>
<item><title>No link</title><guid isPermaLink="false">urn:n</guid><description>x</description></item>
</channel></rss>""".encode()
    with LocalServer(routes) as server:
        feed = server.url("/feed.xml")
        options = web.FetchOptions(allow_private=True)

        def names(items):
            return [i if isinstance(i, str) else i.source for i in items]

        ingested = list(read_feed(feed, rss, options, base_url=feed))
        assert names(ingested) == [
            f"{feed}#1",
            server.url("/a/2"),
            f"{feed}#3",
            f"{feed}#4",
        ]
        assert isinstance(ingested[0], RawDocument) and ingested[0].url == server.url("/a/1")
        assert ingested[1].title == "Linked" and ingested[1].outlet == "Wire"
        assert [type(i).__name__ for i in ingested[2:]] == ["InputError", "InputError"]
        assert server.hits.count("/a/2") == 1 and "/a/1" not in server.hits

        stored = {server.url("/a/2")}
        watched = list(entries(feed, rss, options, stored.__contains__))
        assert names(watched) == [
            server.url("/a/1"),
            server.url("/a/2"),
            "ftp://files.example/x",
            f"{feed}#urn:n",
        ]
        assert watched[1] == server.url("/a/2")  # stored: handed back, not fetched again
        assert server.hits.count("/a/2") == 1
        assert all(isinstance(i, TocsinError) for i in watched[2:])

    empty = b'<?xml version="1.0"?><rss version="2.0"><channel><title>E</title></channel></rss>'
    assert list(feed_entries("empty.xml", empty, options)) == []  # watch: nothing new
    (error,) = read_feed("empty.xml", empty, options)  # ingest: the user expected articles
    assert error.reason == "a feed without entries"
    (error,) = feed_entries("junk.xml", b"\x00 not xml <<", options)
    assert error.reason.startswith("not a feed")


def test_opml_lists_remote_and_local_feeds(db_url, tmp_path):
    routes, full, _ = _served_feed(tmp_path)
    with LocalServer(routes) as server:
        routes["/feed.xml"] = static(_rss(server.url(""), full), ctype="application/rss+xml")
        opml = tmp_path / "feeds.opml"
        opml.write_text(
            f"""<?xml version="1.0"?><opml version="2.0"><head><title>f</title></head><body>
<outline text="news"><outline type="rss" text="wire" xmlUrl="{server.url("/feed.xml")}"/>
<outline type="rss" text="local" xmlUrl="local.atom"/></outline></body></opml>""",
            "utf-8",
        )
        out = ingest(str(opml), "--db", db_url, "--allow-private")
    assert (out["new"], out["failed"]) == (3, 1)
    with store.open(db_url) as db:
        titles = {r["title"] for r in db.articles()}
    assert {"Full text entry", "Linked entry", "Atom entry"} <= titles
