"""`tocsin export` in every format, read back with the tools people use: json,
pandas, pyarrow, networkx; on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tocsin import store
from tocsin.cli import cli
from tocsin.export.gdelt import COLUMNS

from .corpus import rich_articles, threat_articles


@pytest.fixture
def filled(db_url):
    """A database of hand-built records: six events, three located, two nuclear."""
    with store.open(db_url) as db:
        for a in rich_articles() + threat_articles():
            assert db.add(a) == "new"
    return db_url


def export(db_url: str, fmt: str, out) -> None:
    result = CliRunner().invoke(cli, ["export", "--db", db_url, "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output


def test_jsonl_is_exactly_the_records(filled, tmp_path):
    export(filled, "jsonl", tmp_path / "records.jsonl")
    lines = (tmp_path / "records.jsonl").read_text("utf-8").splitlines()
    expected = [a.to_dict() for a in rich_articles() + threat_articles()]
    assert [json.loads(line) for line in lines] == expected
    # to stdout as well
    result = CliRunner().invoke(cli, ["export", "--db", filled, "--format", "jsonl"])
    assert result.exit_code == 0 and result.stdout.splitlines() == lines


def test_csv_and_parquet_are_the_events_table(filled, tmp_path):
    import pandas as pd
    import pyarrow.parquet as pq

    export(filled, "csv", tmp_path / "events.csv")
    export(filled, "parquet", tmp_path / "events.parquet")
    frame = pd.read_csv(tmp_path / "events.csv", dtype={"cameo": str, "root": str})
    assert len(frame) == 9
    assert "010" in set(frame["cameo"]) and "01" in set(frame["root"])
    table = pq.read_table(tmp_path / "events.parquet")
    assert table.num_rows == 9
    assert str(table.schema.field("cameo").type) == "string"
    assert str(table.schema.field("nuclear").type) == "bool"
    parquet = table.to_pandas()
    assert sorted(parquet["cameo"]) == sorted(frame["cameo"])
    threat = parquet[parquet["cameo"] == "138"]
    assert set(zip(threat["num_articles"], threat["num_outlets"], strict=True)) == {(2, 3)}
    assert list(frame.columns[:3]) == ["article_id", "id", "event_key"]


def test_gdelt_has_the_61_columns_in_order(filled, tmp_path):
    import pandas as pd

    export(filled, "gdelt", tmp_path / "events.tsv")
    frame = pd.read_csv(tmp_path / "events.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(COLUMNS) and len(COLUMNS) == 61
    assert len(frame) == 9
    row = frame[frame["EventCode"] == "1385"].iloc[0]
    assert (row["Day"], row["MonthYear"], row["Year"]) == ("20220921", "202209", "2022")
    assert (row["EventBaseCode"], row["EventRootCode"], row["QuadClass"]) == ("138", "13", "3")
    assert (row["Actor1Code"], row["Actor1CountryCode"], row["Actor1Type1Code"]) == (
        "RUSGOV",
        "RUS",
        "GOV",
    )
    assert (row["ActionGeo_FullName"], row["ActionGeo_Lat"], row["ActionGeo_Type"]) == (
        "Moscow",
        "55.7500",
        "4",
    )
    # GDELT's geography uses FIPS 10-4 (Russia RS, Belarus BO); its actors, CAMEO/ISO3.
    assert row["ActionGeo_CountryCode"] == "RS"
    places = dict(zip(frame["ActionGeo_FullName"], frame["ActionGeo_CountryCode"], strict=True))
    assert {k: places[k] for k in ("Moscow", "Belgorod", "Minsk")} == {
        "Moscow": "RS",
        "Belgorod": "RS",
        "Minsk": "BO",
    }
    assert set(frame["Actor2CountryCode"]) >= {"UKR"}
    assert row["SOURCEURL"] == "https://news.example/putin" and len(row["DATEADDED"]) == 14
    nato = frame[frame["Actor1Code"] == "NATO"].iloc[0]
    assert (nato["Actor1CountryCode"], nato["Actor1KnownGroupCode"]) == ("", "NATO")
    assert "010" in set(frame["EventCode"])  # a string, never 10
    threat = frame[frame["EventCode"] == "138"]
    assert set(threat["NumArticles"]) == {"2"} and set(threat["NumSources"]) == {"3"}
    assert set(threat["NumMentions"]) == {"3"}
    assert frame["GlobalEventID"].is_unique


def test_fips_codes_come_from_geonames():
    from tocsin.export.gdelt import fips_country

    assert [fips_country(c) for c in ("UKR", "RUS", "BLR", "GBR", "DEU", "FRA", "USA")] == [
        "UP",
        "RS",
        "BO",
        "UK",
        "GM",
        "FR",
        "US",
    ]
    assert fips_country(None) == fips_country("") == fips_country("NATO") == ""


def test_plover_records(filled, tmp_path):
    export(filled, "plover", tmp_path / "events.plover.jsonl")
    records = [
        json.loads(x) for x in (tmp_path / "events.plover.jsonl").read_text("utf-8").splitlines()
    ]
    assert len(records) == 8  # the CAMEO 010 statement has no PLOVER category
    threat = next(r for r in records if r["cameo"] == "1385")
    assert threat["event"] == ["THREATEN"] and threat["event_type"] == "THREATEN"
    assert threat["source"][0]["code"] == "RUSGOV" and threat["recipient"][0]["code"] == "UKR"
    assert threat["date"] == "2022-09-21" and threat["modality"] == "hypothetical"
    assert threat["event_loc"]["name"] == "Moscow" and threat["story_ids"]
    assert {"mode", "context", "quad_code", "event_scale", "cite_info"} <= set(threat)


def test_gexf_actor_network(filled, tmp_path):
    import networkx as nx

    export(filled, "gexf", tmp_path / "actors.gexf")
    graph = nx.read_gexf(tmp_path / "actors.gexf")
    labels = {data["label"] for _, data in graph.nodes(data=True)}
    assert {"Russia", "Ukraine", "Vladimir Putin", "NATO", "IAEA"} <= labels
    by_label = {data["label"]: node for node, data in graph.nodes(data=True)}
    edge = graph.get_edge_data(by_label["Russia"], by_label["Ukraine"])
    if graph.is_multigraph():  # read_gexf makes one only when a pair has several types
        (edge,) = edge.values()
    assert edge["label"] == "THREATEN" and float(edge["weight"]) == 3.0


def test_geojson_located_events(filled, tmp_path):
    export(filled, "geojson", tmp_path / "events.geojson")
    collection = json.loads((tmp_path / "events.geojson").read_text("utf-8"))
    assert collection["type"] == "FeatureCollection"
    points = {f["properties"]["location_name"]: f["geometry"] for f in collection["features"]}
    assert set(points) == {"Moscow", "Belgorod", "Minsk"}
    assert points["Minsk"] == {"type": "Point", "coordinates": [27.57, 53.9]}  # lon, lat


def test_export_errors_are_one_line(filled, tmp_path):
    result = CliRunner().invoke(
        cli, ["export", "--db", filled, "--format", "csv", "--out", str(tmp_path / "no" / "x.csv")]
    )
    assert result.exit_code == 2 and "cannot write" in result.output
    assert not list(tmp_path.glob("**/*.part"))
