"""The HTML pages: server-rendered Jinja2 templates over the same queries as the API.

Every page links its JSON twin (the same query under /api). Autoescaping is on for
every template; nothing from the database is ever marked safe.
"""

from __future__ import annotations

import re
from pathlib import Path as FsPath
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..record import MODALITIES, SIGNALS
from . import article_view, charts, plotly_assets, queries
from .api import DB
from .params import (
    ArticleFilters,
    EventFilters,
    LevelText,
    Paging,
    PairText,
    ShortText,
    article_filters,
    event_filters,
    paging,
)

router = APIRouter(include_in_schema=False)

TEMPLATES = FsPath(__file__).parent / "templates"
QUAD_NAMES = {q: name for q, (name, _) in charts.QUADS.items()}


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pq"] = lambda s: quote(str(s), safe="")
    env.filters["qs"] = lambda d: urlencode({k: v for k, v in d.items() if v not in (None, "")})
    env.filters["cameo"] = _cameo_label
    env.filters["marked"] = marked
    env.globals["plotly_styles"] = lambda: sorted(plotly_assets.extra_styles())
    env.globals.update(
        MODALITIES=MODALITIES, SIGNALS=SIGNALS, QUAD_NAMES=QUAD_NAMES, ROOTS=_roots()
    )
    return env


def marked(snippet: str | None) -> list[tuple[str, bool]]:
    """A search snippet cut into (text, is_match) pieces at its [match] markers; the
    template escapes each piece and wraps matches in <mark>."""
    pieces: list[tuple[str, bool]] = []
    for part in re.split(r"(\[[^\[\]]*\])", snippet or ""):
        if part.startswith("[") and part.endswith("]") and len(part) > 2:
            pieces.append((part[1:-1], True))
        elif part:
            pieces.append((part, False))
    return pieces


def _cameo_label(code: str | None) -> str:
    from ..events.codebook import codebook

    entry = codebook().get(code or "")
    return entry.description if entry else (code or "")


def _roots() -> list[tuple[str, str]]:
    from ..events.codebook import codebook

    return [(c, e.description) for c, e in sorted(codebook().items()) if len(c) == 2]


templates = Jinja2Templates(env=_environment())

Pages = Annotated[Paging, Depends(paging)]


def render(
    request: Request,
    template: str,
    *,
    json_url: str | None,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    context.setdefault("title", "tocsin")
    return templates.TemplateResponse(
        request,
        template,
        {"json_url": json_url, "path": request.url.path, **context},
        status_code=status,
        headers=headers,
    )


def render_error(
    request: Request, error: dict[str, Any], headers: dict[str, str] | None = None
) -> Response:
    return render(
        request,
        "error.html",
        json_url=None,
        status=error["status"],
        headers=headers,
        title=f"{error['status']} {error['title']}",
        error=error,
    )


def _twin(path: str, request: Request) -> str:
    query = request.url.query
    return f"{path}?{query}" if query else path


def _chart(figure: dict[str, Any]) -> dict[str, Any] | None:
    return figure if any(trace.get("x") for trace in figure["data"]) else None


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, db: DB) -> HTMLResponse:
    data = queries.overview(db)
    timelines = data["timelines"]
    return render(
        request,
        "overview.html",
        json_url="/api/overview",
        data=data,
        activity_chart=_chart(charts.activity_figure(data["activity"])),
        timeline_chart=_chart(charts.timelines_figure(timelines["pairs"]))
        if timelines["available"]
        else None,
    )


@router.get("/events", response_class=HTMLResponse)
def events(
    request: Request, db: DB, f: Annotated[EventFilters, Depends(event_filters)], page: Pages
) -> HTMLResponse:
    data = queries.event_list(db, f, page)
    return render(
        request,
        "events.html",
        json_url=_twin("/api/events", request),
        title="Events",
        data=data,
        filters=f,
    )


@router.get("/articles", response_class=HTMLResponse)
def articles(
    request: Request, db: DB, f: Annotated[ArticleFilters, Depends(article_filters)], page: Pages
) -> HTMLResponse:
    data = queries.article_list(db, f, page)
    return render(
        request,
        "articles.html",
        json_url=_twin("/api/articles", request),
        title="Articles",
        data=data,
        filters=f,
    )


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(
    request: Request, db: DB, article_id: Annotated[str, Path(max_length=200)]
) -> HTMLResponse:
    record = db.article(article_id)
    return render(
        request,
        "article.html",
        json_url=f"/api/articles/{quote(article_id, safe='')}",
        title=record.title or article_id,
        article=record,
        view=article_view.layout(record),
    )


