"""The HTTP API and the HTML pages, through FastAPI's TestClient, on a database of the
examples: pagination, filters, errors, records, the token rules, headers, escaping."""

from __future__ import annotations

import inspect
import re

import pytest
from fastapi.testclient import TestClient

from tocsin import store
from tocsin.schema import validate
from tocsin.web import escalation
from tocsin.web.app import create_app, hosts_for

from .browser import article_id_of, copy_db, examples_db

TOKEN = "test-token-7c1f0a"
HOSTILE = "en-06-kharkiv-hack.html"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    return examples_db(tmp_path_factory.getbasetemp() / "web-examples")


@pytest.fixture(scope="module")
def client(db_path):
    with TestClient(create_app(f"sqlite:///{db_path}")) as c:
        yield c


@pytest.fixture(scope="module")
def db(db_path):
    with store.open(f"sqlite:///{db_path}") as opened:
        yield opened


@pytest.fixture
def writer(db_path, tmp_path):
    """A server with writing enabled, over a private copy of the database."""
    path = copy_db(db_path, tmp_path / "copy.db")
    with TestClient(create_app(f"sqlite:///{path}", token=TOKEN)) as c:
        yield c


def ok(client: TestClient, url: str) -> dict:
    r = client.get(url)
    assert r.status_code == 200, (url, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def error(client: TestClient, url: str, status: int) -> dict:
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code, r.text[:300])
    body = r.json()
    assert body["error"]["status"] == status and body["error"]["reason"]
    return body["error"]


# -- articles -------------------------------------------------------------------------------


def test_articles_are_paginated_with_a_total(client, db):
    every = [a["id"] for a in db.articles()]
    first = ok(client, "/api/articles?limit=5")
    assert first["total"] == len(every) >= 10
    assert first["limit"] == 5 and first["offset"] == 0 and len(first["items"]) == 5
    seen = []
    for offset in range(0, len(every), 5):
        page = ok(client, f"/api/articles?limit=5&offset={offset}")
        assert page["total"] == len(every)
        seen += [a["id"] for a in page["items"]]
    assert seen == every
    assert ok(client, f"/api/articles?offset={len(every)}")["items"] == []
    assert "text" not in first["items"][0]


def test_articles_filters(client, db):
    fr = ok(client, "/api/articles?language=fr&limit=500")
    assert fr["total"] == sum(1 for a in db.articles() if a["language"] == "fr") > 0
    assert {a["language"] for a in fr["items"]} == {"fr"}
    dated = ok(client, "/api/articles?since=2024-01-01&until=2024-12-31&limit=500")["items"]
    assert dated and all("2024-01-01" <= a["published"][:10] <= "2024-12-31" for a in dated)
    outlet = db.articles()[0]["outlet"]
    assert {a["outlet"] for a in ok(client, f"/api/articles?outlet={outlet}")["items"]} == {outlet}
    found = ok(client, "/api/articles?q=Kharkiv")
    assert found["total"] >= 1 and all(a["snippet"] for a in found["items"])
    assert ok(client, "/api/articles?q=zzzunfindablezzz")["total"] == 0


def test_article_endpoint_is_the_record_and_validates(client, db):
    for row in db.articles():
        record = ok(client, f"/api/articles/{row['id']}")
        assert record == db.article(row["id"]).to_dict()
        assert record["schema"] == "tocsin.article/1"
        validate(record)


def test_unknown_ids_are_404(client):
    assert error(client, "/api/articles/art_doesnotexist", 404)["source"] == "art_doesnotexist"
    error(client, "/api/speakers/Nobody%20At%20All", 404)
    error(client, "/api/pairs/AAA-BBB", 404)
    error(client, "/api/nothing-here", 404)
    page = client.get("/articles/art_doesnotexist")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "no such article" in page.text


# -- events -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, kwargs",
    [
        ("pair=RUS-UKR", {"pair": "RUS-UKR"}),
        ("pair=RUS>UKR", {"pair": "RUS>UKR"}),
        ("modality=hypothetical", {"modality": "hypothetical"}),
        ("nuclear=true", {"nuclear": True}),
        ("signal=readiness", {"signal": "readiness"}),
        ("root=19", {"root": "19"}),
        ("cameo=13", {"cameo": "13"}),
        ("actor=RUS", {"actor": "RUS"}),
        ("since=2024-01-01&until=2024-06-30", {"since": "2024-01-01", "until": "2024-06-30"}),
        ("actor=&pair=&modality=&nuclear=&signal=&since=&until=&root=", {}),  # an empty HTML form
    ],
)
def test_events_filters_match_the_store(client, db, query, kwargs):
    expected = db.events(**kwargs)
    got = ok(client, f"/api/events?{query.replace('>', '%3E')}&limit=500")
    assert got["total"] == len(expected)
    assert [e["id"] for e in got["items"]] == [e["id"] for e in expected]


