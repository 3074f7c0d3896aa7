"""The CAMEO codebook as package data: description, quad class, Goldstein, PLOVER."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..data_files import read_tsv
from ..errors import DataFileError


@dataclass(frozen=True)
class Code:
    code: str
    description: str
    quad_class: int
    goldstein: float
    plover: str | None
    plover_mode: str | None

    @property
    def root(self) -> str:
        return self.code[:2]


@cache
def codebook() -> dict[str, Code]:
    """Every CAMEO code (2 to 4 digits, as strings) to its Code."""
    codes: dict[str, Code] = {}
    for row in read_tsv(
        "cameo", "codebook.tsv", required=("code", "description", "quad_class", "goldstein")
    ):
        where = f"data/cameo/codebook.tsv:{row['_line']}"
        code = row["code"]
        if not code.isdigit() or not 2 <= len(code) <= 4:
            raise DataFileError(where, f"not a CAMEO code: {code!r}")
        try:
            codes[code] = Code(
                code,
                row["description"],
                int(row["quad_class"]),
                float(row["goldstein"]),
                row.get("plover") or None,
                row.get("plover_mode") or None,
            )
        except ValueError as exc:
            raise DataFileError(where, str(exc)) from None
    return codes


def lookup(code: str) -> Code:
    book = codebook()
    if code in book:
        return book[code]
    raise KeyError(f"unknown CAMEO code {code!r}")
