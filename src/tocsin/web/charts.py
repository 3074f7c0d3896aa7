"""Plotly figures (plain dicts: data + layout) built from the pages' JSON data.

The page embeds a figure in a `data-chart` attribute and static/charts.js draws it
with plotly.js; no script is ever written into the page.
"""

from __future__ import annotations

from typing import Any

QUADS = {
    1: ("Verbal cooperation", "#4c9f70"),
    2: ("Material cooperation", "#1f6f43"),
    3: ("Verbal conflict", "#e09f3e"),
    4: ("Material conflict", "#b23a48"),
}
MODALITY_COLOURS = {
    "asserted": "#2f4b7c",
    "alleged": "#a05195",
    "hypothetical": "#f95d6a",
    "future": "#ff7c43",
    "negated": "#7a7a7a",
}
PAIR_COLOURS = ["#b23a48", "#2f4b7c", "#e09f3e", "#4c9f70", "#a05195", "#665191", "#7a7a7a"]


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": title, "font": {"size": 14}},
        "height": 320,
        "margin": {"l": 50, "r": 20, "t": 40, "b": 40},
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "closest",
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "xaxis": {"gridcolor": "#eeeeee"},
        "yaxis": {"gridcolor": "#eeeeee", "zerolinecolor": "#bbbbbb"},
        **extra,
    }


def activity_figure(activity: list[dict[str, Any]]) -> dict[str, Any]:
    """Events per month, stacked by CAMEO quad class."""
    months = sorted({row["month"] for row in activity})
    data = []
    for quad, (name, colour) in QUADS.items():
        counts = {row["month"]: row["events"] for row in activity if row["quad_class"] == quad}
        data.append(
            {
                "type": "bar",
                "name": name,
                "x": months,
                "y": [counts.get(m, 0) for m in months],
                "marker": {"color": colour},
            }
        )
    return {"data": data, "layout": _layout("Coded events per month", barmode="stack")}


def timelines_figure(timelines: list[dict[str, Any]]) -> dict[str, Any]:
    """The conflict index of each pair over time; clicking a point opens the pair."""
    data = []
    for i, t in enumerate(timelines):
        rows = sorted(t["rows"], key=lambda r: str(r.get("day")))
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": t["pair"],
                "x": [r.get("day") for r in rows],
                "y": [r.get("conflict_index") for r in rows],
                "customdata": [[t["pair"], r.get("day"), r.get("events")] for r in rows],
                "hovertemplate": "%{customdata[0]} %{x}<br>conflict index %{y}<br>%{customdata[2]} events<extra></extra>",
                "line": {"color": PAIR_COLOURS[i % len(PAIR_COLOURS)]},
            }
        )
    layout = _layout(
        "Escalation: conflict index of the most active pairs",
        yaxis={"title": {"text": "conflict index"}, "gridcolor": "#eeeeee"},
    )
    return {"data": data, "layout": layout, "link": "/pairs/"}


def pair_figure(
    pair: str, series_rows: list[dict[str, Any]], events: list[dict[str, Any]]
) -> dict[str, Any]:
    """A pair's escalation series (when the monitor runs) over its events' Goldstein scores."""
    data: list[dict[str, Any]] = []
    directions: dict[str, list[dict[str, Any]]] = {}
    for r in sorted(series_rows, key=lambda r: (str(r.get("pair")), str(r.get("day")))):
        directions.setdefault(str(r.get("pair")), []).append(r)
    for i, (name, rows) in enumerate(directions.items()):
        days = [r.get("day") for r in rows]
        colour = PAIR_COLOURS[i % len(PAIR_COLOURS)]
        custom = [[name, r.get("day")] for r in rows]
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": f"{name} conflict index",
                "x": days,
                "y": [r.get("conflict_index") for r in rows],
                "line": {"color": colour, "width": 3},
                "customdata": custom,
                "yaxis": "y2",
            }
        )
        if any(r.get("speculation_index") for r in rows):
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": f"{name} speculation index",
                    "x": days,
                    "y": [r.get("speculation_index") for r in rows],
                    "yaxis": "y2",
                    "line": {"color": colour, "dash": "dot"},
                    "customdata": custom,
                }
            )
    by_modality: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        if len(e.get("day") or "") == 10:
            by_modality.setdefault(e["modality"], []).append(e)
    for modality, evs in by_modality.items():
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": f"event ({modality})",
                "x": [e["day"] for e in evs],
                "y": [e.get("goldstein") for e in evs],
                "text": [
                    f"{e.get('source_name') or '?'} → {e['cameo']} → {e.get('target_name') or '?'}"
                    for e in evs
                ],
                "hovertemplate": "%{x}: %{text}<br>Goldstein %{y}<extra></extra>",
                "marker": {
                    "color": MODALITY_COLOURS.get(modality, "#333333"),
                    "size": 9,
                    "symbol": "circle-open" if modality != "asserted" else "circle",
                },
                "customdata": [[pair, e["day"]] for e in evs],
            }
        )
    extra: dict[str, Any] = {
        "yaxis": {"title": {"text": "Goldstein score"}, "gridcolor": "#eeeeee"}
    }
    if directions:
        extra["yaxis2"] = {
            "title": {"text": "index"},
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
        }
    return {
        "data": data,
        "layout": _layout(f"{pair}: events and escalation", **extra),
        "explain": pair,
    }
