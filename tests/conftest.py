"""Shared fixtures. Every record the suite produces is validated against the schema."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .pg import db_url, pg_server  # noqa: F401 - fixtures: the same tests on SQLite and PostgreSQL

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "seed_article_fr.txt"
EXAMPLES = ROOT / "examples"

os.environ.setdefault("TOCSIN_TEST", "1")


@pytest.fixture(autouse=True)
def _validate_every_record(monkeypatch):
    """Wrap the pipeline so each record it yields is checked against tocsin.article/1."""
    from tocsin import pipeline
    from tocsin.record import Article
    from tocsin.schema import validate

    original = pipeline.Pipeline._run_batch

    def checked(self, raws, return_errors):
        for result in original(self, raws, return_errors):
            if isinstance(result, Article):
                validate(result.to_dict())
            yield result

    monkeypatch.setattr(pipeline.Pipeline, "_run_batch", checked)


@pytest.fixture(scope="session")
def pipe():
    from tocsin.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def seed_text():
    if not SEED.exists():
        pytest.skip(f"the seed article is not at {SEED} (../shared is absent)")
    return SEED.read_text("utf-8")


@pytest.fixture(scope="session")
def seed_record():
    """The seed analysed once for the session (published 2022-10-10)."""
    if not SEED.exists():
        pytest.skip(f"the seed article is not at {SEED} (../shared is absent)")
    from tocsin.ingest.files import read_path
    from tocsin.pipeline import Pipeline
    from tocsin.schema import validate

    article = Pipeline().analyze(read_path(SEED), published="2022-10-10")
    validate(article.to_dict())
    return article
