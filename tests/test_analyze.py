"""`tocsin analyze` as a user runs it: one article in, one contract record out."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from tocsin.cli import cli
from tocsin.schema import validate

from .conftest import ROOT, SEED

TOCSIN = [sys.executable, "-m", "tocsin"]


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*TOCSIN, *args], input=stdin, capture_output=True, timeout=300)


def test_seed_record_keeps_paragraphs_drops_credits(seed_text):
    result = CliRunner().invoke(cli, ["analyze", str(SEED), "--published", "2022-10-10"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    validate(record)
    assert record["schema"] == "tocsin.article/1"
    assert record["language"] == "fr"
    assert record["published"] == "2022-10-10"
    text = record["text"]
    assert "Crédit" not in text and "Flash d’information" not in text
    paragraphs = [p.strip() for p in seed_text.split("\n") if p.strip()]
    captions = [p for p in paragraphs if "Crédit :" in p]
    assert len(captions) == 3 and len(record["captions"]) == 3
    for par in paragraphs:
        if par not in captions:
            assert par in text, par[:60]
    # the pull quote is kept in the text and marked
    assert len(record["pull_quotes"]) == 1
    pq = record["pull_quotes"][0]
    assert text[pq["start"] : pq["end"]].endswith("Dr Yuri Felshtinsky")


def test_record_id_is_stable(seed_text, pipe):
    a = pipe.analyze(seed_text, published="2022-10-10")
    b = pipe.analyze(seed_text + "\n\n", published="2022-10-10")
    assert a.id == b.id and a.id.startswith("art_")
    c = pipe.analyze(seed_text.replace("Kyiv", "Kiev"), published="2022-10-10")
    assert c.id != a.id


def test_text_format_is_readable():
    result = CliRunner().invoke(
        cli, ["analyze", str(SEED), "--published", "2022-10-10", "--format", "text"]
    )
    assert result.exit_code == 0, result.output
    assert "language: fr" in result.stdout and "published: 2022-10-10" in result.stdout
    assert not result.stdout.lstrip().startswith("{")


def test_json_object_and_stdin_inputs(tmp_path):
    obj = {
        "title": "Minsk hosts drills",
        "text": "Belarus said on Tuesday that its army would hold drills near the border with Poland.",
        "url": "https://example.org/minsk-drills",
        "published": "2023-05-02",
    }
    path = tmp_path / "a.json"
    path.write_text(json.dumps(obj), "utf-8")
    result = CliRunner().invoke(cli, ["analyze", str(path)])
    assert result.exit_code == 0, result.output
    rec = json.loads(result.stdout)
    assert rec["title"] == "Minsk hosts drills" and rec["url"] == obj["url"]
    assert rec["published"] == "2023-05-02" and rec["language"] == "en"
    proc = run("analyze", "-", "--format", "jsonl", stdin=obj["text"].encode())
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.decode().strip().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["language"] == "en"


def test_html_page_metadata_and_main_text(tmp_path):
    page = """<!doctype html><html><head><title>Kyiv shelled overnight | The Daily Example</title>
    <meta name="author" content="Jane Roe"><meta property="og:site_name" content="The Daily Example">
    <meta property="article:published_time" content="2023-03-09T08:00:00Z"></head>
    <body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news menu</a></li></ul></nav>
    <article><h1>Kyiv shelled overnight</h1>
    <p>Russian forces launched a barrage of missiles at Kyiv overnight, the Ukrainian air force said on Thursday.</p>
    <figure><img src="a.jpg"><figcaption>Firefighters at the scene. Photo: Reuters</figcaption></figure>
    <p>“We shot down most of them,” a spokesman said, adding that two power stations had been hit.</p>
    <p>The strikes came a week after Moscow accused Kyiv of attacking a bridge in Crimea.</p>
    </article><footer>© 2023 The Daily Example. All rights reserved.</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(page, "utf-8")
    result = CliRunner().invoke(cli, ["analyze", str(path)])
    assert result.exit_code == 0, result.output
    rec = json.loads(result.stdout)
    assert rec["title"].startswith("Kyiv shelled overnight")
    assert rec["author"] == "Jane Roe"
    assert rec["published"].startswith("2023-03-09")
    assert "barrage of missiles" in rec["text"] and "bridge in Crimea" in rec["text"]
    assert "World news menu" not in rec["text"] and "Photo: Reuters" not in rec["text"]
    assert "All rights reserved" not in rec["text"]


def test_unsupported_language_gives_warning_and_empty_analyses(tmp_path):
    path = tmp_path / "de.txt"
    path.write_text(
        "Der Bundeskanzler sagte am Dienstag in Berlin, Deutschland werde der Ukraine weitere "
        "Luftabwehrsysteme liefern. Die Opposition kritisierte die Entscheidung scharf.",
        "utf-8",
    )
    proc = run("analyze", str(path))
    assert proc.returncode == 0
    rec = json.loads(proc.stdout)
    validate(rec)
    assert rec["language"] == "de"
    assert rec["entities"] == rec["quotes"] == rec["events"] == []
    assert b"not supported" in proc.stderr


def test_lang_option_overrides_detection(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("Kyiv. Minsk. NATO. Moscou.", "utf-8")
    result = CliRunner().invoke(cli, ["analyze", str(path), "--lang", "fr"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["language"] == "fr"


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (ROOT / "examples").glob("*.*") if p.suffix in (".txt", ".html"))
)
def test_every_example_gives_a_valid_record(name, pipe):
    from tocsin.ingest.files import read_path

    article = pipe.analyze(read_path(ROOT / "examples" / name))
    validate(article.to_dict())
    assert article.language in ("fr", "en")
    assert len(article.text.split()) > 100
    assert not re.search(r"(Crédit|Credit|Photo)\s*:", article.text)
