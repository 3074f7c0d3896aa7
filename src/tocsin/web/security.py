"""The server's security rules: response headers (CSP and friends), the bearer token of
the writing endpoints, the body size cap, and the Host check against DNS rebinding.

The Content-Security-Policy allows scripts and styles from this server only: no
inline script, no eval, no inline <style>. plotly.js sets element styles through
the CSSOM (element.style.x = ...), which the policy does not restrict; its
stylesheet is served as a file (see plotly_assets). docs/web.md explains each choice.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import HTTPException, Request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

MAX_BODY = 8 * 1024 * 1024  # POST /api/ingest: an article and its HTML, not a corpus
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


class SecurityMiddleware:
    """Adds the security headers to every response; refuses oversized bodies (413),
    bodies without a length (411) and, when `allowed_hosts` is set, other Host headers."""

    def __init__(
        self, app: ASGIApp, allowed_hosts: tuple[str, ...] | None = None, max_body: int = MAX_BODY
    ) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
        }
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            status, reason = refusal
            await _plain(send, status, reason)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.decode("latin-1").lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in HEADERS.items() if k not in present]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        if self.allowed_hosts is not None:
            host = (
                headers.get("host", "").rsplit(":", 1)[0]
                if "]" not in headers.get("host", "")
                else ""
            )
            if host not in self.allowed_hosts:
                return 400, "Invalid host header"
        if scope.get("method") in ("POST", "PUT", "PATCH"):
            length = headers.get("content-length")
            if length is None:
                return 411, "Length required"
            if not length.isdigit() or int(length) > self.max_body:
                return 413, f"Request body too large (at most {self.max_body} bytes)"
        return None


async def _plain(send: Send, status: int, reason: str) -> None:
    titles = {400: "Bad Request", 411: "Length Required", 413: "Content Too Large"}
    body = json.dumps(
        {"error": {"status": status, "title": titles.get(status, "Error"), "reason": reason}}
    ).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def require_token(request: Request) -> None:
    """The writing endpoints' guard: `Authorization: Bearer <token>` must carry the token
    the server was started with (401 without credentials, 403 with wrong ones)."""
    expected: str | None = request.app.state.settings.token
    if not expected:
        # Not reachable: without a token the writing routes are not even mounted.
        raise HTTPException(404, "Not Found")
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise HTTPException(
            401,
            "this endpoint needs `Authorization: Bearer <token>`",
            headers={"WWW-Authenticate": 'Bearer realm="tocsin"'},
        )
    if not hmac.compare_digest(value.strip().encode("utf-8"), expected.encode("utf-8")):
        raise HTTPException(403, "wrong token")
