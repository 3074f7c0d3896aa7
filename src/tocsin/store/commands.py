"""The corpus commands: ingest, search, events, export, demo. Each is I/O around one
library call (tocsin.store, tocsin.store.ingest, tocsin.export); heavy modules are
imported inside the commands so that `tocsin --help` stays fast.

The shared options and the error guard come from the module that defines the `cli`
group passed to `register` (tocsin.cli, or __main__ under `python -m tocsin.cli`),
so that --debug reaches these commands too.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import click

from ..errors import InputError


def db_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db_url",
        envvar="TOCSIN_DB",
        default="sqlite:///tocsin.db",
        show_default=True,
        metavar="URL",
        help="Database: sqlite:///file.db or postgresql://user@host/name (env TOCSIN_DB).",
    )(fn)


def json_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(
        fn
    )


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Piped output is read by people too: rich's 80 columns would wrap every cell.
    width = None if stream.isatty() else 140
    return Console(file=stream, width=width, highlight=False, soft_wrap=False)


def _cells(*values: Any) -> list[Any]:
    """Table cells as plain text: titles and snippets may hold [brackets], not markup."""
    from rich.text import Text

    return [Text("" if v is None else str(v)) for v in values]


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def register(group: click.Group) -> None:
    cli_module = (
        sys.modules[group.callback.__module__] if group.callback else sys.modules["tocsin.cli"]
    )
    for factory in (
        _ingest_command,
        _search_command,
        _events_command,
        _export_command,
        _demo_command,
    ):
        group.add_command(factory(cli_module))


# -- ingest ---------------------------------------------------------------------------


def _ingest_command(c: ModuleType) -> click.Command:
    @click.command("ingest")
    @click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
    @db_option
    @c.published_option
    @c.lang_option
    @c.allow_private_option
    @click.option(
        "--timeout", type=float, default=10.0, show_default=True, help="URL fetch timeout, seconds."
    )
    @click.option(
        "--batch-size",
        type=click.IntRange(1, 256),
        default=8,
        show_default=True,
        help="Documents analysed together (spaCy batches).",
    )
    @click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
    @json_option
    @c.guarded
    def ingest(
        sources: tuple[str, ...],
        db_url: str,
        published: str | None,
        lang: str | None,
        allow_private: bool,
        timeout: float,
        batch_size: int,
        quiet: bool,
        as_json: bool,
    ) -> None:
        """Analyse a corpus into the database: files, directories (with a manifest.jsonl),
        globs, JSON Lines, RSS/Atom feeds and OPML lists (files or URLs), WARC files, URLs.
        Already stored articles are skipped; failures are recorded and never stop the run.
        Exits 1 only when nothing at all could be read."""
        from .. import store as store_mod
        from ..ingest.sources import SourceOptions
        from .ingest import ingest as run_ingest

        with store_mod.open(db_url) as db:
            with _IngestProgress(enabled=not quiet) as progress:
                summary = run_ingest(
                    db,
                    sources,
                    published=published,
                    lang=lang,
                    batch_size=batch_size,
                    options=SourceOptions(allow_private=allow_private, timeout=timeout),
                    progress=progress.update,
                )
            if as_json:
                click.echo(_dumps({"db": store_mod.display_url(db_url), **summary.to_dict()}))
            else:
                _print_ingest_summary(summary, store_mod.display_url(db_url))
        if summary.failed and not (summary.new or summary.duplicates):
            sys.exit(1)

    return ingest


class _IngestProgress:
    """A rich progress line on stderr: articles done, articles per second, outcomes."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.counts = {"new": 0, "duplicate": 0, "failed": 0, "skipped": 0}
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> _IngestProgress:
        if self.enabled:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.completed} articles"),
                TextColumn("{task.fields[rate]} articles/s"),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=_console(stderr=True),
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task("", total=None, rate="0.0")
        return self

    def update(self, outcome: str, source: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        if self.progress is None:
            return
        done = outcome != "skipped"
        self.progress.update(self.task, advance=1 if done else 0)
        task = self.progress.tasks[0]
        elapsed = task.elapsed or 0.0
        rate = f"{task.completed / elapsed:.1f}" if elapsed > 0 else "0.0"
        c = self.counts
        self.progress.update(
            self.task,
            rate=rate,
            description=f"new {c['new']} · duplicates {c['duplicate']} · failed {c['failed']}",
        )

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


def _print_ingest_summary(summary: Any, db: str) -> None:
    console = _console()
    rate = summary.read / summary.seconds if summary.seconds else 0.0
    console.print(f"Ingested into {db} in {summary.seconds:.1f} s ({rate:.1f} articles/s)")
    console.print(
        f"  read {summary.read} · new {summary.new} · duplicates {summary.duplicates} · "
        f"failed {summary.failed} · skipped {summary.skipped}"
    )
    if summary.failures:
        console.print("Failures:")
        for f in summary.failures:
            console.print(f"  {f['source']}: {f['reason']}", markup=False)


# -- search and events --------------------------------------------------------------------


def _search_command(c: ModuleType) -> click.Command:
    @click.command("search")
    @click.argument("query")
    @db_option
    @click.option(
        "--limit",
        type=click.IntRange(1, 10000),
        default=20,
        show_default=True,
        help="Most results shown.",
    )
    @json_option
    @c.guarded
    def search(query: str, db_url: str, limit: int, as_json: bool) -> None:
        """Full-text search of the stored articles (words, "a phrase", OR, prefix*)."""
        from .. import store as store_mod

        with store_mod.open(db_url) as db:
            hits = db.search(query, limit=limit)
        if as_json:
            click.echo(_dumps(hits))
            return
        if not hits:
            click.echo(f"no article matches {query!r}")
            return
        from rich.table import Table

        table = Table("published", "outlet", "title", "snippet", "id", show_lines=False)
        for h in hits:
            table.add_row(
                *_cells(*(h.get(k) for k in ("published", "outlet", "title", "snippet", "id")))
            )
        _console().print(table)

    return search


def _events_command(c: ModuleType) -> click.Command:
    from ..record import MODALITIES, SIGNALS

    @click.command("events")
    @db_option
    @click.option(
        "--actor",
        metavar="NAME|CODE",
        help="Source or target: a name, or a code and its sub-codes.",
    )
    @click.option(
        "--pair", metavar="AAA-BBB", help="Country pair, either way (RUS-UKR) or one way (RUS>UKR)."
    )
    @click.option(
        "--cameo", metavar="CODE", help="A CAMEO code and the codes under it (138 takes 1381-1385)."
    )
    @click.option("--root", metavar="NN", help="CAMEO root code, 01-20.")
    @click.option(
        "--modality", type=click.Choice(MODALITIES), help="Only events with this modality."
    )
    @click.option("--nuclear", is_flag=True, help="Only nuclear events.")
    @click.option("--signal", type=click.Choice(SIGNALS), help="Only this nuclear signal.")
    @click.option(
        "--since", callback=c._check_date, metavar="YYYY-MM-DD", help="Events on or after this day."
    )
    @click.option(
        "--until",
        callback=c._check_date,
        metavar="YYYY-MM-DD",
        help="Events on or before this day.",
    )
    @click.option("--limit", type=click.IntRange(1), default=None, help="Most events shown.")
    @json_option
    @c.guarded
    def events(
        db_url: str, as_json: bool, limit: int | None, nuclear: bool, **filters: Any
    ) -> None:
        """List coded events, filtered; a table, or JSON rows with --json."""
        from .. import store as store_mod

        with store_mod.open(db_url) as db:
            rows = db.events(**filters, nuclear=True if nuclear else None, limit=limit)
        if as_json:
            click.echo(_dumps(rows))
            return
        if not rows:
            click.echo("no events match")
            return
        from rich.table import Table

        table = Table(
            "day", "source", "event", "target", "modality", "nuclear", "articles", "trigger"
        )
        for r in rows:
            table.add_row(
                *_cells(
                    r["day"],
                    r["source_name"],
                    f"{r['cameo']} {r['plover'] or ''}".strip(),
                    r["target_name"],
                    r["modality"],
                    r["signal"] or ("yes" if r["nuclear"] else ""),
                    f"{r['num_articles']}/{r['num_outlets']}",
                    r["trigger"],
                )
            )
        console = _console()
        console.print(table)
        console.print(
            f"{len(rows)} events (articles = distinct stories/outlets telling the same event)"
        )

    return events


# -- export -------------------------------------------------------------------------------


def _export_command(c: ModuleType) -> click.Command:
    formats = ("jsonl", "csv", "parquet", "gdelt", "plover", "gexf", "geojson")

    @click.command("export")
    @db_option
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(formats),
        required=True,
        help="jsonl: the records; csv/parquet: the events table; gdelt: GDELT 2.0 events; "
        "plover: PLOVER JSON; gexf: actor network; geojson: located events.",
    )
    @click.option(
        "--out",
        type=click.Path(dir_okay=False, writable=True),
        default="-",
        help="Output file (default: stdout).",
    )
    @c.guarded
    def export(db_url: str, fmt: str, out: str) -> None:
        """Export the database (column meanings: docs/export.md)."""
        from .. import store as store_mod
        from ..export import export as run_export

        with store_mod.open(db_url) as db:
            n = run_export(db, fmt, out)
        if out != "-":
            click.echo(
                f"wrote {n} {'articles' if fmt == 'jsonl' else 'edges' if fmt == 'gexf' else 'events'} to {out}",
                err=True,
            )

    return export


