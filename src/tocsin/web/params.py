"""Typed query parameters shared by the JSON API and the HTML pages.

A page and its JSON twin take the same parameters through the same dependency, so
they run the same query. Empty values count as absent: an HTML filter form submits
every field, filled or not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Annotated, Any, Literal, get_args

from fastapi import Query
from pydantic import BeforeValidator, StringConstraints

from ..record import MODALITIES, SIGNALS


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


Blank = BeforeValidator(_blank_to_none)

ModalityName = Literal["asserted", "alleged", "hypothetical", "future", "negated"]
SignalName = Literal["rhetoric", "doctrine", "capability", "readiness", "use"]
# The record module is the authority; these literals exist for the OpenAPI schema.
assert get_args(ModalityName) == MODALITIES, (
    "params.ModalityName is out of step with record.MODALITIES"
)
assert get_args(SignalName) == SIGNALS, "params.SignalName is out of step with record.SIGNALS"

PairText = Annotated[
    str, StringConstraints(pattern=r"^\s*[A-Za-z]{2,6}\s*[->/]\s*[A-Za-z]{2,6}\s*$")
]
RootText = Annotated[str, StringConstraints(pattern=r"^\d{1,2}$")]
CameoText = Annotated[str, StringConstraints(pattern=r"^\d{2,4}$")]
LanguageText = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]
LevelText = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,20}$")]
ShortText = Annotated[str, StringConstraints(max_length=200)]

MAX_LIMIT = 500

Limit = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Most items returned (1-{MAX_LIMIT}).")
]
Offset = Annotated[
    int, Query(ge=0, le=10_000_000, description="Items skipped before the first returned.")
]
Since = Annotated[dt.date | None, Blank, Query(description="On or after this day (YYYY-MM-DD).")]
Until = Annotated[dt.date | None, Blank, Query(description="On or before this day (YYYY-MM-DD).")]
PairParam = Annotated[
    PairText | None,
    Blank,
    Query(description="Country pair: RUS-UKR (either way) or RUS>UKR (one way)."),
]
LevelParam = Annotated[
    LevelText,
    Query(description="Aggregation level of the escalation monitor (country by default)."),
]


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True)
class Paging:
    limit: int = 50
    offset: int = 0


def paging(limit: Limit = 50, offset: Offset = 0) -> Paging:
    return Paging(limit, offset)


@dataclass(frozen=True)
class EventFilters:
    """The CLI's `tocsin events` filters, as passed to Store.events."""

    actor: str | None = None
    pair: str | None = None
    cameo: str | None = None
    root: str | None = None
    modality: str | None = None
    nuclear: bool | None = None
    signal: str | None = None
    since: str | None = None
    until: str | None = None

    def store_kwargs(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def query(self) -> dict[str, str]:
        """The filters as query-string values (for links that keep them)."""
        out: dict[str, str] = {}
        for k, v in self.store_kwargs().items():
            out[k] = ("true" if v else "false") if isinstance(v, bool) else str(v)
        return out


def event_filters(
    actor: Annotated[
        ShortText | None,
        Blank,
        Query(
            description="Source or target: a name, or an actor code and its sub-codes (RUS takes RUSGOV)."
        ),
    ] = None,
    pair: PairParam = None,
    cameo: Annotated[
        CameoText | None,
        Blank,
        Query(description="A CAMEO code and the codes under it (138 takes 1381-1385)."),
    ] = None,
    root: Annotated[RootText | None, Blank, Query(description="CAMEO root code, 01-20.")] = None,
    modality: Annotated[
        ModalityName | None, Blank, Query(description="Only events with this modality.")
    ] = None,
    nuclear: Annotated[
        bool | None, Blank, Query(description="true: only nuclear events; false: only the others.")
    ] = None,
    signal: Annotated[
        SignalName | None, Blank, Query(description="Only this nuclear signal.")
    ] = None,
    since: Since = None,
    until: Until = None,
) -> EventFilters:
    return EventFilters(
        actor=actor.strip() if actor else None,
        pair=pair.strip().upper() if pair else None,
        cameo=cameo,
        root=root.zfill(2) if root else None,
        modality=modality,
        nuclear=nuclear,
        signal=signal,
        since=_iso(since),
        until=_iso(until),
    )


@dataclass(frozen=True)
class ArticleFilters:
    q: str | None = None
    language: str | None = None
    outlet: str | None = None
    since: str | None = None
    until: str | None = None

    def store_kwargs(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None and k != "q"}

    def query(self) -> dict[str, str]:
        return {k: str(v) for k, v in asdict(self).items() if v is not None}


def article_filters(
    q: Annotated[
        ShortText | None,
        Blank,
        Query(description='Full-text search: words (all required), "a phrase", OR, prefix*.'),
    ] = None,
    language: Annotated[
        LanguageText | None, Blank, Query(description="ISO 639-1 language code (fr, en).")
    ] = None,
    outlet: Annotated[ShortText | None, Blank, Query(description="Exact outlet name.")] = None,
    since: Since = None,
    until: Until = None,
) -> ArticleFilters:
    return ArticleFilters(
        q=q.strip() if q else None,
        language=language.lower() if language else None,
        outlet=outlet,
        since=_iso(since),
        until=_iso(until),
    )