@router.get("/speakers", response_class=HTMLResponse)
def speakers(request: Request, db: DB) -> HTMLResponse:
    return render(
        request,
        "speakers.html",
        json_url="/api/speakers",
        title="Speakers",
        speakers=queries.speakers(db),
    )


@router.get("/speakers/{name}", response_class=HTMLResponse)
def speaker(request: Request, db: DB, name: Annotated[str, Path(max_length=200)]) -> HTMLResponse:
    data = queries.speaker_quotes(db, name)
    return render(
        request,
        "speaker.html",
        json_url=f"/api/speakers/{quote(name, safe='')}",
        title=f"Quotes of {name}",
        data=data,
    )


@router.get("/actors", response_class=HTMLResponse)
def actors(request: Request, db: DB) -> HTMLResponse:
    rows = sorted(
        queries.actors(db),
        key=lambda a: (
            -(a["articles"] + a["events_as_source"] + a["events_as_target"] + a["quotes"]),
            a["name"],
        ),
    )
    return render(request, "actors.html", json_url="/api/actors", title="Actors", actors=rows)


@router.get("/pairs", response_class=HTMLResponse)
def pairs(request: Request, db: DB) -> HTMLResponse:
    return render(
        request, "pairs.html", json_url="/api/pairs", title="Pairs", pairs=queries.pairs(db)
    )


@router.get("/pairs/{pair}", response_class=HTMLResponse)
def pair(
    request: Request,
    db: DB,
    pair: Annotated[PairText, Path()],
    page: Pages,
    level: Annotated[LevelText, Query()] = "country",
) -> HTMLResponse:
    key = pair.strip().upper()
    data = queries.pair_view(db, key, level, page)
    figure = charts.pair_figure(key, data["series"]["rows"], data["events"]["items"])
    return render(
        request,
        "pair.html",
        json_url=_twin(f"/api/pairs/{quote(key, safe='')}", request),
        title=f"Pair {key}",
        data=data,
        chart=_chart(figure),
    )


@router.get("/alerts", response_class=HTMLResponse)
def alerts(
    request: Request, db: DB, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> HTMLResponse:
    data = queries.alerts(db, limit)
    columns: list[str] = []
    for row in data["alerts"]:
        columns += [k for k in (row if isinstance(row, dict) else {}) if k not in columns]
    return render(
        request,
        "alerts.html",
        json_url=_twin("/api/alerts", request),
        title="Alerts",
        data=data,
        columns=columns,
    )


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    db: DB,
    q: Annotated[ShortText | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> HTMLResponse:
    data = queries.search(db, q, limit) if q and q.strip() else None
    return render(
        request,
        "search.html",
        json_url=_twin("/api/search", request) if data else None,
        title=f"Search: {q}" if q else "Search",
        q=q or "",
        data=data,
    )


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    """The API reference, rendered from the OpenAPI schema (no CDN, no inline script)."""
    spec = request.app.openapi()
    endpoints = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {
                    "name": p["name"],
                    "in": p["in"],
                    "required": p.get("required", False),
                    "type": _schema_text(p.get("schema", {})),
                    "description": p.get("description", ""),
                }
                for p in op.get("parameters", [])
            ]
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "params": params,
                    "body": "requestBody" in op,
                    "responses": sorted(op.get("responses", {})),
                }
            )
    return render(
        request,
        "docs.html",
        json_url="/openapi.json",
        title="API reference",
        spec=spec,
        endpoints=endpoints,
    )


def _schema_text(schema: dict[str, Any]) -> str:
    """A parameter's type as one line: string (pattern ...), integer 1..500, one of ..."""
    if "anyOf" in schema:
        return " or ".join(_schema_text(s) for s in schema["anyOf"] if s.get("type") != "null")
    if "enum" in schema:
        return "one of " + ", ".join(map(str, schema["enum"]))
    text = str(schema.get("type", "any"))
    if schema.get("format"):
        text += f" ({schema['format']})"
    if schema.get("pattern"):
        text += f" matching {schema['pattern']}"
    lo, hi = schema.get("minimum"), schema.get("maximum")
    if lo is not None or hi is not None:
        text += f" {'' if lo is None else lo}..{'' if hi is None else hi}"
    if schema.get("default") is not None:
        text += f", default {schema['default']}"
    return text