def test_events_filters_select_what_they_say(client):
    rows = ok(client, "/api/events?modality=alleged&nuclear=false&limit=500")["items"]
    assert rows and all(e["modality"] == "alleged" and not e["nuclear"] for e in rows)
    rows = ok(client, "/api/events?nuclear=true&limit=500")["items"]
    assert rows and all(e["nuclear"] for e in rows)
    rows = ok(client, "/api/events?pair=RUS-UKR&limit=500")["items"]
    assert rows and all({e["source_country"], e["target_country"]} == {"RUS", "UKR"} for e in rows)


def test_events_pagination(client):
    total = ok(client, "/api/events?limit=1")["total"]
    assert total > 20
    pages = [ok(client, f"/api/events?limit=10&offset={o}")["items"] for o in (0, 10)]
    assert len(pages[0]) == len(pages[1]) == 10
    assert not {e["id"] for e in pages[0]} & {e["id"] for e in pages[1]}
    assert len(ok(client, f"/api/events?limit=10&offset={total - 3}")["items"]) == 3


@pytest.mark.parametrize(
    "url",
    [
        "/api/events?limit=0",
        "/api/events?limit=100000",
        "/api/events?offset=-1",
        "/api/events?pair=RUSSIA",
        "/api/events?root=99",
        "/api/events?root=x",
        "/api/events?modality=maybe",
        "/api/events?signal=loud",
        "/api/events?nuclear=perhaps",
        "/api/events?since=2024-13-45",
        "/api/events?cameo=abc",
        "/api/articles?language=french",
        "/api/articles?until=yesterday",
        "/api/search",
        "/api/search?q=",
        "/api/monitor/explain?pair=RUS-UKR",
        "/api/monitor/explain?pair=RUS-UKR&day=soon",
        "/api/alerts?limit=0",
        "/api/pairs/nonsense",
    ],
)
def test_bad_parameters_are_422_with_a_json_error(client, url):
    err = error(client, url, 422)
    assert err["title"] == "Unprocessable Content"


# -- quotes, speakers, actors, pairs, search --------------------------------------------------


def test_quotes_and_speakers(client, db):
    speakers = ok(client, "/api/speakers")
    assert speakers and speakers[0]["quotes"] >= speakers[-1]["quotes"]
    name = speakers[0]["name"]
    quotes = ok(client, f"/api/quotes?speaker={name}&limit=500")
    assert quotes["total"] == speakers[0]["quotes"] == len(db.quotes(speaker=name))
    assert all(
        q["speaker_name"].lower() == name.lower() or q["speaker_code"] for q in quotes["items"]
    )
    twin = ok(client, f"/api/speakers/{name}")
    assert [q["id"] for q in twin["quotes"]] == [q["id"] for q in quotes["items"]]
    assert ok(client, "/api/quotes?limit=1")["total"] == db.counts()["quotes"]


def test_actors_pairs_and_search(client, db):
    assert len(ok(client, "/api/actors")) == len(db.actors())
    pairs = ok(client, "/api/pairs")
    assert pairs and pairs[0]["events"] >= pairs[-1]["events"]
    top = pairs[0]["pair"]
    view = ok(client, f"/api/pairs/{top}")
    assert view["events"]["total"] == pairs[0]["events"] == len(db.events(pair=top))
    assert "available" in view["series"]
    hits = ok(client, "/api/search?q=Kharkiv")
    assert hits["total"] >= 1 and {"id", "title", "snippet"} <= set(hits["results"][0])


def test_monitor_endpoints_answer_either_way(client, monkeypatch):
    series = ok(client, "/api/monitor/series?pair=RUS-UKR")
    assert series["pair"] == "RUS-UKR" and "available" in series
    if series["available"]:
        assert all(r["pair"] == "RUS-UKR" for r in series["rows"])
        if series["rows"]:
            day = series["rows"][0]["day"]
            explained = ok(client, f"/api/monitor/explain?pair=RUS-UKR&day={day}")
            assert explained["available"] and explained["rows"]
    assert "alerts" in ok(client, "/api/alerts")
    # Without the monitor (or with a broken one) everything still answers, minus its panels.
    for broken in (lambda name: None, lambda name: _raises):
        monkeypatch.setattr(escalation, "_function", broken)
        assert ok(client, "/api/monitor/series")["available"] is False
        assert ok(client, "/api/alerts")["available"] is False
        assert ok(client, "/api/overview")["timelines"]["available"] is False
        page = client.get("/")
        assert page.status_code == 200 and 'id="escalation"' not in page.text
        assert 'id="activity-chart"' in page.text
        assert client.get("/alerts").status_code == 200


