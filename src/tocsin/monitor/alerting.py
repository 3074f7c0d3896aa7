"""Stored alerts and their delivery: to a file (JSON Lines, appended) or a webhook
(HTTP POST of the alert's JSON). An alert is stored once (its id is stable), and sent
at most once to each destination: a `sent` row in alert_deliveries, written right
after the destination accepted it, is never sent again; a `failed` row is retried.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from ..errors import TocsinError
from . import index
from .rules import Rule, evaluate, load_rules


class DeliveryError(TocsinError):
    """An alert could not be delivered (names the destination)."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _insert(conn: Any, table: Any) -> Any:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    return insert(table)


def _plain(row: Any) -> dict[str, Any]:
    d = dict(row._mapping)
    for k, v in d.items():
        if isinstance(v, dt.datetime):
            d[k] = v.isoformat()
    return d


# -- storing -------------------------------------------------------------------------------


def store_new(
    db: Any, candidates: list[dict[str, Any]], destinations: list[str] | tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Insert the candidates not yet stored; return those, as stored. Each new alert is
    marked pending for each destination key in the same transaction, so that a process
    killed before delivering still delivers it on its next run."""
    from ..store.engine import write_transaction
    from .tables import alert_deliveries as D
    from .tables import alerts as A

    new = []
    with write_transaction(db.engine) as conn:
        for alert in candidates:
            values = {**alert, "created_at": _now()}
            stmt = _insert(conn, A).values(**values).on_conflict_do_nothing().returning(A.c.id)
            if conn.execute(stmt).first() is None:
                continue
            new.append({**alert, "created_at": values["created_at"].isoformat()})
            for dest in destinations:
                conn.execute(
                    D.insert().values(
                        alert_id=alert["id"],
                        destination=dest,
                        status="pending",
                        attempts=0,
                        updated_at=values["created_at"],
                    )
                )
    return new


def list_alerts(
    db: Any, limit: int | None = 100, ids: list[str] | None = None
) -> list[dict[str, Any]]:
    """Stored alerts, newest first, each with its evidence."""
    from sqlalchemy import select

    from .tables import alerts as A

    stmt = select(A).order_by(A.c.created_at.desc(), A.c.day.desc(), A.c.id)
    if ids is not None:
        stmt = stmt.where(A.c.id.in_(ids))
    with db.engine.connect() as conn:
        return [_plain(r) for r in conn.execute(stmt.limit(limit))]


def run_rules(
    db: Any,
    rules: list[Rule] | str | Path | None = None,
    destinations: list[str] | tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """Evaluate the rules (the shipped defaults when None, or a YAML file) over the whole
    database; store and return the alerts not raised before (pending for `destinations`)."""
    if rules is None or isinstance(rules, str | Path):
        rules = load_rules(rules)
    rows = {level: index.load(db, level) for level in sorted({r.level for r in rules})}
    candidates = sorted(
        evaluate(rules, rows), key=lambda a: (a["day"], a["rule"], a["pair"], a["key"])
    )
    return store_new(db, candidates, destinations)


# -- destinations --------------------------------------------------------------------------


class Destination(Protocol):
    key: str

    def send(self, alert: dict[str, Any]) -> None: ...


@dataclass
class FileDestination:
    """Append each alert as one JSON line."""

    path: Path | str
    key: str = field(init=False)

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self.key = f"file:{self.path.resolve()}"

    def send(self, alert: dict[str, Any]) -> None:
        line = json.dumps(alert, ensure_ascii=False, default=str) + "\n"
        try:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(line)
                f.flush()
                # on disk before the delivery is recorded, so a crash cannot lose it
                os.fsync(f.fileno())
        except OSError as exc:
            raise DeliveryError(
                str(self.path), f"cannot append the alert ({exc.strerror or exc})"
            ) from None


@dataclass
class WebhookDestination:
    """POST each alert's JSON to a URL, under the fetch guard (no private addresses
    unless allowed), with a timeout and retries with exponential backoff."""

    url: str
    allow_private: bool = False
    timeout: float = 10.0
    retries: int = 3
    backoff: float = 0.5
    key: str = field(init=False)

    def __post_init__(self) -> None:
        from ..ingest import web

        if not web.is_url(self.url):
            raise DeliveryError(self.url, "a webhook is an http:// or https:// URL")
        self.key = f"webhook:{self.url}"

    def check(self) -> None:
        """Refuse a URL the guard refuses, before anything is sent."""
        from ..ingest import web

        web.check_address(self.url, self.allow_private)

    def send(self, alert: dict[str, Any]) -> None:
        import httpx

        from ..ingest import web

        body = json.dumps(alert, ensure_ascii=False, default=str).encode("utf-8")
        error = "not sent"
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            host, ip, port = web.check_address(self.url, self.allow_private)
            parts = urlsplit(self.url)
            # Connect to the address the guard checked, not to a fresh DNS answer.
            netloc = f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"
            pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
            headers = {
                "Content-Type": "application/json",
                "User-Agent": web.USER_AGENT,
                "Host": parts.netloc.rsplit("@", 1)[-1],
                "X-Tocsin-Alert": str(alert.get("id", "")),
            }
            timeout = httpx.Timeout(self.timeout, connect=min(self.timeout, 5.0))
            try:
                with httpx.Client(
                    timeout=timeout, follow_redirects=False, trust_env=False
                ) as client:
                    resp = client.post(
                        pinned, content=body, headers=headers, extensions={"sni_hostname": host}
                    )
            except httpx.TimeoutException:
                error = f"timed out after {self.timeout:g}s"
                continue
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
                continue
            if resp.status_code < 300:
                return
            error = f"HTTP {resp.status_code} {resp.reason_phrase}".strip()
            if resp.status_code < 500 and resp.status_code != 429:
                break  # the receiver refuses this alert: asking again changes nothing
        raise DeliveryError(self.url, f"webhook delivery failed ({error})")


@dataclass
class DeliveryReport:
    destination: str
    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "destination": self.destination,
            "sent": self.sent,
            "already": self.already,
            "failed": self.failed,
            "deferred": self.deferred,
        }


def delivered(db: Any, destination: str) -> set[str]:
    from sqlalchemy import select

    from .tables import alert_deliveries as D

    with db.engine.connect() as conn:
        stmt = select(D.c.alert_id).where(D.c.destination == destination, D.c.status == "sent")
        return set(conn.execute(stmt).scalars())


def pending_alerts(db: Any, destination: str) -> list[dict[str, Any]]:
    """Alerts raised for `destination` and not yet sent there (pending, or failed before),
    oldest first."""
    from sqlalchemy import select

    from .tables import alert_deliveries as D

    with db.engine.connect() as conn:
        stmt = select(D.c.alert_id).where(D.c.destination == destination, D.c.status != "sent")
        ids = list(conn.execute(stmt).scalars())
    return list(reversed(list_alerts(db, limit=None, ids=ids))) if ids else []


def _record(
    db: Any, alert_id: str, destination: str, status: str, error: str | None, attempted: bool = True
) -> None:
    from ..store.engine import write_transaction
    from .tables import alert_deliveries as D

    with write_transaction(db.engine) as conn:
        stmt = _insert(conn, D).values(
            alert_id=alert_id,
            destination=destination,
            status=status,
            attempts=int(attempted),
            error=error,
            updated_at=_now(),
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[D.c.alert_id, D.c.destination],
            set_={
                "status": status,
                "error": error,
                "updated_at": stmt.excluded.updated_at,
                "attempts": D.c.attempts + int(attempted),
            },
        )
        conn.execute(stmt)


def deliver(db: Any, alerts: list[dict[str, Any]], destination: Destination) -> DeliveryReport:
    """Send each alert not yet sent to this destination; record each outcome. After a
    failure the rest wait for the next delivery: a receiver that is down would make
    every further attempt wait out its timeouts and retries too."""
    report = DeliveryReport(destination.key)
    done = delivered(db, destination.key)
    for alert in alerts:
        if alert["id"] in done:
            report.already.append(alert["id"])
            continue
        if report.failed:
            _record(db, alert["id"], destination.key, "pending", None, attempted=False)
            report.deferred.append(alert["id"])
            continue
        try:
            destination.send(alert)
        except DeliveryError as exc:
            _record(db, alert["id"], destination.key, "failed", exc.reason)
            report.failed.append({"id": alert["id"], "error": exc.reason})
            continue
        _record(db, alert["id"], destination.key, "sent", None)
        done.add(alert["id"])
        report.sent.append(alert["id"])
    return report
