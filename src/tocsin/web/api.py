"""The JSON API (/api/...): the same queries as the pages (web.queries), as JSON.

Read-only, except POST /api/ingest, which exists only when the server was started
with a token and answers only requests bearing it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_validator

from ..errors import NotFoundError
from ..store.db import Store
from . import queries
from .params import (
    ArticleFilters,
    EventFilters,
    LevelParam,
    Paging,
    PairText,
    ShortText,
    Since,
    Until,
    article_filters,
    event_filters,
    paging,
)
from .security import require_token

router = APIRouter(prefix="/api", tags=["read"])
write_router = APIRouter(prefix="/api", tags=["write"], dependencies=[Depends(require_token)])

ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"description": "A parameter is invalid: `{error: {status, reason, params}}`"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    404: {"description": "Not in the database: `{error: {status, reason, source}}`"},
}


def get_db(request: Request) -> Store:
    db: Store = request.app.state.db
    return db


DB = Annotated[Store, Depends(get_db)]
Pages = Annotated[Paging, Depends(paging)]


class Page(BaseModel):
    """One page of a list: `items[offset:offset+limit]` of `total` matching."""

    total: int
    limit: int
    offset: int
    filters: dict[str, str] = Field(default_factory=dict)
    items: list[dict[str, Any]]


@router.get(
    "/overview",
    summary="The front page's data: counts, activity, escalation, nuclear signals, alerts",
    responses=ERRORS,
)
def overview(db: DB) -> dict[str, Any]:
    return queries.overview(db)


@router.get(
    "/articles",
    summary="List articles (metadata, no text), filtered and paginated",
    response_model=Page,
    responses=ERRORS,
)
def articles(
    db: DB, f: Annotated[ArticleFilters, Depends(article_filters)], page: Pages
) -> dict[str, Any]:
    return queries.article_list(db, f, page)


@router.get(
    "/articles/{article_id}",
    summary="One article's full record (tocsin.article/1)",
    responses=NOT_FOUND,
)
def article(
    db: DB, article_id: Annotated[str, Path(max_length=200, description="The record id (art_...)")]
) -> JSONResponse:
    return JSONResponse(db.article(article_id).to_dict())


@router.get(
    "/events",
    summary="List coded events with the CLI's filters, paginated",
    response_model=Page,
    responses=ERRORS,
)
def events(
    db: DB, f: Annotated[EventFilters, Depends(event_filters)], page: Pages
) -> dict[str, Any]:
    return queries.event_list(db, f, page)


@router.get(
    "/quotes",
    summary="List quotes, optionally of one speaker (a name or an actor code)",
    response_model=Page,
    responses=ERRORS,
)
def quotes(
    db: DB,
    page: Pages,
    speaker: Annotated[
        ShortText | None, Query(description="Speaker name or actor code, any case.")
    ] = None,
) -> dict[str, Any]:
    rows = db.quotes(speaker=speaker.strip() if speaker else None)
    return queries.paginate(rows, page, filters={"speaker": speaker} if speaker else {})


@router.get("/speakers", summary="Every quoted speaker, most quoted first", responses=ERRORS)
def speakers(db: DB) -> list[dict[str, Any]]:
    return queries.speakers(db)


@router.get(
    "/speakers/{name}",
    summary="All quotes of one speaker (the /speakers/{name} page's data)",
    responses=NOT_FOUND,
)
def speaker(db: DB, name: Annotated[str, Path(max_length=200)]) -> dict[str, Any]:
    return queries.speaker_quotes(db, name)


@router.get(
    "/actors", summary="Every actor with its mention, event and quote counts", responses=ERRORS
)
def actors(db: DB) -> list[dict[str, Any]]:
    return queries.actors(db)


@router.get(
    "/pairs", summary="Country pairs with events between them, most events first", responses=ERRORS
)
def pairs(db: DB) -> list[dict[str, Any]]:
    return queries.pairs(db)


@router.get(
    "/pairs/{pair}",
    summary="One pair: escalation series and events (the /pairs/{pair} page's data)",
    responses=NOT_FOUND,
)
def pair(
    db: DB,
    pair: Annotated[PairText, Path(description="RUS-UKR (either way) or RUS>UKR (one way)")],
    page: Pages,
    level: LevelParam = "country",
) -> dict[str, Any]:
    return queries.pair_view(db, pair.strip().upper(), level, page)


@router.get(
    "/monitor/series",
    summary="Escalation index per pair and day (from the escalation monitor)",
    responses=ERRORS,
)
def monitor_series(
    db: DB,
    pair: Annotated[
        ShortText | None,
        Query(description="A pair as the monitor names it (RUS-UKR); all when absent."),
    ] = None,
    level: LevelParam = "country",
    since: Since = None,
    until: Until = None,
) -> dict[str, Any]:
    return queries.series(
        db, pair, level, since.isoformat() if since else None, until.isoformat() if until else None
    )


@router.get(
    "/monitor/explain", summary="The events behind one pair's index on one day", responses=ERRORS
)
def monitor_explain(
    db: DB,
    pair: Annotated[ShortText, Query(description="A pair as the monitor names it (RUS-UKR).")],
    day: Annotated[dt.date, Query(description="The day (YYYY-MM-DD).")],
    level: LevelParam = "country",
) -> dict[str, Any]:
    return queries.explain(db, pair, day.isoformat(), level)


@router.get(
    "/alerts", summary="Latest escalation alerts (from the escalation monitor)", responses=ERRORS
)
def alerts(
    db: DB, limit: Annotated[int, Query(ge=1, le=1000, description="Most alerts returned.")] = 100
) -> dict[str, Any]:
    return queries.alerts(db, limit)


@router.get(
    "/search",
    summary='Full-text search of the articles: words, "a phrase", OR, prefix*',
    responses=ERRORS,
)
def search(
    db: DB,
    q: Annotated[ShortText, Query(min_length=1, description="The query.")],
    limit: Annotated[int, Query(ge=1, le=500, description="Most results returned.")] = 50,
) -> dict[str, Any]:
    return queries.search(db, q, limit)


# -- writing (only with --token) ------------------------------------------------------------


class IngestRequest(BaseModel):
    """Either `url` (fetched under the URL guard) or `text`/`html` with optional metadata."""

    url: str | None = Field(
        None, max_length=2048, description="http(s) URL of an article to fetch."
    )
    text: str | None = Field(None, max_length=4_000_000, description="The article's plain text.")
    html: str | None = Field(None, max_length=8_000_000, description="The article's HTML.")
    title: str | None = Field(None, max_length=1000)
    published: str | None = Field(
        None, max_length=40, description="YYYY-MM-DD (or an ISO datetime)."
    )
    outlet: str | None = Field(None, max_length=300)
    author: str | None = Field(None, max_length=300)
    lang: str | None = Field(None, pattern=r"^[A-Za-z]{2}$", description="ISO 639-1 language code.")

    @model_validator(mode="after")
    def one_source(self) -> IngestRequest:
        has_body = bool((self.text or "").strip() or (self.html or "").strip())
        if bool(self.url) == has_body:
            raise ValueError("give either `url`, or `text` (or `html`), not both and not neither")
        return self


class IngestResult(BaseModel):
    id: str
    status: str = Field(description="new, or duplicate when the article was already stored")
    title: str | None = None
    events: int
    quotes: int
    page: str | None = Field(None, description="The article's dashboard page")
    record: str | None = Field(None, description="The article's record in the API")


@write_router.post(
    "/ingest",
    summary="Analyse an article (a URL or a text) and store it (needs the token)",
    response_model=IngestResult,
    status_code=201,
    responses={
        **ERRORS,
        401: {"description": "No bearer token"},
        403: {"description": "Wrong token"},
        502: {"description": "The URL's site failed"},
    },
)
def ingest(request: Request, db: DB, body: IngestRequest) -> JSONResponse:
    from ..ingest import web
    from ..ingest.files import from_json_object
    from ..pipeline import parse_published
    from ..store.db import NEW

    settings = request.app.state.settings
    published = parse_published(body.published, "published")
    if body.url:
        raw = web.fetch(
            body.url,
            web.FetchOptions(allow_private=settings.allow_private, timeout=settings.fetch_timeout),
        )
        for key in ("title", "outlet", "author"):
            if getattr(body, key) and not getattr(raw, key):
                setattr(raw, key, getattr(body, key))
    else:
        raw = from_json_object("api", body.model_dump(exclude_none=True))
    article = _pipeline(request).analyze(
        raw, published=published, lang=body.lang.lower() if body.lang else None
    )
    outcome = db.add(article, source=body.url or f"api:{article.id}")
    try:
        db.article(article.id)
        links = {"page": f"/articles/{article.id}", "record": f"/api/articles/{article.id}"}
    except NotFoundError:  # a duplicate stored under another id (same text, other URL)
        links = {}
    result = IngestResult(
        id=article.id,
        status=outcome,
        title=article.title,
        events=len(article.events),
        quotes=len(article.quotes),
        **links,
    )
    return JSONResponse(result.model_dump(), status_code=201 if outcome == NEW else 200)


def _pipeline(request: Request) -> Any:
    """The app's Pipeline, created on first use (models load once)."""
    state = request.app.state
    with state.pipeline_lock:
        if state.pipeline is None:
            from ..pipeline import Pipeline

            state.pipeline = Pipeline()
        return state.pipeline
