"""The dashboard's FastAPI application: the JSON API under /api, the HTML pages, the
static files (plotly.js from the installed plotly package), errors and security.

    from tocsin.web.app import create_app, serve
    app = create_app("sqlite:///tocsin.db")             # read-only
    serve("sqlite:///tocsin.db", "127.0.0.1", 8000)     # what `tocsin serve` runs
"""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import FetchError, InputError, NotFoundError, StoreError, TocsinError, UsageError
from . import plotly_assets
from .security import LOOPBACK_HOSTS, SecurityMiddleware

log = logging.getLogger("tocsin.web")

STATIC = Path(__file__).parent / "static"
STATIC_CACHE = "public, max-age=3600"


@dataclass
class Settings:
    db_url: str
    token: str | None = None
    allow_private: bool = False
    fetch_timeout: float = 10.0


def create_app(
    db_url: str | None = None,
    *,
    token: str | None = None,
    allow_private: bool = False,
    allowed_hosts: tuple[str, ...] | None = None,
) -> FastAPI:
    """The app over the database at `db_url` (opened now: a bad URL fails here, not at the
    first request). Writing endpoints exist only when `token` is given."""
    from .. import store

    if token is not None and not token.strip():
        raise UsageError("--token", "the token is empty")
    db = store.open(db_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        db.close()

    app = FastAPI(
        title="tocsin",
        summary="Conflict news read like a careful analyst: sourced events, quotes, modality, nuclear signals.",
        description="The JSON API of the tocsin dashboard. Every HTML page has a JSON twin here; "
        "an article is served exactly as its record (tocsin.article/1).",
        version=_version(),
        docs_url=None,  # /docs is our own page: Swagger UI would need a CDN and inline script
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.settings = Settings(db_url=db.url, token=token or None, allow_private=allow_private)
    app.state.pipeline = None
    app.state.pipeline_lock = threading.Lock()
    app.add_middleware(SecurityMiddleware, allowed_hosts=allowed_hosts)  # type: ignore[arg-type]
    _error_handlers(app)
    _static_routes(app)

    from . import api, pages

    app.include_router(api.router)
    if token:
        app.include_router(api.write_router)
    app.include_router(pages.router)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tocsin")
    except PackageNotFoundError:
        return "0"


# -- static files ----------------------------------------------------------------------


def _static_routes(app: FastAPI) -> None:
    # Registered before the /static mount, so these two are served from the plotly package.
    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(
            plotly_assets.bundle_path(),
            media_type="text/javascript",
            headers={"Cache-Control": STATIC_CACHE},
        )

    @app.get("/static/plotly.css", include_in_schema=False)
    def plotly_css() -> Response:
        return Response(
            plotly_assets.stylesheet(),
            media_type="text/css",
            headers={"Cache-Control": STATIC_CACHE},
        )

    @app.get("/static/plotly-style-{style_id}.css", include_in_schema=False)
    def plotly_extra_css(style_id: str) -> Response:
        css = plotly_assets.extra_styles().get(style_id)
        if css is None:
            raise StarletteHTTPException(404, "Not Found")
        return Response(css, media_type="text/css", headers={"Cache-Control": STATIC_CACHE})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(
            STATIC / "favicon.svg",
            media_type="image/svg+xml",
            headers={"Cache-Control": STATIC_CACHE},
        )

    app.mount("/static", StaticFiles(directory=STATIC), name="static")


# -- errors ------------------------------------------------------------------------------

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    422: "Unprocessable Content",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def status_for(exc: TocsinError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, FetchError) and not exc.reason.startswith(
        ("refused", "unsupported URL", "URL has no")
    ):
        return 502  # the remote site failed, not the request
    if isinstance(exc, UsageError | InputError):
        return 422
    if isinstance(exc, StoreError):
        return 503
    return 500


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api") or path == "/openapi.json"


def error_response(
    request: Request,
    status: int,
    reason: str,
    source: str | None = None,
    params: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A JSON error under /api, an HTML page elsewhere; same status either way."""
    error: dict[str, Any] = {
        "status": status,
        "title": _TITLES.get(status, "Error"),
        "reason": reason,
    }
    if source is not None:
        error["source"] = source
    if params:
        error["params"] = params
    if _wants_json(request):
        return JSONResponse({"error": error}, status_code=status, headers=headers)
    from .pages import render_error

    return render_error(request, error, headers=headers)


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(TocsinError)
    async def tocsin_error(request: Request, exc: TocsinError) -> Response:
        status = status_for(exc)
        if status >= 500:
            log.error("%s: %s", exc.source, exc.reason)
        return error_response(request, status, exc.reason, source=exc.source)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        params = []
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body")]
            params.append(
                {
                    "name": ".".join(loc) or "body",
                    "in": str(err.get("loc", ("?",))[0]),
                    "reason": err.get("msg", "invalid"),
                }
            )
        reason = "; ".join(f"{p['name']}: {p['reason']}" for p in params) or "invalid request"
        return error_response(request, 422, reason, params=params)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        reason = (
            detail
            if detail != _TITLES.get(exc.status_code)
            else {
                404: f"nothing at {request.url.path}",
                405: f"{request.method} is not allowed on {request.url.path}",
            }.get(exc.status_code, detail)
        )
        return error_response(
            request, exc.status_code, reason, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        return error_response(request, 500, f"internal error ({type(exc).__name__})")


# -- running -----------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def hosts_for(host: str) -> tuple[str, ...] | None:
    """Host headers accepted when serving on `host`: on a loopback address only the local
    names (a DNS-rebinding page cannot read the dashboard); elsewhere any."""
    return LOOPBACK_HOSTS if _is_loopback(host) and ":" not in host else None


def run(app: FastAPI, host: str, port: int) -> None:
    """Serve `app` until interrupted."""
    import uvicorn

    uvicorn.run(
        app, host=host, port=port, log_level="info", proxy_headers=False, server_header=False
    )


def serve(
    db_url: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    allow_private: bool = False,
) -> None:
    """Serve the dashboard and API over `db_url` at http://host:port/ (`tocsin demo` and
    `tocsin serve` call this; the caller prints the URL)."""
    app = create_app(
        db_url, token=token, allow_private=allow_private, allowed_hosts=hosts_for(host)
    )
    run(app, host, port)
