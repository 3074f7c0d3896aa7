"""Batch analysis of a corpus on a Dask cluster: partitions of documents -> records ->
partitioned Parquet or a database (docs/scaling.md).

    from tocsin.batch import run_batch
    summary = run_batch(["corpus/"], out="out/", workers=4)

Importing this package is cheap (the `tocsin` command imports it to register `tocsin
batch`); Dask, pyarrow and the pipeline load when a batch runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import click

    from .runner import BatchSummary, run_batch

__all__ = ["BatchSummary", "register", "run_batch"]


def register(cli: click.Group) -> None:
    """Add the `batch` command to the `tocsin` command group."""
    from .command import batch

    cli.add_command(batch)


def __getattr__(name: str) -> Any:
    if name in ("BatchSummary", "run_batch"):
        from . import runner

        return getattr(runner, name)
    raise AttributeError(name)