def _raises(*args, **kwargs):
    raise RuntimeError("monitor bug")


# -- pages and their twins ----------------------------------------------------------------------


def test_every_page_renders_and_links_its_json_twin(client, db):
    aid = db.articles()[0]["id"]
    speaker = db.quotes()[0]["speaker_name"]
    pair = ok(client, "/api/pairs")[0]["pair"]
    pages = {
        "/": "/api/overview",
        "/events?modality=asserted": "/api/events?modality=asserted",
        "/articles": "/api/articles",
        f"/articles/{aid}": f"/api/articles/{aid}",
        "/speakers": "/api/speakers",
        f"/speakers/{speaker}": None,
        "/actors": "/api/actors",
        "/pairs": "/api/pairs",
        f"/pairs/{pair}": f"/api/pairs/{pair}",
        "/alerts": "/api/alerts",
        "/search?q=Kharkiv": "/api/search?q=Kharkiv",
        "/docs": "/openapi.json",
    }
    for page, twin in pages.items():
        r = client.get(page)
        assert r.status_code == 200, (page, r.text[:500])
        assert r.headers["content-type"].startswith("text/html")
        found = re.search(r'<link rel="alternate" type="application/json" href="([^"]+)">', r.text)
        assert found, page
        link = found.group(1).replace("&amp;", "&")
        if twin:
            assert link == twin
        assert client.get(link).status_code == 200


def test_events_page_shows_the_api_rows(client):
    api = ok(client, "/api/events?modality=hypothetical&limit=100")
    page = client.get("/events?modality=hypothetical&limit=100").text
    assert len(re.findall(r'<tr data-event="', page)) == len(api["items"]) > 0
    for e in api["items"]:
        assert f'data-event="{e["id"]}"' in page


def test_article_page_highlights(client, db):
    aid = article_id_of(_path(db), "en-04-putin-not-bluffing.txt")
    page = client.get(f"/articles/{aid}").text
    record = db.article(aid)
    assert page.count('class="event-card"') == len(record.events) > 0
    assert re.search(r'<span class="[^"]*\bq q-(direct|indirect|partial) spk-\d', page)
    assert re.search(r'<mark class="[^"]*\btrig\b[^"]*" title="[^"]*" data-event="', page)
    assert re.search(r'data-sentence="\d+"', page)


def _path(db) -> str:
    return db.url.removeprefix("sqlite:///")


def test_hostile_article_is_shown_as_text(client, db):
    aid = article_id_of(_path(db), HOSTILE)
    assert "<script>alert" in db.article(aid).text  # the record keeps the text as written
    page = client.get(f"/articles/{aid}").text
    assert "&lt;script&gt;" in page
    assert "<script>alert" not in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    # Every <script> on the page is ours, from /static.
    assert re.findall(r"<script\b[^>]*>", page) == ['<script src="/static/article.js" defer>']
    # Search snippets and lists show the same text: escaped, matches marked by us only.
    for url in ("/search?q=alert", "/articles?q=alert", "/speakers", "/events?limit=500"):
        html = client.get(url).text
        assert "<script>alert" not in html and "<img src=x" not in html, url
    assert "<mark>alert</mark>" in client.get("/search?q=alert").text


# -- writing, tokens, security --------------------------------------------------------------------


def test_no_writing_without_a_token(client):
    r = client.post("/api/ingest", json={"text": "Russia warned Ukraine on Monday.", "title": "x"})
    assert r.status_code in (404, 405)
    assert "/api/ingest" not in client.get("/openapi.json").json()["paths"]


def test_token_rules(writer):
    body = {
        "text": "Russia warned Ukraine on Monday. <img src=x onerror=alert(1)> was in the post.",
        "title": "A <script>alert(2)</script> title",
        "published": "2024-05-01",
        "lang": "en",
    }
    assert writer.post("/api/ingest", json=body).status_code == 401
    assert writer.post("/api/ingest", json=body).headers["www-authenticate"].startswith("Bearer")
    assert (
        writer.post("/api/ingest", json=body, headers={"Authorization": "Bearer wrong"}).status_code
        == 403
    )
    assert (
        writer.post(
            "/api/ingest", json=body, headers={"Authorization": f"Basic {TOKEN}"}
        ).status_code
        == 401
    )
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = writer.post("/api/ingest", json=body, headers=auth)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["status"] == "new" and made["page"] == f"/articles/{made['id']}"
    record = writer.get(made["record"]).json()
    validate(record)
    assert record["published"] == "2024-05-01"
    page = writer.get(made["page"]).text
    assert (
        "&lt;script&gt;alert(2)" in page
        and "<script>alert" not in page
        and "<img src=x" not in page
    )
    again = writer.post("/api/ingest", json=body, headers=auth)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"


