"""The stages declare what they need and add; the fixed line satisfies them."""

from __future__ import annotations

import pytest

from tocsin.pipeline import Stage, check_order, default_stages


def test_default_line_is_consistent():
    stages = default_stages()
    check_order(stages)
    names = [s.name for s in stages]
    assert names[:3] == ["extract", "language", "nlp"]


def test_a_stage_out_of_order_is_refused():
    stages = default_stages()
    with pytest.raises(ValueError, match="requires"):
        check_order(list(reversed(stages)))


def test_a_requirement_nobody_assigns_is_refused():
    bogus = Stage("bogus", requires=("telepathy",), assigns=(), run=lambda a: None)
    with pytest.raises(ValueError, match="telepathy"):
        check_order([*default_stages(), bogus])


def test_models_load_once(pipe):
    from tocsin import nlp

    pipe.analyze("La Russie a promis des missiles à la Biélorussie samedi, selon Minsk.")
    first = nlp.load("fr")
    pipe.analyze("Moscou a démenti toute implication dans l'attaque contre le pont.")
    assert nlp.load("fr") is first
    assert set(first.pipe_names) - {"tocsin_paragraphs"} <= nlp.USED


def test_a_stage_that_crashes_fails_its_document_not_the_batch():
    from tocsin.errors import AnalysisError
    from tocsin.pipeline import Pipeline

    def boom(a):
        if "boom" in a.article.text:
            raise ValueError("a bug")

    stages = [*default_stages()[:3], Stage("boom", requires=("doc",), assigns=(), run=boom)]
    results = list(
        Pipeline(stages).pipe(
            [
                "Le ministre a dit boom devant la presse à Paris mardi.",
                "Un autre texte, sans souci, sur la guerre et la paix en Europe.",
            ],
            return_errors=True,
        )
    )
    assert isinstance(results[0], AnalysisError) and "ValueError" in results[0].reason
    assert results[1].text.startswith("Un autre texte") and results[1].language == "fr"
