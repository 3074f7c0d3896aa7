"""The quality gate: `make eval` figures may not drop below eval/baseline.json's floors."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ROOT


def test_floors_are_well_formed():
    data = json.loads((ROOT / "eval" / "baseline.json").read_text("utf-8"))
    assert data["floors"], "the gate has no floors"
    for key, floor in data["floors"].items():
        task, dataset, metric = key.split("/")
        assert task in ("quotes", "entities", "dates", "events") and dataset and metric
        assert 0.0 <= floor <= 1.0
    for key, ceiling in data.get("ceilings", {}).items():
        assert key.count("/") == 2 and ceiling >= 0


def test_eval_figures_hold_their_floors():
    proc = subprocess.run(
        [sys.executable, "-m", "eval.run", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "quotes" in proc.stdout and "events" in proc.stdout and "entities" in proc.stdout
