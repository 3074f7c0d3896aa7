"""Exports of a tocsin database: the records, the events table, GDELT and PLOVER
event data, the actor network, the map. Column meanings: docs/export.md."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO

from ..errors import UsageError
from ..store import Store
from .gdelt import write_gdelt
from .geojson import write_geojson
from .network import write_gexf
from .plover import write_plover
from .tables import write_csv, write_jsonl, write_parquet

Writer = Callable[[Store, IO[bytes]], int]

FORMATS: dict[str, Writer] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
    "parquet": write_parquet,
    "gdelt": write_gdelt,
    "plover": write_plover,
    "gexf": write_gexf,
    "geojson": write_geojson,
}
BINARY = {"parquet"}


def export(store: Store, fmt: str, out: str | Path | IO[bytes] | None = None) -> int:
    """Write `store` in format `fmt` to a path, a binary stream, or stdout (None or "-");
    returns how many items (articles, events, edges, features) were written."""
    writer = FORMATS.get(fmt)
    if writer is None:
        raise UsageError("--format", f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if out is None or out == "-":
        if fmt in BINARY and sys.stdout.isatty():
            raise UsageError("--out", f"{fmt} is binary: give a file with --out")
        stream = sys.stdout.buffer
        n = writer(store, stream)
        stream.flush()
        return n
    if isinstance(out, str | Path):
        path = Path(out)
        # Write beside the target, then rename: an interrupted export leaves no half file.
        tmp = path.with_name(path.name + ".part")
        try:
            with open(tmp, "wb") as handle:
                n = writer(store, handle)
            tmp.replace(path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise UsageError(str(path), f"cannot write ({exc.strerror or exc})") from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return n
    return writer(store, out)


__all__ = ["FORMATS", "export"]
