"""The monitor's commands: `tocsin monitor`, `tocsin alerts`, `tocsin watch`. Each is
I/O around tocsin.monitor; heavy modules are imported inside the commands so that
`tocsin --help` stays fast. Shared options and the error guard come from the module
that defines the `cli` group passed to `register` (as in tocsin.store.commands)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

import click

from .store.commands import db_option, json_option


def register(group: click.Group) -> None:
    cli_module = (
        sys.modules[group.callback.__module__] if group.callback else sys.modules["tocsin.cli"]
    )
    for factory in (_monitor_command, _alerts_command, _watch_command):
        group.add_command(factory(cli_module))


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def _console() -> Any:
    from rich.console import Console

    # Piped output is read by people too: rich's 80 columns would wrap every cell.
    return Console(width=None if sys.stdout.isatty() else 160, highlight=False, soft_wrap=False)


def _cells(*values: Any) -> list[Any]:
    """Table cells as plain text: actor names may hold [brackets], not markup."""
    from rich.text import Text

    return [Text("" if v is None else str(v)) for v in values]


def rules_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--rules",
        "rules_path",
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help="Alert rules (YAML) instead of the shipped defaults (tocsin/data/alerts.yaml).",
    )(fn)


def delivery_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option(
        "--timeout",
        type=float,
        default=10.0,
        show_default=True,
        help="Webhook and feed timeout, seconds.",
    )(fn)
    fn = click.option(
        "--webhook", metavar="URL", help="POST each alert's JSON to this URL (once per alert)."
    )(fn)
    fn = click.option(
        "--to-file",
        "to_file",
        type=click.Path(dir_okay=False),
        metavar="PATH",
        help="Append each alert to this JSON Lines file (once per alert).",
    )(fn)
    return fn


def _destinations(
    to_file: str | None, webhook: str | None, allow_private: bool, timeout: float
) -> list[Any]:
    from .monitor.alerting import FileDestination, WebhookDestination

    out: list[Any] = []
    if to_file:
        out.append(FileDestination(to_file))
    if webhook:
        hook = WebhookDestination(webhook, allow_private=allow_private, timeout=timeout)
        hook.check()  # refused before anything runs, with the guard's reason
        out.append(hook)
    return out


def _alert_line(alert: dict[str, Any]) -> str:
    ev = alert.get("evidence") or []
    where = f" ({ev[0].get('outlet') or ev[0].get('url') or ev[0]['article_id']})" if ev else ""
    return f"[{alert['severity']}] {alert['day']} {alert['title']}{where}  {alert['id']}"


# -- monitor ------------------------------------------------------------------------------


def _monitor_command(c: ModuleType) -> click.Command:
    @click.command("monitor")
    @db_option
    @click.option(
        "--pair", metavar="SRC-TGT", help="A directed pair such as RUS-UKR (all pairs if omitted)."
    )
    @click.option(
        "--level",
        type=click.Choice(["country", "actor"]),
        default="country",
        show_default=True,
        help="Pairs of country codes, or of actor codes (RUSGOV-UKRMIL).",
    )
    @click.option("--since", metavar="YYYY-MM-DD", help="First day shown.")
    @click.option("--until", metavar="YYYY-MM-DD", help="Last day shown.")
    @json_option
    @click.option(
        "--explain", is_flag=True, help="List the events behind --pair's figures on --day."
    )
    @click.option("--day", metavar="YYYY-MM-DD", help="The day to --explain.")
    @click.option(
        "--plot",
        type=click.Path(dir_okay=False),
        metavar="OUT.png",
        help="Draw the pair's conflict and speculation series (default pair: the most active).",
    )
    @c.guarded
    def monitor(
        db_url: str,
        pair: str | None,
        level: str,
        since: str | None,
        until: str | None,
        as_json: bool,
        explain: bool,
        day: str | None,
        plot: str | None,
    ) -> None:
        """Escalation index per directed actor pair and day: events by quad class, Goldstein
        sum and mean, nuclear signals, the conflict index and, apart, the speculation index
        (docs/monitor.md gives the formula). --explain shows the events behind a figure."""
        from . import monitor as mon
        from . import store as store_mod
        from .errors import UsageError

        if explain and not (pair and day):
            raise UsageError(
                "--explain", "needs --pair and --day (e.g. --pair RUS-UKR --day 2024-11-21)"
            )
        with store_mod.open(db_url) as db:
            if explain:
                assert pair and day
                rows = mon.explain(db, pair, day, level=level)
                if as_json:
                    click.echo(_dumps(rows))
                else:
                    _print_explain(rows, pair, day)
                return
            if plot:
                from .monitor.plot import plot_series

                if not pair:
                    top = mon.top_pairs(db, n=1, level=level, since=since)
                    if not top:
                        raise UsageError("--plot", "no pair with events in the database")
                    pair = top[0]
                path = plot_series(mon.series(db, pair, level, since, until), pair, plot)
                click.echo(f"tocsin: {pair}: plot written to {path}", err=True)
                if not as_json:
                    return
            rows = mon.series(db, pair=pair, level=level, since=since, until=until)
            if as_json:
                click.echo(_dumps(rows))
            else:
                _print_series(rows)

    return monitor


def _print_series(rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    if not rows:
        click.echo("No events for these pairs and days.")
        return
    table = Table(box=None, header_style="bold")
    for name in (
        "pair",
        "day",
        "q1",
        "q2",
        "q3",
        "q4",
        "goldstein",
        "mean",
        "nuclear",
        "conflict",
        "7 days",
        "speculation",
        "events",
    ):
        table.add_column(name, justify="left" if name in ("pair", "day", "nuclear") else "right")
    for r in rows:
        nuclear = ", ".join(f"{k} {v}" for k, v in r["nuclear"].items())
        mean = "" if r["goldstein_mean"] is None else f"{r['goldstein_mean']:.1f}"
        table.add_row(
            *_cells(
                r["pair"],
                r["day"],
                r["q1"],
                r["q2"],
                r["q3"],
                r["q4"],
                f"{r['goldstein_sum']:.1f}",
                mean,
                nuclear,
                f"{r['conflict_index']:.1f}",
                f"{r['conflict_7d']:.1f}",
                f"{r['speculation_index']:.1f}",
                r["events"],
            )
        )
    _console().print(table)


def _print_explain(rows: list[dict[str, Any]], pair: str, day: str) -> None:
    if not rows:
        click.echo(f"No events for {pair} on {day}.")
        return
    for r in rows:
        counted = "" if r["counted"] else "  (another report of an event counted above)"
        nuclear = f" nuclear:{r['signal'] or 'unspecified'}" if r["nuclear"] else ""
        by = f" per {r['asserted_by']}" if r["asserted_by"] else ""
        click.echo(
            f"{r['event_id']} {r['cameo']} {r['modality']}{by}{nuclear}: "
            f"conflict {r['conflict']:g}, speculation {r['speculation']:g}{counted}"
        )
        click.echo("  " + " ".join((r["sentence"] or "").split()))
        click.echo(f"  {r['outlet'] or '-'}  {r['url'] or '-'}  {r['article_id']}")


# -- alerts -------------------------------------------------------------------------------


def _alerts_command(c: ModuleType) -> click.Command:
    @click.command("alerts")
    @db_option
    @json_option
    @click.option(
        "--run", "run", is_flag=True, help="Evaluate the rules first and show only the new alerts."
    )
    @rules_option
    @click.option(
        "--limit", type=click.IntRange(1), default=100, show_default=True, help="Alerts shown."
    )
    @delivery_options
    @c.allow_private_option
    @c.guarded
    def alerts(
        db_url: str,
        as_json: bool,
        run: bool,
        rules_path: str | None,
        limit: int,
        to_file: str | None,
        webhook: str | None,
        timeout: float,
        allow_private: bool,
    ) -> None:
        """Print stored alerts with their evidence (--run: evaluate the rules first). With
        --to-file or --webhook, every stored alert not yet sent there is sent, once."""
        from . import store as store_mod
        from .monitor import alerting
        from .monitor.rules import load_rules

        rules = load_rules(rules_path) if run or rules_path else None
        destinations = _destinations(to_file, webhook, allow_private, timeout)
        failed = 0
        with store_mod.open(db_url) as db:
            if run:
                shown = alerting.run_rules(db, rules)
                click.echo(f"tocsin: {len(shown)} new alert(s)", err=True)
            else:
                shown = alerting.list_alerts(db, limit=limit)
            if as_json:
                click.echo(_dumps(shown))
            else:
                for alert in shown:
                    click.echo(_alert_line(alert))
            for dest in destinations:
                backlog = list(reversed(alerting.list_alerts(db, limit=None)))
                report = alerting.deliver(db, backlog, dest)
                failed += len(report.failed)
                click.echo(
                    f"tocsin: {dest.key}: {len(report.sent)} sent, {len(report.already)} already sent"
                    + (
                        f", {len(report.failed) + len(report.deferred)} not sent "
                        f"({report.failed[0]['error']})"
                        if report.failed
                        else ""
                    ),
                    err=True,
                )
        if failed:
            sys.exit(1)

    return alerts


# -- watch --------------------------------------------------------------------------------


def _watch_command(c: ModuleType) -> click.Command:
    @click.command("watch")
    @click.argument("sources", nargs=-1, required=True, metavar="FEEDS.opml|FEED_URL|FEED_FILE...")
    @click.option(
        "--every",
        default="15m",
        show_default=True,
        metavar="DURATION",
        help="Time between polls: 30s, 15m, 1h...",
    )
    @db_option
    @click.option(
        "--once", is_flag=True, help="Poll every feed once, raise and deliver alerts, exit."
    )
    @c.allow_private_option
    @rules_option
    @delivery_options
    @click.option("--quiet", "-q", is_flag=True, help="No per-feed lines on stderr.")
    @json_option
    @c.guarded
    def watch(
        sources: tuple[str, ...],
        every: str,
        db_url: str,
        once: bool,
        allow_private: bool,
        rules_path: str | None,
        to_file: str | None,
        webhook: str | None,
        timeout: float,
        quiet: bool,
        as_json: bool,
    ) -> None:
        """Poll feeds (RSS/Atom URLs or files, or OPML lists of them) with conditional GET,
        ingest new entries, raise alerts and deliver them. Errors back off per feed.
        SIGTERM or Ctrl-C finishes the entry in hand, saves the state and exits 0."""
        from . import store as store_mod
        from .monitor.rules import load_rules
        from .monitor.watch import Watcher, WatchOptions, parse_duration, run_until_signalled

        options = WatchOptions(
            every=parse_duration(every),
            allow_private=allow_private,
            timeout=timeout,
            rules=load_rules(rules_path),
            destinations=_destinations(to_file, webhook, allow_private, timeout),
        )

        def notify(event: str, details: dict[str, Any]) -> None:
            if event == "alert":
                click.echo(
                    json.dumps(details, ensure_ascii=False, default=str)
                    if as_json
                    else _alert_line(details)
                )
            elif event == "feed" and not quiet:
                click.echo(_feed_line(details), err=True)
            elif event == "delivery" and not quiet and (details["sent"] or details["failed"]):
                failed = f", failed: {details['failed'][0]['error']}" if details["failed"] else ""
                click.echo(
                    f"tocsin: {details['destination']}: {len(details['sent'])} sent{failed}",
                    err=True,
                )

        with store_mod.open(db_url) as db:
            watcher = Watcher(db, list(sources), options, notify=notify)
            reports = run_until_signalled(watcher, once=once)
        if watcher.stopping and not quiet:
            click.echo("tocsin: watch stopped; state saved", err=True)
        polled = [f for r in reports for f in r.feeds if f.status != "backoff"]
        if once and polled and all(f.status == "error" for f in polled):
            sys.exit(1)

    return watch


def _feed_line(f: dict[str, Any]) -> str:
    status = f["status"]
    if status == "error":
        retry = f" (next try {f['retry_at']})" if f["retry_at"] else ""
        return f"tocsin: {f['feed']}: error: {f['error']}{retry}"
    if status == "backoff":
        return f"tocsin: {f['feed']}: backing off until {f['retry_at']} ({f['error']})"
    counts = f"{f['new']} new, {f['duplicates']} known" + (
        f", {f['failed']} failed" if f["failed"] else ""
    )
    return f"tocsin: {f['feed']}: {status}" + ("" if status == "not-modified" else f" ({counts})")
