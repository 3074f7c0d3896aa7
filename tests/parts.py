"""When a real part of the test bed is missing."""

from __future__ import annotations

import os

import pytest


def real_part_unavailable(reason: str) -> None:
    """A real part of the test bed (PostgreSQL, chromium) could not be installed or
    started: a failure, since `make test` promises real parts. Developers without root
    may set TOCSIN_TESTS_WITHOUT_MISSING_PARTS=1 to skip those tests instead, knowingly."""
    if os.environ.get("TOCSIN_TESTS_WITHOUT_MISSING_PARTS") == "1":
        pytest.skip(f"{reason} (TOCSIN_TESTS_WITHOUT_MISSING_PARTS=1)")
    pytest.fail(f"{reason}; set TOCSIN_TESTS_WITHOUT_MISSING_PARTS=1 to skip these tests")
