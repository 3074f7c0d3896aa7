"""PLOVER event records, one JSON object per line (the JSONL form the PLOVER
specification suggests), with its field names: id, date, source and recipient (lists
of actor objects), event, mode, context, event_loc, event_text, quad_code,
event_scale, text, cite_info, coder, coded_date. `event_type`, `event_date`,
`source_actor`, `target_actor` and `story_ids` repeat them in the flat form later
PLOVER datasets (POLECAT) use. tocsin's own fields (modality, asserted_by,
disputed_by, nuclear, signal, confidence, cameo, num_articles, num_outlets) follow,
as the specification allows.

CAMEO roots 01 and 02 (statements, appeals) have no PLOVER category: such events
are left out.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from typing import IO, Any

from ..store import Store
from .tables import event_rows


def _coder() -> str:
    try:
        return f"tocsin {version('tocsin')}"
    except PackageNotFoundError:
        return "tocsin"


def _actor(row: dict[str, Any], side: str) -> dict[str, Any] | None:
    if not row.get(f"{side}_name") and not row.get(f"{side}_code"):
        return None
    actor = {
        "name": row.get(f"{side}_name"),
        "code": row.get(f"{side}_code"),
        "country": row.get(f"{side}_country"),
        "sector": row.get(f"{side}_role"),
    }
    return {k: v for k, v in actor.items() if v is not None}


def plover_record(row: dict[str, Any], coder: str, coded: str) -> dict[str, Any] | None:
    if not row.get("plover"):
        return None
    source, target = _actor(row, "source"), _actor(row, "target")
    location = None
    if row.get("location_name") or row.get("location_country"):
        location = {
            "name": row.get("location_name"),
            "country": row.get("location_country"),
            "lat": row.get("lat"),
            "lon": row.get("lon"),
        }
    return {
        "id": f"{row['article_id']}/{row['id']}",
        "date": row.get("day") or None,
        "source": [source] if source else [],
        "recipient": [target] if target else [],
        "event": [row["plover"]],
        "mode": None,
        "context": ["nuclear"] if row.get("nuclear") else [],
        "event_loc": location,
        "event_text": [row["trigger"]] if row.get("trigger") else [],
        "quad_code": row.get("quad_class"),
        "event_scale": row.get("goldstein"),
        "text": row.get("sentence"),
        "cite_info": {
            "url": row.get("url"),
            "outlet": row.get("outlet"),
            "title": row.get("title"),
            "published": row.get("published"),
        },
        "link": row.get("cluster_id"),
        "coder": coder,
        "coded_date": coded,
        # The flat form of later PLOVER datasets.
        "event_type": row["plover"],
        "event_date": row.get("day") or None,
        "source_actor": source["name"] if source else None,
        "target_actor": target["name"] if target else None,
        "story_ids": [row["article_id"]],
        # tocsin's additions.
        "cameo": row["cameo"],
        "modality": row.get("modality"),
        "asserted_by": row.get("asserted_by"),
        "disputed_by": row.get("disputed_by"),
        "nuclear": bool(row.get("nuclear")),
        "signal": row.get("signal"),
        "confidence": row.get("confidence"),
        "num_articles": row.get("num_articles"),
        "num_outlets": row.get("num_outlets"),
    }


def plover_records(store: Store) -> Iterator[dict[str, Any]]:
    coder, coded = _coder(), dt.date.today().isoformat()
    for row in event_rows(store):
        record = plover_record(row, coder, coded)
        if record is not None:
            yield record


def write_plover(store: Store, out: IO[bytes]) -> int:
    n = 0
    for record in plover_records(store):
        out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        n += 1
    return n
