"""Located events as a GeoJSON FeatureCollection of Points (RFC 7946: [lon, lat])."""

from __future__ import annotations

import datetime as dt
import json
from typing import IO, Any

from ..store import Store
from .tables import EVENT_COLUMNS, event_rows


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value


def feature_collection(store: Store) -> dict[str, Any]:
    features = []
    for row in event_rows(store):
        lat, lon = row.get("lat"), row.get("lon")
        if lat is None or lon is None:
            continue
        props = {k: _plain(row.get(k)) for k in EVENT_COLUMNS if k not in ("lat", "lon")}
        features.append(
            {
                "type": "Feature",
                "id": f"{row['article_id']}/{row['id']}",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def write_geojson(store: Store, out: IO[bytes]) -> int:
    collection = feature_collection(store)
    out.write(json.dumps(collection, ensure_ascii=False).encode("utf-8") + b"\n")
    return len(collection["features"])