@pytest.mark.parametrize(
    "body, reason",
    [
        ({"url": "http://127.0.0.1:9/article"}, "loopback"),
        ({"url": "http://10.1.2.3/article"}, "private"),
        ({"url": "file:///etc/passwd"}, "unsupported URL scheme"),
        ({"url": "http://example.org/a", "text": "both"}, "either"),
        ({"title": "neither"}, "either"),
        ({"text": "x", "lang": "english"}, "lang"),
    ],
)
def test_ingest_refuses_bad_requests_and_guards_urls(writer, body, reason):
    r = writer.post("/api/ingest", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 422, r.text
    assert reason in r.json()["error"]["reason"]


def test_security_headers_everywhere(client):
    for url in (
        "/",
        "/events",
        "/api/events?limit=1",
        "/static/style.css",
        "/api/articles/nope",
        "/nope",
    ):
        h = client.get(url).headers
        csp = h["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe" not in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"
        assert h["referrer-policy"] == "no-referrer"


def test_oversized_bodies_and_foreign_hosts_are_refused(db_path, writer):
    r = writer.post(
        "/api/ingest",
        content=b"{}",
        headers={"Content-Length": str(100 * 1024 * 1024), "Content-Type": "application/json"},
    )
    assert r.status_code == 413
    with TestClient(
        create_app(f"sqlite:///{db_path}", allowed_hosts=hosts_for("127.0.0.1")),
        base_url="http://127.0.0.1:8000",
    ) as local:
        assert local.get("/api/pairs").status_code == 200
        assert local.get("/api/pairs", headers={"Host": "localhost:8000"}).status_code == 200
        assert local.get("/api/pairs", headers={"Host": "evil.example:8000"}).status_code == 400
    assert hosts_for("0.0.0.0") is None


# -- OpenAPI, static files, entry points ------------------------------------------------------------


def test_openapi_documents_every_endpoint(client):
    spec = ok(client, "/openapi.json")
    expected = {
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/events",
        "/api/quotes",
        "/api/speakers",
        "/api/actors",
        "/api/pairs",
        "/api/monitor/series",
        "/api/monitor/explain",
        "/api/alerts",
        "/api/search",
        "/api/overview",
    }
    assert expected <= set(spec["paths"])
    for path, ops in spec["paths"].items():
        for op in ops.values():
            assert op.get("summary"), path
            for p in op.get("parameters", []):
                schema = p["schema"]
                assert schema.get("type") or schema.get("anyOf") or schema.get("enum"), (path, p)
    events = {p["name"] for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert {
        "actor",
        "pair",
        "cameo",
        "root",
        "modality",
        "nuclear",
        "signal",
        "since",
        "until",
        "limit",
        "offset",
    } <= events
    docs = client.get("/docs").text
    assert all(f"<code>{p}</code>" in docs for p in expected)


def test_plotly_is_served_from_the_installed_package(client):
    import plotly

    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert "plotly.js" in js.text[:200] and len(js.content) > 1_000_000
    assert plotly.__file__  # the package it came from
    css = client.get("/static/plotly.css")
    assert css.status_code == 200 and ".js-plotly-plot .plotly .main-svg" in css.text
    overview = client.get("/").text
    assert 'id="plotly.js-style-global" class="no-inline-styles"' in overview
    assert "cdn" not in overview.lower()


def test_demo_finds_serve_with_the_signature_it_calls():
    from tocsin.store.commands import _dashboard
    from tocsin.web.app import serve

    assert _dashboard() is serve
    params = list(inspect.signature(serve).parameters)
    assert params[:3] == ["db_url", "host", "port"]


def test_serve_command_is_registered():
    from click.testing import CliRunner

    from tocsin.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--db", "--host", "--port", "--token"):
        assert option in result.output


def test_segments_rebuild_the_text_and_never_hold_markup(db):
    from tocsin.web.article_view import segments

    for row in db.articles():
        article = db.article(row["id"])
        pieces = segments(article)
        assert "".join(p.text for p in pieces) == article.text
        assert all(p.tag in ("", "span", "mark") for p in pieces)
        assert not any("<" in p.cls or '"' in p.cls for p in pieces)
