"""The `tocsin` command: thin commands over the library's functions.

Errors from the library arrive as TocsinError and are printed here, once, as
`tocsin: <input>: <reason>`; tracebacks only with --debug. Heavy imports (spaCy,
SQLAlchemy...) happen inside the commands so that `tocsin --help` answers at once.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable
from typing import Any

import click

from .errors import TocsinError


class _State:
    debug = False


def fail(exc: BaseException) -> None:
    """Print one line for a user-facing error and exit with its code."""
    if _State.debug:
        traceback.print_exception(exc)
    if isinstance(exc, TocsinError):
        click.echo(f"tocsin: {exc.source}: {exc.reason}", err=True)
        sys.exit(exc.exit_code)
    click.echo(
        f"tocsin: internal error: {type(exc).__name__}: {exc} (rerun with --debug)", err=True
    )
    sys.exit(3)


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command body, turning library errors into one line and an exit code."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("tocsin: interrupted", err=True)
            sys.exit(130)
        except Exception as exc:  # noqa: BLE001 - the one place errors become lines
            fail(exc)

    return wrapper


def _check_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from .pipeline import parse_published

    try:
        return parse_published(value, f"--{param.name}")
    except TocsinError as exc:
        raise click.BadParameter(exc.reason) from None


def _check_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()
    if len(value) != 2 or not value.isalpha():
        raise click.BadParameter(f"expected an ISO 639-1 code such as fr or en, got {value!r}")
    return value


published_option = click.option(
    "--published",
    callback=_check_date,
    metavar="YYYY-MM-DD",
    help="Publication date, the reference for relative dates (overrides the page's own).",
)
lang_option = click.option(
    "--lang",
    callback=_check_lang,
    metavar="xx",
    help="Language of the input (ISO 639-1), instead of detecting it.",
)
allow_private_option = click.option(
    "--allow-private",
    is_flag=True,
    envvar="TOCSIN_ALLOW_PRIVATE",
    help="Allow fetching URLs on private, loopback and link-local addresses.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(package_name="tocsin")
def cli(debug: bool) -> None:
    """tocsin reads conflict news: who did, threatened, promised or said what to whom,
    is it true, and is it nuclear."""
    _State.debug = debug


@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="PATH|URL|-...")
@published_option
@lang_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "text"]),
    default=None,
    help="json (default for one input), jsonl (default for several) or text for people.",
)
@allow_private_option
@click.option(
    "--timeout", type=float, default=10.0, show_default=True, help="URL fetch timeout, seconds."
)
@guarded
def analyze(
    inputs: tuple[str, ...],
    published: str | None,
    lang: str | None,
    fmt: str | None,
    allow_private: bool,
    timeout: float,
) -> None:
    """Analyse articles (HTML, text, JSON {title,text,url,published}, a URL, or - for stdin)
    and print their records (tocsin.article/1)."""
    from .ingest import web
    from .ingest.files import read_path, read_stdin
    from .pipeline import Pipeline

    fmt = fmt or ("json" if len(inputs) == 1 else "jsonl")
    pipeline = Pipeline()
    failures = 0
    for source in inputs:
        try:
            if source == "-":
                raw = read_stdin()
            elif web.is_url(source):
                raw = web.fetch(
                    source, web.FetchOptions(allow_private=allow_private, timeout=timeout)
                )
            else:
                raw = read_path(source)
            article = pipeline.analyze(raw, published=published, lang=lang)
        except TocsinError as exc:
            if len(inputs) == 1:
                raise
            if _State.debug:
                traceback.print_exception(exc)
            click.echo(f"tocsin: {exc.source}: {exc.reason}", err=True)
            failures += 1
            continue
        for warning in article.warnings:
            click.echo(f"tocsin: {source}: warning: {warning}", err=True)
        if fmt == "text":
            from .render import article_summary

            click.echo(article_summary(article))
        else:
            click.echo(article.to_json(indent=2 if fmt == "json" else None))
    if failures:
        sys.exit(1)


@cli.command()
@guarded
def schema() -> None:
    """Print the JSON Schema of the record (tocsin.article/1)."""
    from .schema import article_schema

    click.echo(json.dumps(article_schema(), indent=2, ensure_ascii=False))


def _register_commands() -> None:
    """Commands of later stages (ingest, serve, monitor...) live in their own modules."""
    from importlib import import_module

    for name in ("store.commands", "monitor_cli", "web.commands", "batch"):
        try:
            mod = import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(__package__ or "tocsin"):
                continue
            raise
        register = getattr(mod, "register", None)
        if register is not None:
            register(cli)


_register_commands()


def main() -> None:
    """Entry point: usage errors print as one line too (exit 2), not click's usage block."""
    try:
        cli.main(prog_name="tocsin", standalone_mode=False)
    except click.UsageError as exc:
        path = exc.ctx.command_path if exc.ctx else "tocsin"
        click.echo(f"{path}: {exc.format_message()} (see {path} --help)", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"tocsin: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("tocsin: aborted", err=True)
        sys.exit(130)