# -- demo -----------------------------------------------------------------------------------


def examples_dir() -> Path:
    """The bundled examples: beside the package in a source checkout, else ./examples."""
    here = Path(__file__).resolve().parents[3] / "examples"
    return here if here.is_dir() else Path.cwd() / "examples"


def _demo_command(c: ModuleType) -> click.Command:
    @click.command("demo")
    @db_option
    @click.option("--host", default="127.0.0.1", show_default=True, help="Dashboard address.")
    @click.option("--port", type=int, default=8000, show_default=True, help="Dashboard port.")
    @click.option(
        "--no-serve", is_flag=True, help="Only ingest and summarise; do not start the dashboard."
    )
    @click.option(
        "--examples",
        "examples",
        type=click.Path(file_okay=False),
        default=None,
        help="Directory of examples (default: the bundled examples/).",
    )
    @click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
    @c.guarded
    def demo(
        db_url: str, host: str, port: int, no_serve: bool, examples: str | None, quiet: bool
    ) -> None:
        """Ingest the bundled examples (again: nothing is added twice), summarise what
        they hold, then serve the dashboard when it is installed."""
        from .. import store as store_mod
        from ..ingest.sources import SourceOptions
        from .ingest import ingest as run_ingest

        folder = Path(examples) if examples else examples_dir()
        if not folder.is_dir():
            raise InputError(str(folder), "no examples directory here")
        with store_mod.open(db_url) as db:
            with _IngestProgress(enabled=not quiet) as progress:
                summary = run_ingest(
                    db, [str(folder)], options=SourceOptions(), progress=progress.update
                )
            _print_ingest_summary(summary, store_mod.display_url(db_url))
            _print_corpus_summary(db.summary())
            _run_alert_rules(db, quiet)
        serve = None if no_serve else _dashboard()
        if serve is None:
            return
        click.echo(f"Dashboard: http://{host}:{port}/  (Ctrl-C to stop)")
        serve(db_url, host, port)

    return demo


