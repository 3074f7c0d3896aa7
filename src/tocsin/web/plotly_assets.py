"""plotly.js as installed with the plotly Python package: the bundle, and its CSS.

plotly.js inserts its stylesheet into a <style> element when it loads, which a
Content-Security-Policy without 'unsafe-inline' for styles forbids. It skips that
when the page already holds an element with id `plotly.js-style-global` and class
`no-inline-styles`, so the page links this CSS, extracted from the bundle's own
rule table, under that id; the styles stay those of the installed version.

The bundled maplibre (map traces) injects its own <style>, unless an element with
its id exists: that CSS is extracted too and linked under that id (`extra_styles`).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

# The rule table: {"X .modebar": "...", Y: "..."}; X and Y are replaced by these selectors.
_MARKER = '.replace(/X/g,".js-plotly-plot .plotly").replace(/Y/g,".plotly-notifier")'
_SELECTORS = {"X": ".js-plotly-plot .plotly", "Y": ".plotly-notifier"}


def bundle_path() -> Path:
    """The installed plotly.min.js."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise FileNotFoundError(f"plotly.min.js is not in the plotly package at {path}")
    return path


def _js_string(src: str, i: int) -> tuple[str, int]:
    """The JS string literal starting at src[i] (a quote), and the index after it."""
    quote = src[i]
    j = i + 1
    out = []
    while src[j] != quote:
        if src[j] == "\\":
            out.append(src[j : j + 2])
            j += 2
        else:
            out.append(src[j])
            j += 1
    body = "".join(out)
    if quote == "'":
        body = body.replace("\\'", "'").replace('"', '\\"')
    return json.loads(f'"{body}"'), j + 1


def _parse_table(src: str, start: int) -> dict[str, str]:
    """Parse the object literal {key: "value", ...} at src[start] == '{'."""
    rules: dict[str, str] = {}
    i = start + 1
    while src[i] != "}":
        if src[i] in "\"'":
            key, i = _js_string(src, i)
        else:
            m = re.compile(r"[A-Za-z_$][\w$]*").match(src, i)
            if not m:
                raise ValueError(f"unexpected {src[i : i + 20]!r} in plotly's style table")
            key, i = m.group(0), m.end()
        if src[i] != ":":
            raise ValueError("expected ':' in plotly's style table")
        value, i = _js_string(src, i + 1)
        rules[key] = value
        if src[i] == ",":
            i += 1
    return rules


_INJECTED = re.compile(
    r'document\.getElementById\("([\w-]+)"\)\)\{var (\w)=document\.createElement\("style"\);'
    r'\2\.id="\1",\2\.textContent='
)


@cache
def extra_styles() -> dict[str, str]:
    """Stylesheets the bundle would inject as <style id=...> elements: {id: css}."""
    src = bundle_path().read_text("utf-8")
    found: dict[str, str] = {}
    for m in _INJECTED.finditer(src):
        try:
            css, _ = _js_string(src, m.end())
        except (IndexError, json.JSONDecodeError):
            continue
        found[m.group(1)] = css
    return found


@cache
def stylesheet() -> str:
    """plotly.js's own CSS rules, as a stylesheet ('' if the bundle's layout is unknown)."""
    src = bundle_path().read_text("utf-8")
    at = src.find(_MARKER)
    if at < 0:
        return ""
    # ...for(k in TABLE)R=k.replace(...): find TABLE's name, then its definition before.
    loops = list(re.compile(r"for\((\w+) in (\w+)\)").finditer(src, max(0, at - 200), at))
    if not loops:
        return ""
    loop = loops[-1]
    definition = src.rfind(f"{loop.group(2)}={{", 0, loop.start())
    if definition < 0:
        return ""
    try:
        table = _parse_table(src, definition + len(loop.group(2)) + 1)
    except (ValueError, IndexError, json.JSONDecodeError):
        return ""
    lines = [f"/* extracted from {bundle_path().name} of the installed plotly package */"]
    for key, body in table.items():
        selector = re.sub(r"[XY]", lambda m: _SELECTORS[m.group(0)], key).replace(",", ", ")
        lines.append(f"{selector} {{{body}}}")
    return "\n".join(lines) + "\n"
