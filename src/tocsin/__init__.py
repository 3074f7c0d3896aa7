"""tocsin: reads conflict news the way a careful analyst does.

    from tocsin import Pipeline
    record = Pipeline().analyze(text, published="2022-10-10")

Heavy parts (spaCy, SQLAlchemy...) load on first use.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Pipeline", "analyze", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "Pipeline":
        from .pipeline import Pipeline

        return Pipeline
    raise AttributeError(name)


def analyze(text: str, *, published: str | None = None, lang: str | None = None) -> Any:
    """Analyse one article's text with a shared Pipeline; returns its Article record."""
    global _shared
    from .pipeline import Pipeline

    if _shared is None:
        _shared = Pipeline()
    return _shared.analyze(text, published=published, lang=lang)


_shared: Any = None
