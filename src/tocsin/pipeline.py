"""The line of stages that turns one document into one record.

Each stage declares what it needs and what it adds (as spaCy components declare
`requires` and `assigns`); `check_order` proves the line consistent. `Pipeline`
loads models once, lazily, and `pipe()` runs many documents with spaCy's batching.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import extract as extract_mod
from . import language as language_mod
from . import nlp as nlp_mod
from .errors import AnalysisError, InputError, TocsinError, UsageError
from .ingest import RawDocument
from .record import Article, Span, article_id


@dataclass
class Analysis:
    """One document in flight: the record being built and what stages share."""

    raw: RawDocument
    article: Article | None = None
    doc: Any = None  # spaCy Doc, for supported languages
    published_date: dt.date | None = None
    # Filled by later stages, read by the ones after them.
    mentions: list[Any] = field(default_factory=list)  # actors: linked mentions
    times: list[Any] = field(default_factory=list)  # when: temporal expressions
    places: list[Any] = field(default_factory=list)  # where: located places
    quote_spans: list[Any] = field(default_factory=list)  # quotes: spans with speakers
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Stage:
    """A step of the line: `run` reads `requires` and adds `assigns` to an Analysis.
    `run_batch`, when given, processes many analyses at once (spaCy's nlp.pipe)."""

    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    run: Callable[[Analysis], None] | None = None
    run_batch: Callable[[list[Analysis]], None] | None = None

    def __call__(self, analyses: list[Analysis]) -> None:
        if self.run_batch is not None:
            self.run_batch(analyses)
        elif self.run is not None:
            for a in analyses:
                self.run(a)


def check_order(stages: list[Stage], initial: tuple[str, ...] = ("raw",)) -> None:
    """Raise ValueError unless every stage's requirements are assigned before it."""
    have = set(initial)
    for stage in stages:
        missing = [r for r in stage.requires if r not in have]
        if missing:
            raise ValueError(f"stage {stage.name!r} requires {missing} before it runs")
        have.update(stage.assigns)


def parse_published(value: str | None, source: str = "--published") -> str | None:
    """ISO form of a publication date given by a user or found in metadata."""
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    m = re.match(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)\S*)?$", value)
    if m:
        try:
            dt.date.fromisoformat(m.group(1))
        except ValueError:
            raise UsageError(source, f"not a valid date: {value!r}") from None
        return value if m.group(2) else m.group(1)
    import dateparser

    parsed = dateparser.parse(value, settings={"RETURN_AS_TIMEZONE_AWARE": False})
    if parsed is None:
        raise UsageError(source, f"not a date: {value!r} (expected YYYY-MM-DD)")
    return parsed.date().isoformat()


def _extract(a: Analysis) -> None:
    raw = a.raw
    ex = extract_mod.extract(raw)
    try:
        published = parse_published(ex.published, raw.source)
    except UsageError:
        published = None  # unparseable page metadata is not the user's error
        ex.warnings.append(f"unreadable publication date {ex.published!r}")
    a.article = Article(
        id=article_id(ex.text, raw.url),
        text=ex.text,
        url=raw.url,
        outlet=ex.outlet,
        title=ex.title,
        author=ex.author,
        published=published,
        captions=ex.captions,
        pull_quotes=[Span(s, e, ex.text[s:e]) for s, e in ex.pull_quotes],
        warnings=ex.warnings,
    )
    a.published_date = dt.date.fromisoformat(published[:10]) if published else None


def _language(a: Analysis) -> None:
    art = a.article
    assert art is not None
    lang = a.raw.language or language_mod.detect(art.text)
    art.language = lang
    if lang is None:
        art.warnings.append("language could not be identified; no analysis done")
    elif not nlp_mod.supported(lang):
        art.warnings.append(
            f"language {lang!r} is not supported (supported: {', '.join(sorted(nlp_mod.MODELS))}); "
            "no analysis done"
        )


def _nlp_batch(analyses: list[Analysis], batch_size: int = 16) -> None:
    by_lang: dict[str, list[Analysis]] = {}
    for a in analyses:
        if a.article is not None and nlp_mod.supported(a.article.language):
            by_lang.setdefault(a.article.language or "", []).append(a)
    for lang, group in by_lang.items():
        nlp = nlp_mod.load(lang)
        docs = nlp.pipe((a.article.text for a in group if a.article), batch_size=batch_size)
        for a, doc in zip(group, docs, strict=True):
            a.doc = doc


