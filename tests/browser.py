"""Helpers for the dashboard tests: a database of the examples (ingested once per test
process), a real uvicorn server on a free 127.0.0.1 port, and Debian's chromium."""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from .conftest import EXAMPLES, ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "artifacts"

_built: dict[str, Path] = {}


def examples_db(base: Path) -> Path:
    """A SQLite file holding the analysed examples (with the monitor's alerts when it is
    installed); built once per test process, then shared read-only."""
    key = str(base)
    if key in _built:
        return _built[key]
    from tocsin import store
    from tocsin.store.ingest import ingest

    base.mkdir(parents=True, exist_ok=True)
    path = base / "examples.db"
    with store.open(f"sqlite:///{path}") as db:
        summary = ingest(db, [str(EXAMPLES)])
        assert summary.new >= 10, summary.to_dict()
        try:
            from tocsin import monitor
        except ImportError:
            monitor = None  # type: ignore[assignment]
        if monitor is not None and hasattr(monitor, "run_rules"):
            monitor.run_rules(db)
    _built[key] = path
    return path


def copy_db(src: Path, dst: Path) -> Path:
    """A private copy of a SQLite database (WAL included), for tests that write."""
    with sqlite3.connect(src) as source, sqlite3.connect(dst) as target:
        source.backup(target)
    return dst


def article_id_of(db_path: Path, filename: str) -> str:
    """The record id of the example stored from `filename`."""
    with sqlite3.connect(db_path) as conn:
        row = conn.execute(
            "SELECT id FROM articles WHERE source LIKE ?", (f"%{filename}",)
        ).fetchone()
    assert row, f"{filename} is not in {db_path}"
    return str(row[0])


# -- a real server -------------------------------------------------------------------------


class LiveServer:
    """uvicorn serving `app` in a thread on a socket bound beforehand (no port race)."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        import httpx

        self.thread.start()
        deadline = time.monotonic() + 30
        delay = 0.01
        while True:
            try:
                if (
                    httpx.get(
                        self.url + "/static/style.css", timeout=2, trust_env=False
                    ).status_code
                    == 200
                ):
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"the dashboard did not answer at {self.url}")
            time.sleep(delay)  # polling backoff, not a wait for readiness
            delay = min(delay * 2, 0.2)

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


# -- chromium ----------------------------------------------------------------------------


def ensure_chromium() -> str | None:
    """Install Debian's chromium when missing; None when it is there, else why not."""
    if Path(CHROMIUM).exists():
        return None
    if shutil.which("apt-get") is None:
        return "chromium is missing and there is no apt-get to install it"
    if os.geteuid() != 0:
        return "chromium is missing and installing it needs root (apt-get install -y chromium)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Two test workers must not run apt-get at once.
    with open("/tmp/tocsin-chromium-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if Path(CHROMIUM).exists():
            return None
        out = subprocess.run(
            ["apt-get", "install", "-y", "chromium"],
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,
        )
        if out.returncode != 0 or not Path(CHROMIUM).exists():
            subprocess.run(
                ["apt-get", "update"], env=env, capture_output=True, text=True, timeout=600
            )
            out = subprocess.run(
                ["apt-get", "install", "-y", "chromium"],
                env=env,
                capture_output=True,
                text=True,
                timeout=1200,
            )
    if not Path(CHROMIUM).exists():
        tail = (out.stderr or out.stdout).strip().splitlines()[-3:]
        return "apt-get install -y chromium failed: " + " / ".join(tail)
    return None
