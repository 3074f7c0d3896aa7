"""Alert rules: loaded from YAML (src/tocsin/data/alerts.yaml by default), validated at
load with the file and line of each mistake, and evaluated over the weighed events of
tocsin.monitor.index into candidate alerts, each with its evidence.

Kinds:
  first_signal  the first nuclear signal of a type (rhetoric, doctrine...) for a pair
  surge         a pair's 7-day conflict index above its 90-day baseline by k std devs
  capability    a new capability signal: nuclear-capable systems moved, deployed, modified
  wmd_threat    a threat of WMD use (CAMEO 1385, or root 13 and nuclear) by a state actor
"""

from __future__ import annotations

import hashlib
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataFileError, InputError
from ..record import MODALITIES, SIGNALS
from . import index

DEFAULT_RULES = Path(__file__).resolve().parent.parent / "data" / "alerts.yaml"
KINDS = ("first_signal", "surge", "capability", "wmd_threat")
SEVERITIES = ("info", "warning", "critical")
MAX_EVIDENCE = 25

# Options every rule takes, then those of each kind, with their types and defaults.
_COMMON: dict[str, tuple[type | tuple[type, ...], Any]] = {
    "name": (str, None),
    "kind": (str, None),
    "description": (str, ""),
    "severity": (str, "warning"),
    "level": (str, "country"),
    "modalities": (list, None),
    "include_speculative": (bool, False),
    "pairs": (list, None),
}
_KIND_OPTIONS: dict[str, dict[str, tuple[type | tuple[type, ...], Any]]] = {
    "first_signal": {"signals": (list, list(SIGNALS))},
    "surge": {
        "window_days": (int, 7),
        "baseline_days": (int, 90),
        "k": ((int, float), 3.0),
        "min_baseline_days": (int, 30),
        "min_index": ((int, float), 20.0),
    },
    "capability": {},
    "wmd_threat": {
        "cameo": (list, ["1385"]),
        "nuclear_root": (str, "13"),
        "state_roles": (list, ["GOV", "MIL"]),
    },
}
_DEFAULT_MODALITIES = {
    "first_signal": ["asserted", "alleged", "future"],
    "surge": list(MODALITIES),  # the index already weighs modality
    "capability": ["asserted", "alleged", "future"],
    "wmd_threat": ["asserted", "alleged"],
}


@dataclass
class Rule:
    name: str
    kind: str
    severity: str = "warning"
    level: str = "country"
    description: str = ""
    modalities: list[str] = field(default_factory=list)
    include_speculative: bool = False
    pairs: list[str] | None = None
    options: dict[str, Any] = field(default_factory=dict)
    where: str = ""  # file:line, for messages

    def admits(self, row: dict[str, Any]) -> bool:
        if row["modality"] not in self.modalities:
            return False
        if row["speculative"] and not self.include_speculative:
            return False
        return self.pairs is None or row["pair"] in self.pairs


# -- loading -------------------------------------------------------------------------------


