"""The escalation monitor: per directed actor pair and day, an escalation index kept
apart from speculation; alert rules over it; delivery of alerts; watching feeds.

    from tocsin import store, monitor
    with store.open("sqlite:///tocsin.db") as db:
        monitor.series(db, pair="RUS-UKR")        # figures per day
        monitor.explain(db, "RUS-UKR", "2024-11-21")  # the events behind one figure
        monitor.run_rules(db)                     # new alerts, stored
        monitor.alerts(db)                        # stored alerts with evidence

`db` is a Store (tocsin.store.open) or a database URL. docs/monitor.md gives the formula.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .rules import Rule

__all__ = ["alerts", "explain", "run_rules", "series", "top_pairs"]


@contextmanager
def _opened(db: Any) -> Iterator[Any]:
    if isinstance(db, str):
        from .. import store

        with store.open(db) as opened:
            yield opened
    else:
        yield db


def series(
    db: Any,
    pair: str | None = None,
    level: str = "country",
    since: str | None = None,
    until: str | None = None,
) -> list[dict[str, Any]]:
    """Rows {pair, source, target, day, q1..q4, goldstein_sum, goldstein_mean, nuclear,
    conflict_index, speculation_index, conflict_7d, events, reports}, by pair then day."""
    from . import index

    with _opened(db) as d:
        return index.series(d, pair=pair, level=level, since=since, until=until)


def top_pairs(db: Any, n: int = 5, level: str = "country", since: str | None = None) -> list[str]:
    """The most active directed pairs ("RUS-UKR"), most distinct events first."""
    from . import index

    with _opened(db) as d:
        return index.top_pairs(d, n=n, level=level, since=since)


def explain(db: Any, pair: str, day: str, level: str = "country") -> list[dict[str, Any]]:
    """The events behind a pair's figures on a day: sentence, article id, url, outlet, weights."""
    from . import index

    with _opened(db) as d:
        return index.explain(d, pair, day, level=level)


def alerts(db: Any, limit: int = 100) -> list[dict[str, Any]]:
    """Stored alerts, newest first, each with its evidence."""
    from .alerting import list_alerts

    with _opened(db) as d:
        return list_alerts(d, limit=limit)


def run_rules(db: Any, rules: list[Rule] | str | Path | None = None) -> list[dict[str, Any]]:
    """Evaluate the rules (default: the shipped data/alerts.yaml; or a list of Rule, or
    a YAML path), store the alerts not raised before and return only those."""
    from .alerting import run_rules as run

    with _opened(db) as d:
        return run(d, rules)
