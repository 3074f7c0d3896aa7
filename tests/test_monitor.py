"""The escalation monitor: the index formula on hand-built records, speculation kept in
its own series, alert rules with their evidence (hand-built cases, the examples spread
over dates, the seed), rules files validated with file and line, the CLI as users run
it (monitor, --explain, --plot, alerts, delivery to a file and a local webhook)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tocsin import monitor, store
from tocsin.cli import cli
from tocsin.errors import DataFileError, UsageError
from tocsin.monitor import alerting, index
from tocsin.monitor.rules import load_rules
from tocsin.record import Actor

from .corpus import NATO, RUSGOV, RUSSIA, UKRAINE, article, event, examples_dir
from .httpserver import LocalServer

EXPERT = Actor("Jane Analyst", None, "EDU", "EDU")
KREMLIN = Actor("Dmitry Peskov", "RUS", "GOV", "RUSGOV")
MILITIA = Actor("Some militia", None, "REB", "REB")


@pytest.fixture
def db(tmp_path):
    with store.open(f"sqlite:///{tmp_path / 'monitor.db'}") as opened:
        yield opened


def invoke(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result


def rules_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, "utf-8")
    return path


MIXED = (
    "Russia attacked Kyiv at dawn. Moscow reportedly shelled Kharkiv. Russia will blockade "
    "Odesa. Russia did not bomb Lviv. Russia could use nuclear weapons. Russia promised aid "
    "to Ukraine."
)


def mixed_article(day: str = "2024-03-01"):
    t = MIXED
    return article(
        t,
        url="https://wire.example/mixed",
        outlet="Wire",
        published=day,
        events=[
            event(t, "e1", "attacked", "190", RUSSIA, UKRAINE, quad=4, goldstein=-10.0, day=day),
            event(
                t,
                "e2",
                "shelled",
                "195",
                RUSSIA,
                UKRAINE,
                modality="alleged",
                quad=4,
                goldstein=-10.0,
                day=day,
            ),
            event(
                t,
                "e3",
                "will blockade",
                "191",
                RUSSIA,
                UKRAINE,
                modality="future",
                quad=4,
                goldstein=-9.5,
                day=day,
            ),
            event(
                t,
                "e4",
                "did not bomb",
                "193",
                RUSSIA,
                UKRAINE,
                modality="negated",
                quad=4,
                goldstein=-10.0,
                day=day,
            ),
            event(
                t,
                "e5",
                "could use",
                "1385",
                RUSSIA,
                UKRAINE,
                modality="hypothetical",
                goldstein=-7.0,
                day=day,
                nuclear=True,
                signal="rhetoric",
            ),
            event(
                t,
                "e6",
                "promised aid",
                "0332",
                RUSSIA,
                UKRAINE,
                quad=1,
                goldstein=5.2,
                plover="AGREE",
                day=day,
            ),
        ],
    )


def threat_article(day: str = "2024-03-03", url: str = "https://wire.example/threat"):
    t = f"Russia threatened Ukraine with its nuclear arsenal on {day}."
    return article(
        t,
        url=url,
        outlet="Wire",
        published=day,
        events=[
            event(
                t,
                "w1",
                "threatened",
                "1385",
                RUSSIA,
                UKRAINE,
                goldstein=-7.0,
                nuclear=True,
                signal="rhetoric",
            )
        ],
    )


# -- the index ----------------------------------------------------------------------------------


def test_index_formula_on_one_day(db):
    db.add(mixed_article())
    (row,) = monitor.series(db, pair="RUS-UKR")
    assert (row["pair"], row["source"], row["target"], row["day"]) == (
        "RUS-UKR",
        "RUS",
        "UKR",
        "2024-03-01",
    )
    assert (row["q1"], row["q2"], row["q3"], row["q4"], row["events"]) == (1, 0, 1, 4, 6)
    assert row["goldstein_sum"] == pytest.approx(-10 - 10 - 9.5 - 10 - 7 + 5.2)
    assert row["goldstein_mean"] == pytest.approx(row["goldstein_sum"] / 6, abs=1e-3)
    assert row["nuclear"] == {"rhetoric": 1}
    # asserted 10×1 + alleged 10×0.5 + future 9.5×0.3 + negated 0; quad 1 weighs nothing
    assert row["conflict_index"] == pytest.approx(10 + 5 + 2.85)
    # the hypothetical nuclear threat: 7 × 1.5, in the other series only
    assert row["speculation_index"] == pytest.approx(10.5)
    assert row["conflict_7d"] == row["conflict_index"]
    assert monitor.series(db, pair="UKR-RUS") == []  # directed
    assert monitor.top_pairs(db) == ["RUS-UKR"]


def test_speculation_moves_only_its_own_series(db):
    db.add(mixed_article())
    before = monitor.series(db, pair="RUS-UKR")[0]
    t = (
        "Russia could strike Kyiv's power grid, an analyst said. Moscow would target "
        "Ukrainian ports, she wrote. Russia struck Kyiv, Jane Analyst claimed."
    )
    speculative = article(
        t,
        url="https://blog.example/what-if",
        outlet="Blog",
        published="2024-03-01",
        events=[
            event(
                t,
                "s1",
                "could strike",
                "183",
                RUSSIA,
                UKRAINE,
                modality="hypothetical",
                quad=4,
                goldstein=-10.0,
                asserted_by=EXPERT,
            ),
            event(
                t,
                "s2",
                "would target",
                "186",
                RUSSIA,
                UKRAINE,
                modality="hypothetical",
                quad=4,
                goldstein=-10.0,
            ),
            # asserted, but only in a commentator's voice: speculation too
            event(
                t,
                "s3",
                "struck",
                "192",
                RUSSIA,
                UKRAINE,
                quad=4,
                goldstein=-10.0,
                asserted_by=EXPERT,
            ),
        ],
    )
    db.add(speculative)
    after = monitor.series(db, pair="RUS-UKR")[0]
    assert after["conflict_index"] == before["conflict_index"]
    assert after["conflict_7d"] == before["conflict_7d"]
    assert after["speculation_index"] == pytest.approx(before["speculation_index"] + 30)
    assert after["events"] == before["events"] + 3
    # a state's own spokesman is no commentator: his claim counts in the conflict series
    t2 = "Russia struck Kherson overnight, the Kremlin spokesman said."
    db.add(
        article(
            t2,
            url="https://wire.example/kherson",
            published="2024-03-01",
            events=[
                event(
                    t2,
                    "k1",
                    "struck",
                    "194",
                    RUSSIA,
                    UKRAINE,
                    quad=4,
                    goldstein=-10.0,
                    asserted_by=KREMLIN,
                ),
            ],
        )
    )
    last = monitor.series(db, pair="RUS-UKR")[0]
    assert last["conflict_index"] == pytest.approx(before["conflict_index"] + 10)
    assert last["speculation_index"] == after["speculation_index"]


def test_one_event_told_twice_counts_once_and_explain_shows_both(db):
    t1 = "Russia attacked Kyiv overnight with drones, officials said."
    t2 = "Officials in Kyiv said Russia attacked the city with drones overnight, causing fires."
    for t, url, outlet in ((t1, "https://a.example/1", "A"), (t2, "https://b.example/2", "B")):
        db.add(
            article(
                t,
                url=url,
                outlet=outlet,
                published="2024-05-02",
                events=[
                    event(
                        t,
                        "ev1",
                        "attacked",
                        "190",
                        RUSSIA,
                        UKRAINE,
                        quad=4,
                        goldstein=-10.0,
                        day="2024-05-01",
                    ),
                ],
            )
        )
    (row,) = monitor.series(db, pair="RUS-UKR")
    assert (row["day"], row["events"], row["reports"], row["conflict_index"]) == (
        "2024-05-01",
        1,
        2,
        10.0,
    )
    shown = monitor.explain(db, "RUS-UKR", "2024-05-01")
    assert [e["counted"] for e in shown] == [True, False]
    assert {e["outlet"] for e in shown} == {"A", "B"}
    first = shown[0]
    assert first["url"] == "https://a.example/1" and first["sentence"] == t1
    assert first["article_id"] == article(t1, url="https://a.example/1").id
    assert (first["conflict"], first["speculation"], first["cameo"]) == (10.0, 0.0, "190")
    assert monitor.explain(db, "RUS-UKR", "2024-05-02") == []


def test_event_day_is_its_date_to_the_day_else_publication(db):
    from tocsin.record import DateValue

    t = "Russia attacked Kyiv on Monday. Russia attacked Odesa in March."
    e1 = event(
        t, "d1", "attacked Kyiv", "190", RUSSIA, UKRAINE, quad=4, goldstein=-10.0, day="2024-04-01"
    )
    e2 = event(t, "d2", "attacked Odesa", "195", RUSSIA, UKRAINE, quad=4, goldstein=-10.0)
    e2.date = DateValue("2024-03", "month")
    db.add(
        article(t, url="https://a.example/days", published="2024-04-03T08:00:00", events=[e1, e2])
    )
    assert [(r["day"], r["events"]) for r in monitor.series(db, pair="RUS-UKR")] == [
        ("2024-04-01", 1),
        ("2024-04-03", 1),
    ]
    assert [r["day"] for r in monitor.series(db, since="2024-04-02")] == ["2024-04-03"]
    assert [r["day"] for r in monitor.series(db, until="2024-04-02")] == ["2024-04-01"]


def test_actor_level_and_bad_arguments(db):
    db.add(mixed_article())
    t = "Vladimir Putin threatened NATO."
    db.add(
        article(
            t,
            url="https://a.example/p",
            published="2024-03-02",
            events=[event(t, "p1", "threatened", "138", RUSGOV, NATO, goldstein=-7.0)],
        )
    )
    assert {r["pair"] for r in monitor.series(db, level="actor")} == {"RUS-UKR", "RUSGOV-NATO"}
    assert monitor.series(db, pair="rusgov>nato", level="actor")[0]["conflict_index"] == 7.0
    with pytest.raises(UsageError, match="--pair"):
        monitor.series(db, pair="RUS/UKR")
    with pytest.raises(UsageError, match="--level"):
        monitor.series(db, level="planet")
    with pytest.raises(UsageError, match="--since"):
        monitor.series(db, since="yesterday")


# -- rules and alerts on hand-built records -------------------------------------------------------


def test_first_signal_capability_and_wmd_alerts_with_evidence(db):
    t = (
        "Putin threatened to use nuclear weapons against Ukraine. Russia moved Iskander launchers "
        "to Belarus. Russia could deploy nuclear bombers, an analyst said. A militia threatened "
        "nuclear strikes. Russia threatened Kyiv with nuclear retaliation."
    )
    a = article(
        t,
        url="https://wire.example/nuke",
        outlet="Wire",
        published="2024-06-01",
        events=[
            event(
                t,
                "n1",
                "threatened to use",
                "1385",
                RUSGOV,
                UKRAINE,
                goldstein=-7.0,
                nuclear=True,
                signal="rhetoric",
            ),
            event(
                t,
                "n2",
                "moved",
                "154",
                RUSSIA,
                Actor("Belarus", "BLR", None, "BLR"),
                quad=4,
                goldstein=-7.2,
                nuclear=True,
                signal="capability",
                plover="MOBILIZE",
            ),
            event(
                t,
                "n3",
                "could deploy",
                "154",
                RUSSIA,
                UKRAINE,
                modality="hypothetical",
                quad=4,
                goldstein=-7.2,
                nuclear=True,
                signal="capability",
                asserted_by=EXPERT,
            ),
            event(
                t,
                "n4",
                "militia threatened",
                "1385",
                MILITIA,
                UKRAINE,
                goldstein=-7.0,
                nuclear=True,
                signal="rhetoric",
            ),
            event(
                t,
                "n5",
                "threatened Kyiv",
                "138",
                RUSSIA,
                UKRAINE,
                goldstein=-7.0,
                nuclear=True,
                signal="rhetoric",
            ),
        ],
    )
    db.add(a)
    new = monitor.run_rules(db)
    by_rule: dict[str, list[dict]] = {}
    for alert in new:
        by_rule.setdefault(alert["rule"], []).append(alert)
    firsts = {(x["pair"], x["details"]["signal"]) for x in by_rule["first-nuclear-signal"]}
    assert firsts == {("RUS-UKR", "rhetoric"), ("RUS-BLR", "capability"), ("?-UKR", "rhetoric")}
    (cap,) = by_rule["nuclear-capability"]  # the analyst's hypothetical deployment raises none
    assert cap["pair"] == "RUS-BLR" and cap["severity"] == "critical"
    (ev,) = cap["evidence"]
    assert (
        ev["event_id"] == "n2"
        and ev["article_id"] == a.id
        and ev["url"] == a.url
        and ev["outlet"] == "Wire"
    )
    assert ev["sentence"] == "Russia moved Iskander launchers to Belarus."
    # Putin (GOV) and Russia itself (a country, root 13 + nuclear) threaten; the militia is no state
    wmd = sorted(e["event_id"] for x in by_rule["wmd-threat"] for e in x["evidence"])
    assert wmd == ["n1", "n5"]
    assert "conflict-surge" not in by_rule
    # stored, with stable ids: evaluating again raises nothing, and the store shows them all
    assert monitor.run_rules(db) == []
    stored = monitor.alerts(db)
    assert {x["id"] for x in stored} == {x["id"] for x in new}
    assert all(x["evidence"] and x["created_at"] for x in stored)


def test_first_signal_fires_once_per_pair_and_signal(db, tmp_path):
    db.add(threat_article("2024-01-05", "https://a.example/1"))
    rules = rules_file(tmp_path, "rules:\n  - name: first\n    kind: first_signal\n")
    (first,) = monitor.run_rules(db, rules)
    assert first["day"] == "2024-01-05" and first["key"] == "rhetoric"
    assert first["id"] == monitor.alerts(db)[0]["id"]
    db.add(threat_article("2024-02-05", "https://a.example/2"))
    assert monitor.run_rules(db, rules) == []  # a second rhetoric signal is not a first


def _background_and_surge(db, surge_day: str = "2024-04-10") -> None:
    start = dt.date(2024, 1, 1)
    for i in range(0, 100, 10):  # a quiet baseline: one minor incident every ten days
        day = (start + dt.timedelta(days=i)).isoformat()
        t = f"Russian troops harassed Ukrainian border guards on {day}."
        db.add(
            article(
                t,
                url=f"https://a.example/bg{i}",
                published=day,
                events=[
                    event(
                        t, "b", "harassed", "1711", RUSSIA, UKRAINE, goldstein=-2.0, quad=3, day=day
                    )
                ],
            )
        )
    t = "Russia bombed Kharkiv. Russia shelled Sumy. Russia attacked Odesa with missiles."
    db.add(
        article(
            t,
            url="https://a.example/surge",
            outlet="Wire",
            published=surge_day,
            events=[
                event(
                    t,
                    "x1",
                    "bombed",
                    "195",
                    RUSSIA,
                    UKRAINE,
                    quad=4,
                    goldstein=-10.0,
                    day=surge_day,
                ),
                event(
                    t,
                    "x2",
                    "shelled",
                    "194",
                    RUSSIA,
                    UKRAINE,
                    quad=4,
                    goldstein=-10.0,
                    day=surge_day,
                ),
                event(
                    t,
                    "x3",
                    "attacked",
                    "190",
                    RUSSIA,
                    UKRAINE,
                    quad=4,
                    goldstein=-10.0,
                    day=surge_day,
                ),
            ],
        )
    )


def test_surge_above_the_baseline(db, tmp_path):
    _background_and_surge(db)
    rules = rules_file(
        tmp_path,
        """