class _Map(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers its line and the line of each key."""

    line = 0
    key_lines: dict[Any, int]


def _loader(source: str) -> type:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> _Map:
        loader.flatten_mapping(node)
        out = _Map()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in out:
                raise DataFileError(f"{source}:{line}", f"{key!r} is given twice")
            out[key] = loader.construct_object(value_node, deep=True)
            out.key_lines[key] = line
        return out

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    return Loader


def load_rules(path: str | Path | None = None) -> list[Rule]:
    """The rules of a YAML file (the shipped defaults when None); DataFileError naming
    file and line for anything malformed."""
    import yaml

    path = Path(path) if path is not None else DEFAULT_RULES
    source = str(path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise InputError(source, "no such rules file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(source, f"cannot read the rules file ({exc})") from None
    try:
        doc = yaml.load(text, Loader=_loader(source))  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise DataFileError(f"{source}{line}", f"not valid YAML ({exc.problem or exc})") from None
    except yaml.YAMLError as exc:
        raise DataFileError(source, f"not valid YAML ({exc})") from None
    if not isinstance(doc, _Map) or not isinstance(doc.get("rules"), list):
        raise DataFileError(f"{source}:1", "expected a mapping with a `rules:` list")
    unknown = [k for k in doc if k != "rules"]
    if unknown:
        raise DataFileError(
            f"{source}:{doc.key_lines[unknown[0]]}", f"unknown key {unknown[0]!r} (only `rules:`)"
        )
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for i, item in enumerate(doc["rules"], 1):
        if not isinstance(item, _Map):
            raise DataFileError(f"{source}:{doc.key_lines['rules']}", f"rule {i} is not a mapping")
        rule = _rule(item, source)
        if rule.name in seen:
            raise DataFileError(
                rule.where, f"rule name {rule.name!r} already used at {seen[rule.name]}"
            )
        seen[rule.name] = rule.where
        rules.append(rule)
    return rules


def _rule(item: _Map, source: str) -> Rule:
    where = f"{source}:{item.line}"

    def at(key: str) -> str:
        return f"{source}:{item.key_lines.get(key, item.line)}"

    for key in ("name", "kind"):
        if key not in item:
            raise DataFileError(where, f"a rule needs a `{key}`")
    kind = item["kind"]
    if kind not in KINDS:
        raise DataFileError(
            at("kind"), f"unknown rule kind {kind!r} (expected one of {', '.join(KINDS)})"
        )
    allowed = {**_COMMON, **_KIND_OPTIONS[kind]}
    values: dict[str, Any] = {}
    for key, value in item.items():
        if key not in allowed:
            raise DataFileError(
                at(key),
                f"unknown option {key!r} for a {kind} rule (known: {', '.join(sorted(allowed))})",
            )
        expected = allowed[key][0]
        if isinstance(value, bool) and expected is not bool or not isinstance(value, expected):
            names = expected.__name__ if isinstance(expected, type) else "number"
            raise DataFileError(at(key), f"`{key}` must be a {names}, got {value!r}")
        values[key] = value
    for key, (_, default) in allowed.items():
        values.setdefault(key, default)

    def choose(key: str, options: tuple[str, ...] | list[str]) -> None:
        bad = [v for v in values[key] if v not in options]
        if bad:
            raise DataFileError(
                at(key), f"unknown {key} {bad[0]!r} (expected {', '.join(options)})"
            )

    if values["severity"] not in SEVERITIES:
        raise DataFileError(at("severity"), f"severity must be one of {', '.join(SEVERITIES)}")
    if values["level"] not in index.LEVELS:
        raise DataFileError(at("level"), "level must be country or actor")
    if values["modalities"] is None:
        values["modalities"] = list(_DEFAULT_MODALITIES[kind])
    choose("modalities", MODALITIES)
    if values["pairs"] is not None:
        try:
            values["pairs"] = [index.parse_pair(str(p)) for p in values["pairs"]]
        except Exception as exc:  # noqa: BLE001 - reworded with the file and line
            raise DataFileError(at("pairs"), getattr(exc, "reason", str(exc))) from None
    if kind == "first_signal":
        choose("signals", SIGNALS)
    if kind == "surge":
        for key in ("window_days", "baseline_days", "min_baseline_days"):
            if values[key] < 1:
                raise DataFileError(at(key), f"`{key}` must be at least 1")
        if values["min_baseline_days"] > values["baseline_days"]:
            raise DataFileError(
                at("min_baseline_days"), "`min_baseline_days` cannot exceed `baseline_days`"
            )
        if values["k"] <= 0:
            raise DataFileError(at("k"), "`k` must be positive")
    if kind == "wmd_threat":
        values["cameo"] = [str(c) for c in values["cameo"]]
        if not all(c.isdigit() for c in values["cameo"]):
            raise DataFileError(at("cameo"), "`cameo` lists CAMEO codes such as 1385")
    common = {k: values.pop(k) for k in list(values) if k in _COMMON}
    return Rule(
        name=str(common["name"]),
        kind=kind,
        severity=common["severity"],
        level=common["level"],
        description=common["description"],
        modalities=common["modalities"],
        include_speculative=common["include_speculative"],
        pairs=common["pairs"],
        options=values,
        where=where,
    )


# -- evaluating ----------------------------------------------------------------------------


def alert_id(rule: Rule, pair: str, key: str) -> str:
    """Stable: the same rule, pair and key (a signal, an event, an episode) give one id."""
    basis = f"{rule.name}|{rule.level}|{pair}|{key}"
    return "alr_" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:24]


def _alert(
    rule: Rule,
    pair: str,
    day: str,
    key: str,
    title: str,
    rows: list[dict[str, Any]],
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    ranked = sorted(rows, key=lambda r: (-r["conflict"], -r["base"], r["day"], r["seq"], r["id"]))
    evidence = [index.evidence_of(r) for r in ranked[:MAX_EVIDENCE]]
    return {
        "id": alert_id(rule, pair, key),
        "rule": rule.name,
        "kind": rule.kind,
        "severity": rule.severity,
        "level": rule.level,
        "pair": pair,
        "day": day,
        "key": key,
        "title": title,
        "details": {**(details or {}), "events_total": len(rows)},
        "evidence": evidence,
    }


def evaluate(
    rules: list[Rule], rows_by_level: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Candidate alerts of every rule (already stored ones included: the store keeps
    the new ones). `rows_by_level` holds index.load() rows for each level used."""
    out: list[dict[str, Any]] = []
    for rule in rules:
        rows = rows_by_level[rule.level]
        out.extend(_EVALUATORS[rule.kind](rule, rows))
    return out


def _first_signal(rule: Rule, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    firsts: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:  # rows come in day order: the first day seen is the first day
        signal = str(row.get("signal"))
        if not row.get("nuclear") or signal not in rule.options["signals"] or not rule.admits(row):
            continue
        group = firsts.setdefault((row["pair"], signal), [])
        if not group or group[0]["day"] == row["day"]:
            group.append(row)
    return [
        _alert(
            rule,
            pair,
            group[0]["day"],
            signal,
            f"First nuclear {signal} signal for {pair}",
            group,
            {"signal": signal},
        )
        for (pair, signal), group in sorted(firsts.items())
    ]


def _per_event(rule: Rule, rows: list[dict[str, Any]], what: str) -> list[dict[str, Any]]:
    """One alert per distinct event (event_key), with every report of it as evidence."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(row["pair"], row["event_key"])].append(row)
    return [
        _alert(
            rule,
            pair,
            group[0]["day"],
            key,
            f"{what}: {pair}",
            group,
            {"cameo": group[0]["cameo"], "signal": group[0].get("signal")},
        )
        for (pair, key), group in sorted(groups.items())
    ]


def _capability(rule: Rule, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    hits = [
        r for r in rows if r.get("nuclear") and r.get("signal") == "capability" and rule.admits(r)
    ]
    return _per_event(rule, hits, "Nuclear capability signal")


def _wmd_threat(rule: Rule, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    opts = rule.options
    roles = set(opts["state_roles"])

    def by_state(r: dict[str, Any]) -> bool:
        return index.is_state(
            r.get("source_country"), r.get("source_code"), r.get("source_role"), roles
        )

    def threat(r: dict[str, Any]) -> bool:
        cameo = str(r.get("cameo") or "")
        return any(cameo.startswith(c) for c in opts["cameo"]) or (
            r.get("root") == opts["nuclear_root"] and bool(r.get("nuclear"))
        )

    hits = [r for r in rows if threat(r) and by_state(r) and rule.admits(r)]
    return _per_event(rule, hits, "Threat of WMD use by a state actor")


def _surge(rule: Rule, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    opts = rule.options
    window, span = opts["window_days"], opts["baseline_days"]
    by_pair: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if index.UNKNOWN not in row["pair"].split("-") and rule.admits(row):
            by_pair[row["pair"]].append(row)
    out = []
    for pair, pair_rows in sorted(by_pair.items()):
        days = index.daily(pair_rows)[pair]
        conflict = {d: f["conflict_index"] for d, f in days.items()}
        first = min(days)
        episode_end: str | None = None
        for day in sorted(days):
            current = index.trailing_sum(conflict, day, window)
            start = max(index.shift(day, -(window + span - 1)), first)
            end = index.shift(day, -window)
            if end < start or _days_between(start, end) + 1 < opts["min_baseline_days"]:
                continue
            sample = [
                index.trailing_sum(conflict, index.shift(end, -i), window)
                for i in range(_days_between(start, end) + 1)
            ]
            mean, std = statistics.fmean(sample), statistics.pstdev(sample)
            threshold = mean + opts["k"] * std
            if not (current > threshold and current >= opts["min_index"]):
                continue
            if episode_end is not None and day <= episode_end:
                episode_end = index.shift(day, window - 1)
                continue  # the same surge, still going: already alerted at its start
            episode_end = index.shift(day, window - 1)
            lo = index.shift(day, -(window - 1))
            evidence = [r for r in pair_rows if lo <= r["day"] <= day and r["conflict"] > 0]
            details = {
                "window": [lo, day],
                "index_7d": round(current, 3),
                "baseline_mean": round(mean, 3),
                "baseline_std": round(std, 3),
                "k": opts["k"],
                "threshold": round(threshold, 3),
                "baseline_days": len(sample),
            }
            title = (
                f"Conflict surge {pair}: {window}-day index {current:.1f} above baseline "
                f"{mean:.1f} + {opts['k']:g}×{std:.1f}"
            )
            out.append(_alert(rule, pair, day, f"surge:{day}", title, evidence, details))
    return out


def _days_between(a: str, b: str) -> int:
    import datetime as dt

    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


_EVALUATORS = {
    "first_signal": _first_signal,
    "surge": _surge,
    "capability": _capability,
    "wmd_threat": _wmd_threat,
}
