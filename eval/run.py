"""`make eval`: score the pipeline on the gold sets; print precision, recall, F1 per task.

    python -m eval.run            # print the table, write eval/results/latest.json
    python -m eval.run --check    # also fail (exit 1) when a figure is below its floor
                                  # in eval/baseline.json (the quality gate of `make test`)

Each task lives in eval/tasks/<task>.py and exposes `score(corpus) -> list[Score]`;
a task whose pipeline stage is not built yet reports n/a.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time

from .common import GOLD, ROOT, Score, load_corpus

TASKS = ("quotes", "entities", "dates", "events")
BASELINE = ROOT / "eval" / "baseline.json"
RESULTS = ROOT / "eval" / "results" / "latest.json"


def run_tasks(tasks: tuple[str, ...] = TASKS) -> list[Score]:
    corpus = load_corpus()
    scores: list[Score] = []
    for task in tasks:
        try:
            module = importlib.import_module(f"eval.tasks.{task}")
        except ModuleNotFoundError as exc:
            if exc.name != f"eval.tasks.{task}":
                raise
            scores.append(Score(task, "all", available=False, note="task not built yet"))
            continue
        scores.extend(module.score(corpus))
    return scores


def _fmt(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:5.3f}"


def print_table(scores: list[Score]) -> None:
    print(f"{'task':<28} {'dataset':<26} {'P':>5} {'R':>5} {'F1':>5}   {'n':>5}  note")
    for s in scores:
        if not s.available:
            print(
                f"{s.task:<28} {s.dataset:<26} {'n/a':>5} {'n/a':>5} {'n/a':>5}   {'':>5}  {s.note}"
            )
            continue
        n = s.tp + s.fn
        extra = "  ".join(f"{k}={v:.3f}" for k, v in s.extra.items())
        print(
            f"{s.task:<28} {s.dataset:<26} {_fmt(s.precision)} {_fmt(s.recall)} {_fmt(s.f1)}   {n:>5}  {extra} {s.note}".rstrip()
        )


def check_floors(scores: list[Score]) -> list[str]:
    """Figures below their floors in eval/baseline.json."""
    if not BASELINE.exists():
        return []
    baseline = json.loads(BASELINE.read_text("utf-8"))
    floors = baseline.get("floors", {})
    ceilings = baseline.get("ceilings", {})
    current = {}
    for s in scores:
        d = s.as_dict()
        for metric in ("precision", "recall", "f1", *s.extra):
            current[f"{s.key()}/{metric}"] = d.get(metric)
    failures = []
    for key, floor in floors.items():
        value = current.get(key)
        if value is None:
            failures.append(f"{key}: missing (floor {floor})")
        elif value + 1e-9 < floor:
            failures.append(f"{key}: {value:.4f} < floor {floor:.4f}")
    for key, ceiling in ceilings.items():  # counts of errors: may only fall
        value = current.get(key)
        if value is None:
            failures.append(f"{key}: missing (ceiling {ceiling})")
        elif value > ceiling + 1e-9:
            failures.append(f"{key}: {value:.4f} > ceiling {ceiling:.4f}")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.run", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when a figure drops below its floor"
    )
    parser.add_argument("--task", action="append", choices=TASKS, help="run only these tasks")
    args = parser.parse_args(argv)
    started = time.time()
    scores = run_tasks(tuple(args.task) if args.task else TASKS)
    print_table(scores)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "gold": str(GOLD.relative_to(ROOT)),
                "seconds": round(time.time() - started, 1),
                "scores": [s.as_dict() for s in scores],
            },
            indent=2,
        )
        + "\n",
        "utf-8",
    )
    if args.check:
        failures = check_floors(scores)
        for f in failures:
            print(f"below floor: {f}", file=sys.stderr)
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
