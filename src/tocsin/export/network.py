"""The actor network for Gephi (GEXF): actors as nodes, events as weighted, typed edges.

One edge per (source actor, target actor, event type): its weight is the number of
events, its label the PLOVER type (else the CAMEO root), with the mean Goldstein
score, the number of nuclear events and the first and last days as attributes.
"""

from __future__ import annotations

from collections import defaultdict
from typing import IO, Any

from ..store import Store
from .tables import event_rows


def _node(row: dict[str, Any], side: str) -> tuple[str, dict[str, str]] | None:
    name, code = row.get(f"{side}_name"), row.get(f"{side}_code")
    if not name and not code:
        return None
    attrs = {
        "label": name or code,
        "code": code,
        "country": row.get(f"{side}_country"),
        "role": row.get(f"{side}_role"),
    }
    return f"{code or ''}|{name or ''}", {k: v for k, v in attrs.items() if v}


def actor_graph(store: Store) -> Any:
    """A networkx MultiDiGraph of who did what to whom."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    edges: dict[tuple[str, str, str], dict[str, Any]] = defaultdict(
        lambda: {"weight": 0, "goldstein_sum": 0.0, "nuclear_events": 0, "days": []}
    )
    for row in event_rows(store):
        source, target = _node(row, "source"), _node(row, "target")
        if source is None or target is None:
            continue
        graph.add_node(source[0], **source[1])
        graph.add_node(target[0], **target[1])
        kind = row.get("plover") or f"CAMEO {row['root']}"
        edge = edges[(source[0], target[0], kind)]
        edge["weight"] += 1
        edge["goldstein_sum"] += row.get("goldstein") or 0.0
        edge["nuclear_events"] += 1 if row.get("nuclear") else 0
        if row.get("day"):
            edge["days"].append(row["day"])
        edge.setdefault("root", row["root"])
        edge.setdefault("quad_class", row.get("quad_class") or 0)
    for (u, v, kind), e in sorted(edges.items()):
        attrs: dict[str, Any] = {
            "label": kind,  # GEXF's own edge label; `type` is reserved for directedness
            "event_type": kind,
            "weight": e["weight"],
            "root": e["root"],
            "quad_class": e["quad_class"],
            "goldstein_mean": round(e["goldstein_sum"] / e["weight"], 3),
            "nuclear_events": e["nuclear_events"],
        }
        if e["days"]:
            attrs.update(first_day=min(e["days"]), last_day=max(e["days"]))
        graph.add_edge(u, v, key=kind, **attrs)
    return graph


def write_gexf(store: Store, out: IO[bytes]) -> int:
    import networkx as nx

    graph = actor_graph(store)
    nx.write_gexf(graph, out)
    return graph.number_of_edges()
