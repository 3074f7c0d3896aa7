"""Reading the package's data files (TSV and YAML), validated at load.

Knowledge lives in src/tocsin/data/ (shared facts in data/<topic>/, language
knowledge in data/<lang>/); a malformed line raises DataFileError naming the file
and the line, so a contributor adding Spanish sees at once what to fix.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from .errors import DataFileError


def data_path(*parts: str) -> Traversable:
    path = resources.files("tocsin").joinpath("data")
    for part in parts:
        path = path.joinpath(part)
    return path


def exists(*parts: str) -> bool:
    return data_path(*parts).is_file()


def read_tsv(*parts: str, required: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """Rows of a TSV file with a header line; '#' lines are comments."""
    path = data_path(*parts)
    name = "/".join(("data", *parts))
    if not path.is_file():
        raise DataFileError(name, "missing data file")
    header: list[str] | None = None
    rows: list[dict[str, str]] = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if header is None:
            header = cells
            missing = [c for c in required if c not in header]
            if missing:
                raise DataFileError(f"{name}:{n}", f"header lacks columns {missing}")
            continue
        if len(cells) < len(header):
            cells += [""] * (len(header) - len(cells))
        if len(cells) > len(header):
            raise DataFileError(
                f"{name}:{n}", f"{len(cells)} fields where the header has {len(header)}"
            )
        row = dict(zip(header, cells, strict=True))
        row["_line"] = str(n)
        rows.append(row)
    if header is None:
        raise DataFileError(name, "empty data file")
    return rows


@cache
def read_yaml(*parts: str) -> Any:
    import yaml

    path = data_path(*parts)
    name = "/".join(("data", *parts))
    if not path.is_file():
        raise DataFileError(name, "missing data file")
    try:
        return yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark else name
        raise DataFileError(where, f"invalid YAML ({getattr(exc, 'problem', exc)})") from None
