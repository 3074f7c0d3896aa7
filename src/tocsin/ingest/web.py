"""Fetching a URL safely: timeouts, a size cap, and no private addresses.

The guard resolves the host itself, refuses any private, loopback, link-local or
otherwise non-public address, and then connects to the address it checked (so a
second DNS answer cannot swap in 127.0.0.1); every redirect goes through the same
check. `allow_private=True` (the CLI's --allow-private) lifts it for local feeds
and tests.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from ..errors import FetchError
from . import RawDocument

MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = "tocsin/0.1 (+https://github.com/tocsin-project/tocsin)"


@dataclass
class FetchOptions:
    allow_private: bool = False
    timeout: float = 10.0
    max_bytes: int = MAX_BYTES
    headers: dict[str, str] | None = None


def _env_allows_private() -> bool:
    return os.environ.get("TOCSIN_ALLOW_PRIVATE", "").lower() in ("1", "true", "yes")


def check_address(url: str, allow_private: bool = False) -> tuple[str, str, int]:
    """Resolve `url`'s host; return (host, ip, port) or raise FetchError if not public."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(url, f"unsupported URL scheme {parts.scheme!r} (http and https only)")
    host = parts.hostname
    if not host:
        raise FetchError(url, "URL has no host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(url, f"cannot resolve host {host!r} ({exc.strerror})") from None
    ips = [str(info[4][0]) for info in infos]
    if not ips:
        raise FetchError(url, f"cannot resolve host {host!r}")
    if not allow_private:
        for ip in ips:
            addr = ipaddress.ip_address(ip.split("%")[0])
            if not addr.is_global or addr.is_multicast:
                kind = (
                    "loopback"
                    if addr.is_loopback
                    else "link-local"
                    if addr.is_link_local
                    else "private"
                    if addr.is_private
                    else "non-public"
                )
                raise FetchError(
                    url, f"refused: {host} resolves to {kind} address {ip} (use --allow-private)"
                )
    return host, ips[0], port


def fetch(url: str, options: FetchOptions | None = None) -> RawDocument:
    """GET `url` under the guard; return its body as a RawDocument."""
    opts = options or FetchOptions()
    allow = opts.allow_private or _env_allows_private()
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5",
    }
    headers.update(opts.headers or {})
    current = url
    timeout = httpx.Timeout(opts.timeout, connect=min(opts.timeout, 5.0))
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            host, ip, port = check_address(current, allow)
            parts = urlsplit(current)
            # Connect to the address that was checked, not to a fresh DNS answer.
            netloc = f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"
            pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
            req_headers = {**headers, "Host": parts.netloc.rsplit("@", 1)[-1]}
            try:
                with client.stream(
                    "GET", pinned, headers=req_headers, extensions={"sni_hostname": host}
                ) as resp:
                    if resp.status_code == 304:  # a conditional GET (feed polling): nothing new
                        return RawDocument(
                            source=url,
                            data=b"",
                            url=current,
                            meta={
                                "status": "304",
                                **{
                                    k: v
                                    for k, v in resp.headers.items()
                                    if k in ("etag", "last-modified")
                                },
                            },
                        )
                    if resp.is_redirect:
                        location = resp.headers.get("location")
                        if not location:
                            raise FetchError(current, f"HTTP {resp.status_code} without Location")
                        current = urljoin(current, location)
                        continue
                    if resp.status_code >= 400:
                        raise FetchError(
                            current, f"HTTP {resp.status_code} {resp.reason_phrase}".strip()
                        )
                    declared = resp.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > opts.max_bytes:
                        raise FetchError(
                            current, f"too large ({int(declared) / 1e6:.1f} MB declared)"
                        )
                    chunks, total = [], 0
                    for chunk in resp.iter_bytes():
                        total += len(chunk)
                        if total > opts.max_bytes:
                            raise FetchError(
                                current, f"too large (over {opts.max_bytes / 1e6:.0f} MB)"
                            )
                        chunks.append(chunk)
                    ctype = resp.headers.get("content-type", "")
                    return RawDocument(
                        source=url,
                        data=b"".join(chunks),
                        url=current,
                        html=("html" in ctype) or None,
                        content_type=ctype or None,
                        meta={
                            "status": str(resp.status_code),
                            **{
                                k: v
                                for k, v in resp.headers.items()
                                if k in ("etag", "last-modified")
                            },
                        },
                    )
            except httpx.TimeoutException:
                raise FetchError(current, f"timed out after {opts.timeout:g}s") from None
            except httpx.HTTPError as exc:
                raise FetchError(current, f"fetch failed ({type(exc).__name__}: {exc})") from None
    raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))
