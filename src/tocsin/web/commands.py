"""`tocsin serve`: the dashboard and the JSON API over a database.

Registered on the `tocsin` group by tocsin.cli; FastAPI and uvicorn are imported only
when the command runs.
"""

from __future__ import annotations

import sys

import click


def register(group: click.Group) -> None:
    from ..store.commands import db_option

    c = sys.modules[group.callback.__module__] if group.callback else sys.modules["tocsin.cli"]

    @group.command("serve")
    @db_option
    @click.option(
        "--host",
        default="127.0.0.1",
        show_default=True,
        help="Address to listen on (0.0.0.0 for every interface).",
    )
    @click.option(
        "--port",
        type=click.IntRange(1, 65535),
        default=8000,
        show_default=True,
        help="Port to listen on.",
    )
    @click.option(
        "--token",
        envvar="TOCSIN_TOKEN",
        default=None,
        metavar="T",
        help="Enable POST /api/ingest for requests bearing `Authorization: Bearer T` "
        "(env TOCSIN_TOKEN, which keeps it out of the process list). Read-only without it.",
    )
    @c.allow_private_option
    @c.guarded
    def serve(db_url: str, host: str, port: int, token: str | None, allow_private: bool) -> None:
        """Serve the dashboard (HTML pages) and its JSON API (/api, reference at /docs)."""
        from .. import store
        from .app import create_app, hosts_for, run

        app = create_app(
            db_url, token=token, allow_private=allow_private, allowed_hosts=hosts_for(host)
        )
        shown = f"[{host}]" if ":" in host else host
        click.echo(
            f"Dashboard: http://{shown}:{port}/  (API: /api, reference: /docs; Ctrl-C to stop)"
        )
        click.echo(
            f"Database: {store.display_url(app.state.settings.db_url)}; "
            + ("writing enabled: POST /api/ingest with the bearer token" if token else "read-only")
        )
        run(app, host, port)
