"""The errors tocsin raises. The CLI catches them once and prints one line each."""

from __future__ import annotations


class TocsinError(Exception):
    """Base of every error a user can act on; `source` names the input concerned."""

    exit_code = 1

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class InputError(TocsinError):
    """The input cannot be read or holds no article (missing, binary, empty, too large...)."""


class FetchError(InputError):
    """A URL could not be fetched, or was refused by the fetch guard."""


class UsageError(TocsinError):
    """The command was called wrongly (bad option value, unknown language code...)."""

    exit_code = 2


class StoreError(TocsinError):
    """The database cannot be opened, migrated or written (names the database URL)."""


class NotFoundError(TocsinError):
    """A requested record (article, cluster) is not in the database."""


class AnalysisError(TocsinError):
    """A stage failed on one document (a bug, reported with the document named so the
    rest of a batch carries on; --debug shows the cause)."""


class DataFileError(TocsinError):
    """A packaged data file (lexicon, gazetteer) is malformed; names file and line."""


class Skip(Exception):
    """A document deliberately not analysed, with the reason (counted, never silent)."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
