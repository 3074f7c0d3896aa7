"""A pair's series drawn to a PNG (matplotlib, Agg: no display needed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError


def _dense(rows: list[dict[str, Any]], key: str, days: list[dt.date]) -> list[float]:
    # The series hold days with events only; the chart needs the quiet days as zeros.
    by_day = {r["day"]: float(r[key]) for r in rows}
    return [by_day.get(d.isoformat(), 0.0) for d in days]


def plot_series(rows: list[dict[str, Any]], pair: str, out: str | Path) -> Path:
    """Draw conflict_index (bars), its 7-day sum (line), speculation_index (bars, apart)
    and the days with nuclear signals (marks) for one pair; return the file written."""
    if not rows:
        raise UsageError("--pair", f"no events for {pair} in this period: nothing to plot")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    first = dt.date.fromisoformat(min(r["day"] for r in rows))
    last = dt.date.fromisoformat(max(r["day"] for r in rows))
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    conflict = _dense(rows, "conflict_index", days)
    speculation = _dense(rows, "speculation_index", days)
    week = [sum(conflict[max(0, i - 6) : i + 1]) for i in range(len(days))]
    nuclear_days = [dt.date.fromisoformat(r["day"]) for r in rows if r.get("nuclear")]

    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(10, 5.5), height_ratios=[3, 2])
    width = 0.8 if len(days) < 400 else 1.0
    top.bar(days, conflict, width=width, color="#b2182b", alpha=0.55, label="conflict index (day)")
    top.plot(days, week, color="#67001f", linewidth=1.4, label="conflict index, 7 days")
    if nuclear_days:
        peak = max(max(week), 1.0)
        top.scatter(
            nuclear_days,
            [peak * 1.05] * len(nuclear_days),
            marker="v",
            color="black",
            s=24,
            label="nuclear signal",
            zorder=3,
        )
    top.set_ylabel("conflict")
    top.legend(loc="upper left", fontsize=8, frameon=False)
    top.set_title(f"{pair}: escalation index and speculation, {first} to {last}")
    bottom.bar(
        days, speculation, width=width, color="#2166ac", alpha=0.7, label="speculation index (day)"
    )
    bottom.set_ylabel("speculation")
    bottom.legend(loc="upper left", fontsize=8, frameon=False)
    locator = mdates.AutoDateLocator()
    bottom.xaxis.set_major_locator(locator)
    bottom.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    for ax in (top, bottom):
        ax.grid(axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    path = Path(out)
    try:
        fig.savefig(path, dpi=110, format="png")
    except OSError as exc:
        raise InputError(str(path), f"cannot write the plot ({exc.strerror or exc})") from None
    finally:
        plt.close(fig)
    return path
