"""Ingest runs: who runs them, their heartbeat, and telling a dead run from a live one.

A run records the host and process id that writes it, and a heartbeat timestamp that
moves as its documents are stored. A process killed outright (SIGKILL, a power cut)
cannot close its run, so `close_dead_runs` does it for it: a `running` run is
interrupted when its process is gone (same host: no such pid, a zombie, or a pid
reused by a process that started after the run did), or, when its process cannot be
checked from here (another host, or a run older than these columns), when its
heartbeat is older than `stale_after`.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from .schema import ingest_runs

# A run that has not beaten for this long, on a host we cannot look at, is dead. Live
# runs beat after every document (at most every HEARTBEAT_EVERY), and the slowest
# document (a page fetch timing out, a long analysis) takes minutes, not half an hour.
STALE_AFTER = dt.timedelta(minutes=30)
HEARTBEAT_EVERY = 5.0
# A process that started this long after its supposed run is another process.
_START_SLACK = dt.timedelta(seconds=2)
_LOADED_AT = dt.datetime.now(dt.UTC)


def this_host() -> str:
    return socket.gethostname()


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A timestamp read back from the store, in UTC: SQLite hands timestamps back
    without their zone; they were written in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


@cache
def _boot_time() -> float | None:
    try:
        for line in Path("/proc/stat").read_text().splitlines():
            if line.startswith("btime "):
                return float(line.split()[1])
    except OSError:
        pass
    return None


def _proc_stat(pid: int) -> tuple[str, dt.datetime | None] | None:
    """(state, start time) of a process from Linux's /proc; None where there is no /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return ("gone", None) if Path("/proc/self/stat").exists() else None
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its end.
    fields = stat[stat.rfind(")") + 2 :].split()
    boot = _boot_time()
    started = None
    if boot is not None and len(fields) > 19:
        ticks = int(fields[19]) / os.sysconf("SC_CLK_TCK")
        started = dt.datetime.fromtimestamp(boot + ticks, dt.UTC)
    return fields[0], started


def process_gone(pid: int, run_started: dt.datetime) -> bool:
    """True when process `pid` of this host cannot be the one that started a run at
    `run_started`: no such process, a zombie, or one that started later (pid reused)."""
    if pid == os.getpid():
        # Ours only if it started after this module was loaded: runs are opened
        # through it. An older one had our pid in an earlier life (a container's
        # entrypoint gets the same pid at each start).
        return run_started < _LOADED_AT - _START_SLACK
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # it exists, as another user's process
    except OSError:
        return False
    info = _proc_stat(pid)
    if info is None:
        return False
    state, started = info
    if state in ("gone", "Z", "X"):
        return True
    return started is not None and started > run_started + _START_SLACK


def is_dead(row: Any, now: dt.datetime, stale_after: dt.timedelta, host: str) -> bool:
    started = aware(row.started_at)
    if row.pid is not None and row.host == host and started is not None:
        return process_gone(int(row.pid), started)
    last = aware(row.heartbeat_at) or started
    return last is None or now - last > stale_after


def close_dead_runs(
    conn: Connection, now: dt.datetime, stale_after: dt.timedelta = STALE_AFTER
) -> list[str]:
    """Mark `interrupted` the running runs whose process is gone; their ids. The run's
    finished_at is its last sign of life (heartbeat, else start)."""
    host = this_host()
    running = conn.execute(
        select(
            ingest_runs.c.id,
            ingest_runs.c.host,
            ingest_runs.c.pid,
            ingest_runs.c.started_at,
            ingest_runs.c.heartbeat_at,
        ).where(ingest_runs.c.status == "running")
    ).all()
    closed = []
    for row in running:
        if not is_dead(row, now, stale_after, host):
            continue
        done = conn.execute(
            update(ingest_runs)
            # Still running: a run that finished meanwhile keeps its own status.
            .where(ingest_runs.c.id == row.id, ingest_runs.c.status == "running")
            .values(status="interrupted", finished_at=row.heartbeat_at or row.started_at)
        )
        if done.rowcount:
            closed.append(row.id)
    return closed


class Heartbeats:
    """When each run of this process last beat, so that beating after every document
    writes at most once every `every` seconds."""

    def __init__(self, every: float = HEARTBEAT_EVERY) -> None:
        self.every = every
        self._last: dict[str, float] = {}

    def due(self, run_id: str) -> bool:
        now = time.monotonic()
        if now - self._last.get(run_id, float("-inf")) < self.every:
            return False
        self._last[run_id] = now
        return True

    def forget(self, run_id: str) -> None:
        self._last.pop(run_id, None)