EXTRACT = Stage("extract", ("raw",), ("article", "text", "published"), run=_extract)
LANGUAGE = Stage("language", ("text",), ("language",), run=_language)
NLP = Stage("nlp", ("text", "language"), ("doc",), run_batch=_nlp_batch)


def default_stages() -> list[Stage]:
    """The fixed line of DESIGN.md, as far as it is built."""
    stages = [EXTRACT, LANGUAGE, NLP]
    for factory in _LATER_STAGES:
        stages.append(factory())
    return stages


# Stages after nlp register here, in pipeline order (each module exposes `stage()`).
_LATER_STAGES: list[Callable[[], Stage]] = []


def _register_later_stages() -> None:
    from importlib import import_module

    for module in ("actors", "when", "where", "quotes", "events"):
        try:
            mod = import_module(f"{__package__}.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.{module}":
                raise
            continue
        factory = getattr(mod, "stage", None)
        if factory is not None:  # a package still being built has no stage yet
            _LATER_STAGES.append(factory)


_register_later_stages()


class Pipeline:
    """Loads each language's models once, on first use; analyses one or many documents."""

    def __init__(self, stages: list[Stage] | None = None, batch_size: int = 16) -> None:
        self.stages = stages or default_stages()
        check_order(self.stages)
        self.batch_size = batch_size

    def analyze(
        self,
        document: RawDocument | str,
        *,
        published: str | None = None,
        lang: str | None = None,
    ) -> Article:
        """One document (a RawDocument, or a text) to one record; TocsinError if unreadable."""
        raw = _as_raw(document, published, lang)
        result = next(iter(self.pipe([raw], return_errors=True)))
        if isinstance(result, TocsinError):
            raise result
        return result

    def pipe(
        self,
        documents: Iterable[RawDocument | str],
        *,
        published: str | None = None,
        lang: str | None = None,
        return_errors: bool = False,
    ) -> Iterator[Any]:
        """Records for many documents, in order, analysed in batches. With
        `return_errors`, a document that fails yields its TocsinError instead."""
        batch: list[RawDocument] = []
        for doc in documents:
            batch.append(_as_raw(doc, published, lang))
            if len(batch) >= self.batch_size:
                yield from self._run_batch(batch, return_errors)
                batch = []
        if batch:
            yield from self._run_batch(batch, return_errors)

    def _run_batch(self, raws: list[RawDocument], return_errors: bool) -> Iterator[Any]:
        alive: list[Analysis] = []
        failed: dict[int, TocsinError] = {}
        analyses = [Analysis(raw=r) for r in raws]
        for stage in self.stages:
            alive = [a for i, a in enumerate(analyses) if i not in failed]
            if stage.run_batch is not None:
                stage(alive)
                continue
            for i, a in enumerate(analyses):
                if i in failed:
                    continue
                if stage.name not in ("extract", "language") and a.doc is None:
                    continue  # unsupported language: the record stays without analyses
                try:
                    stage.run(a)  # type: ignore[misc]
                except TocsinError as exc:
                    failed[i] = exc
                except RecursionError:
                    failed[i] = InputError(a.raw.source, "too deeply nested to analyse")
                except Exception as exc:  # noqa: BLE001 - one bad document must not stop a batch
                    failed[i] = AnalysisError(
                        a.raw.source,
                        f"analysis failed in stage {stage.name!r} ({type(exc).__name__}: {exc})",
                    )
                    failed[i].__cause__ = exc
        for i, a in enumerate(analyses):
            if i in failed:
                if not return_errors:
                    raise failed[i]
                yield failed[i]
            else:
                yield a.article


def _as_raw(document: RawDocument | str, published: str | None, lang: str | None) -> RawDocument:
    raw = (
        document
        if isinstance(document, RawDocument)
        else RawDocument(source="<text>", text=document, html=False)
    )
    if published:
        raw.published = parse_published(published)
    if lang:
        raw.language = lang.lower()
    return raw
