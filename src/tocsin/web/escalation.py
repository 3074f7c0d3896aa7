"""The escalation monitor as the dashboard sees it: optional, and never fatal.

`tocsin.monitor` (series, top_pairs, explain, alerts) is used when it is installed.
When it is missing or fails, the caller gets `Result(available=False, reason=...)`
and the pages leave its panels out; a bad parameter it rejects (a TocsinError)
still reaches the user as a 4xx.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from ..errors import TocsinError

log = logging.getLogger("tocsin.web")

NOT_INSTALLED = "the escalation monitor (tocsin.monitor) is not installed"


@dataclass
class Result:
    available: bool
    value: Any = None
    reason: str | None = None
    rows: list[Any] = field(default_factory=list)

    def to_dict(self, key: str = "rows") -> dict[str, Any]:
        out: dict[str, Any] = {"available": self.available, key: self.rows}
        if self.reason:
            out["reason"] = self.reason
        return out


def _function(name: str) -> Any:
    try:
        module = import_module("tocsin.monitor")
    except ModuleNotFoundError as exc:
        if exc.name in ("tocsin.monitor",):
            return None
        log.warning("tocsin.monitor cannot be imported: %s", exc)
        return None
    except Exception as exc:  # noqa: BLE001 - a broken monitor must not take the dashboard down
        log.warning("tocsin.monitor cannot be imported: %s: %s", type(exc).__name__, exc)
        return None
    fn = getattr(module, name, None)
    return fn if callable(fn) else None


def available() -> bool:
    return _function("series") is not None


def call(name: str, *args: Any, **kwargs: Any) -> Result:
    """tocsin.monitor.<name>(*args, **kwargs) as a Result; lists land in `rows`."""
    fn = _function(name)
    if fn is None:
        return Result(
            False, reason=NOT_INSTALLED if not available() else f"tocsin.monitor has no {name}()"
        )
    try:
        value = fn(*args, **kwargs)
    except TocsinError:
        raise
    except Exception as exc:  # noqa: BLE001 - logged; the page shows the rest
        log.exception("tocsin.monitor.%s failed", name)
        return Result(False, reason=f"the escalation monitor failed ({type(exc).__name__}: {exc})")
    rows = (
        [dict(r) if isinstance(r, dict) else r for r in value]
        if isinstance(value, list | tuple)
        else []
    )
    return Result(True, value=value, rows=rows)