rules:
  - name: surge
    kind: surge
    k: 3
    min_baseline_days: 60
    min_index: 20
  - name: surge-needs-long-history
    kind: surge
    baseline_days: 200
    min_baseline_days: 150
""",
    )
    (alert,) = monitor.run_rules(db, rules)
    assert (alert["rule"], alert["pair"], alert["day"]) == ("surge", "RUS-UKR", "2024-04-10")
    d = alert["details"]
    assert d["index_7d"] == 30.0 and d["index_7d"] > d["threshold"] and d["baseline_days"] == 90
    assert d["baseline_mean"] == pytest.approx(1.4, abs=0.2)  # 2.0 on 7 of every 10 days
    assert sorted(e["event_id"] for e in alert["evidence"]) == ["x1", "x2", "x3"]
    assert monitor.run_rules(db, rules) == []


def test_rules_files_are_validated_with_file_and_line(tmp_path):
    assert {r.kind for r in load_rules()} == {"first_signal", "surge", "capability", "wmd_threat"}
    cases = {
        "rules:\n  - name: a\n    kind: first_signal\n  - name: b\n    kind: tremor\n": (
            ":5",
            "unknown rule kind 'tremor'",
        ),
        "rules:\n  - name: a\n    kind: surge\n    k: lots\n": (":4", "`k` must be a number"),
        "rules:\n  - name: a\n    kind: capability\n    modalities: [asserted, rumoured]\n": (
            ":4",
            "'rumoured'",
        ),
        "rules:\n  - name: a\n    kind: capability\n    colour: red\n": (
            ":4",
            "unknown option 'colour'",
        ),
        "rules:\n  - name: a\n    kind: capability\n  - name: a\n    kind: wmd_threat\n": (
            ":4",
            "already used at",
        ),
        "rules:\n  - kind: capability\n": (":2", "needs a `name`"),
        "rules:\n  - name: a\n    kind: [unclosed\n": (":", "not valid YAML"),
        "rules:\n  - name: a\n    kind: surge\n    min_baseline_days: 120\n": (
            ":4",
            "cannot exceed",
        ),
        "alerts: []\n": (":1", "`rules:` list"),
    }
    for text, (line, message) in cases.items():
        path = rules_file(tmp_path, text)
        with pytest.raises(DataFileError) as info:
            load_rules(path)
        assert info.value.source.startswith(f"{path}{line}"), (text, info.value.source)
        assert message in info.value.reason, (text, info.value.reason)
    result = invoke(
        "alerts", "--run", "--rules", str(path), "--db", f"sqlite:///{tmp_path / 'x.db'}", code=1
    )
    assert result.output.strip() == f"tocsin: {path}:1: expected a mapping with a `rules:` list"


# -- the CLI --------------------------------------------------------------------------------------


def test_monitor_cli_json_explain_and_plot(db, tmp_path):
    db.add(mixed_article())
    url = db.url
    rows = json.loads(invoke("monitor", "--db", url, "--pair", "RUS-UKR", "--json").stdout)
    assert rows == monitor.series(db, pair="RUS-UKR")
    text = invoke("monitor", "--db", url).stdout
    assert "RUS-UKR" in text and "2024-03-01" in text and "10.5" in text
    shown = json.loads(
        invoke(
            "monitor",
            "--db",
            url,
            "--pair",
            "RUS-UKR",
            "--explain",
            "--day",
            "2024-03-01",
            "--json",
        ).stdout
    )
    assert {e["event_id"] for e in shown} == {"e1", "e2", "e3", "e4", "e5", "e6"}
    text = invoke(
        "monitor", "--db", url, "--pair", "RUS-UKR", "--explain", "--day", "2024-03-01"
    ).stdout
    assert "Russia attacked Kyiv at dawn." in text and "https://wire.example/mixed" in text
    out = tmp_path / "rus-ukr.png"
    invoke("monitor", "--db", url, "--pair", "RUS-UKR", "--plot", str(out))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = invoke("monitor", "--db", url, "--explain", code=2)
    assert bad.output.strip().startswith("tocsin: --explain: needs --pair and --day")
    empty = invoke(
        "monitor", "--db", url, "--pair", "USA-CHN", "--plot", str(tmp_path / "none.png"), code=2
    )
    assert "nothing to plot" in empty.output


def test_alerts_cli_file_and_webhook_deliver_each_alert_once(db, tmp_path):
    db.add(mixed_article())
    url = db.url
    # its only nuclear event is hypothetical: speculation raises no alert
    assert json.loads(invoke("alerts", "--db", url, "--run", "--json").stdout) == []
    db.add(threat_article())
    new = json.loads(invoke("alerts", "--db", url, "--run", "--json").stdout)
    assert {a["rule"] for a in new} == {"first-nuclear-signal", "wmd-threat"}
    rows = json.loads(invoke("alerts", "--db", url, "--json").stdout)
    assert {a["id"] for a in rows} == {a["id"] for a in new}
    first = next(a for a in rows if a["rule"] == "first-nuclear-signal")
    assert (first["pair"], first["day"], first["evidence"][0]["event_id"]) == (
        "RUS-UKR",
        "2024-03-03",
        "w1",
    )
    assert invoke("alerts", "--db", url).stdout.count("alr_") == 2
    sink = tmp_path / "alerts.jsonl"
    for _ in range(2):
        invoke("alerts", "--db", url, "--to-file", str(sink))
    lines = [json.loads(line) for line in sink.read_text("utf-8").splitlines()]
    assert sorted(a["id"] for a in lines) == sorted(a["id"] for a in rows)

    received: list[dict] = []
    statuses = iter([500, 200, 200, 200, 200])

    def hook(handler):
        body = handler.rfile.read(int(handler.headers["Content-Length"]))
        status = next(statuses)
        if status == 200:
            received.append(json.loads(body))
        return status, {"Content-Type": "text/plain"}, b"ok"

    with LocalServer({"/hook": hook}) as server:
        refused = invoke("alerts", "--db", url, "--webhook", server.url("/hook"), code=1)
        assert "refused" in refused.output and "--allow-private" in refused.output
        assert received == [] and server.hits == []
        invoke("alerts", "--db", url, "--webhook", server.url("/hook"), "--allow-private")
        invoke("alerts", "--db", url, "--webhook", server.url("/hook"), "--allow-private")
        assert len(server.hits) == len(rows) + 1  # one 500, retried once
    assert sorted(a["id"] for a in received) == sorted(a["id"] for a in rows)
    assert all(a["evidence"][0]["sentence"] for a in received)


def test_webhook_down_is_retried_then_recorded_as_failed(db, tmp_path):
    db.add(threat_article())
    alert = monitor.run_rules(db)[0]

    def down(handler):
        return 503, {"Content-Type": "text/plain"}, b"busy"

    with LocalServer({"/hook": down}) as server:
        dest = alerting.WebhookDestination(
            server.url("/hook"), allow_private=True, retries=2, backoff=0.01
        )
        report = alerting.deliver(db, [alert], dest)
        assert report.sent == [] and "HTTP 503" in report.failed[0]["error"]
        assert len(server.hits) == 3
    assert [a["id"] for a in alerting.pending_alerts(db, dest.key)] == [alert["id"]]


def test_alerts_stored_once_on_both_databases(db_url):
    with store.open(db_url) as db:
        db.add(mixed_article())
        db.add(threat_article())
        new = alerting.run_rules(db, destinations=["file:/dev/null"])
        assert len(new) == 2 and alerting.run_rules(db) == []
        assert {a["id"] for a in alerting.pending_alerts(db, "file:/dev/null")} == {
            a["id"] for a in new
        }
        assert [a["id"] for a in monitor.alerts(db, limit=1)] == [monitor.alerts(db)[0]["id"]]


# -- the examples spread over dates, and the seed --------------------------------------------------


@pytest.fixture(scope="module")
def shifted_examples(tmp_path_factory):
    """The examples analysed once, published a week apart from 2024-01-01 on."""
    from tocsin.ingest.sources import read_sources
    from tocsin.pipeline import Pipeline

    src = examples_dir(tmp_path_factory.mktemp("fallback"))
    folder = tmp_path_factory.mktemp("examples")
    files = sorted(p for p in src.iterdir() if p.suffix in (".txt", ".html"))
    manifest = {}
    if (src / "manifest.jsonl").exists():
        for line in (src / "manifest.jsonl").read_text("utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                manifest[entry["file"]] = entry
    lines = []
    for i, p in enumerate(files):
        shutil.copy(p, folder / p.name)
        entry = {**manifest.get(p.name, {"file": p.name}), "file": p.name}
        entry["published"] = (dt.date(2024, 1, 1) + dt.timedelta(days=7 * i)).isoformat()
        lines.append(json.dumps(entry))
    (folder / "manifest.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    raws = [r for r in read_sources([str(folder)]) if not isinstance(r, Exception)]
    return list(Pipeline().pipe(raws))


def test_examples_over_dates_raise_alerts_traceable_to_their_sentences(db, shifted_examples):
    for a in shifted_examples:
        db.add(a, source=a.url)
    days = {r["day"] for r in monitor.series(db)}
    assert len({d for d in days if "2024-01-01" <= d <= "2024-04-30"}) >= 8
    new = monitor.run_rules(db)
    kinds = {a["kind"] for a in new}
    assert {"first_signal", "capability", "wmd_threat"} <= kinds, kinds
    stored = {(e["article_id"], e["id"]): e for e in db.events()}
    by_id = {a.id: a for a in shifted_examples}
    for alert in new:
        assert alert["evidence"], alert
        for ev in alert["evidence"]:
            row = stored[(ev["article_id"], ev["event_id"])]
            assert (
                ev["sentence"] == row["sentence"]
                and ev["url"] == row["url"] == by_id[ev["article_id"]].url
            )
            assert ev["outlet"] == row["outlet"]
            if alert["kind"] == "capability":
                assert row["signal"] == "capability" and row["nuclear"]
            if alert["kind"] in ("capability", "wmd_threat", "first_signal"):
                assert not ev["speculative"] and ev["modality"] != "negated"
    # the Putin warning of 2022 (here published in 2024) is a state's WMD threat
    putin = [
        a
        for a in new
        if a["kind"] == "wmd_threat"
        and any("putin-nuclear-warning" in (e["url"] or "") for e in a["evidence"])
    ]
    assert putin, [a["title"] for a in new]
    # the same articles again add nothing and raise nothing
    for a in shifted_examples:
        assert db.add(a, source=a.url) == "duplicate"
    assert monitor.run_rules(db) == []


def test_seed_raises_a_capability_alert_and_speculation(db, seed_record):
    db.add(seed_record, source="seed_article_fr.txt")
    new = monitor.run_rules(db)
    capability = [a for a in new if a["kind"] == "capability"]
    sentences = [" ".join(e["sentence"].split()) for a in capability for e in a["evidence"]]
    assert any("Iskander" in s or ("avions" in s and "nucléaires" in s) for s in sentences), (
        sentences
    )
    rows = index.load(db)
    expert = [r for r in rows if (r["asserted_by"] or "").endswith("Felshtinsky")]
    assert expert and all(r["conflict"] == 0 for r in expert)
    assert sum(r["speculation"] for r in expert) > 0
    assert all(r["day"] == "2022-10-10" for r in rows if r["precision"] != "day")