def _run_alert_rules(db: Any, quiet: bool) -> None:
    """Evaluate the shipped alert rules so the dashboard opens with the alerts the
    examples raise (alerts are stored once: a rerun adds none)."""
    try:
        from ..monitor import run_rules
    except ImportError:  # the monitor is an optional part of an install
        return
    new = run_rules(db)
    if not quiet:
        click.echo(f"Alerts: {len(new)} new (tocsin alerts --db ... lists them all)")


def _dashboard() -> Callable[[str, str, int], Any] | None:
    """tocsin.web.app.serve, when the dashboard is installed."""
    from importlib import import_module

    try:
        app = import_module("tocsin.web.app")
    except ModuleNotFoundError as exc:
        if exc.name in ("tocsin.web", "tocsin.web.app"):
            return None
        raise
    serve = getattr(app, "serve", None)
    return serve if callable(serve) else None


def _print_corpus_summary(s: dict[str, Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    console = _console()
    n = s["counts"]
    console.print(
        f"\nThe database holds {n['articles']} articles ({n['clusters']} distinct stories), "
        f"{n['events']} events ({n['nuclear_events']} nuclear), {n['quotes']} quotes, "
        f"{n['actors']} actors."
    )

    def counts_line(title: str, data: dict[str, int]) -> None:
        line = Text(f"{title}: ", style="bold")
        line.append("  ".join(f"{k}: {v}" for k, v in data.items()) or "none")
        console.print(line)

    counts_line("Articles by language", s["languages"])
    counts_line("Events by modality", s["modalities"])
    counts_line("Events by CAMEO root", s["roots"])
    counts_line("Nuclear signals", s["signals"])
    if s["top_actors"]:
        console.print(Text("Top actors", style="bold"))
        actors = Table("actor", "code", "articles", "events", "quotes")
        for a in s["top_actors"]:
            actors.add_row(*_cells(a["name"], a["code"], a["articles"], a["events"], a["quotes"]))
        console.print(actors)
    if s["speakers"]:
        console.print(Text("Top quotes by speaker", style="bold"))
        speakers = Table("speaker", "quotes", "for example")
        for sp in s["speakers"]:
            speakers.add_row(*_cells(sp["name"], sp["quotes"], sp["example"]))
        console.print(speakers)
