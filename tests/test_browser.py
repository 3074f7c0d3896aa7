"""The dashboard in a real browser: Debian's chromium driven by Playwright, against the
real server (uvicorn) on a free 127.0.0.1 port, over a database of the examples.

Every page visited must raise no console error, no uncaught exception, no CSP
violation and no dialog. Screenshots land in artifacts/ (gitignored)."""

from __future__ import annotations

import re

import pytest

from .browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    LiveServer,
    article_id_of,
    copy_db,
    ensure_chromium,
    examples_db,
)
from .parts import real_part_unavailable

pytestmark = pytest.mark.browser

# Recorded by the page itself: init scripts run outside the page's CSP.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture(scope="module")
def chromium():
    reason = ensure_chromium()
    if reason:
        real_part_unavailable(reason)
    return CHROMIUM


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    source = examples_db(tmp_path_factory.getbasetemp() / "web-examples")
    return copy_db(source, tmp_path_factory.mktemp("browser") / "examples.db")


@pytest.fixture(scope="module")
def server(db_path):
    from tocsin.web.app import create_app, hosts_for

    app = create_app(f"sqlite:///{db_path}", allowed_hosts=hosts_for("127.0.0.1"))
    with LiveServer(app) as live:
        yield live


@pytest.fixture(scope="module")
def context(chromium, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        ctx.add_init_script(WATCH_CSP)
        yield ctx
        ctx.close()


class Watched:
    """A page with its console errors, uncaught errors and dialogs recorded."""

    def __init__(self, page, base: str) -> None:
        self.page, self.base = page, base
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on(
            "console",
            lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        self.page.wait_for_load_state("networkidle")
        self.check()

    def check(self) -> None:
        violations = self.page.evaluate("window.__csp || []")
        assert not violations, f"CSP violations: {violations}"
        assert not self.errors, self.errors
        assert not self.dialogs, f"a dialog fired: {self.dialogs}"

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"browser-{name}.png"), full_page=True)


@pytest.fixture
def watched(context, server):
    page = context.new_page()
    w = Watched(page, server.url)
    yield w
    w.check()
    page.close()


def test_overview_draws_its_charts(watched):
    watched.open("/")
    page = watched.page
    page.wait_for_selector("#activity-chart .main-svg", timeout=15_000)
    assert page.locator("#activity-chart[data-rendered=true]").count() == 1
    assert page.locator("#activity-chart .main-svg .bars path").count() > 0
    if page.locator("#timeline-chart").count():
        page.wait_for_selector("#timeline-chart .main-svg .scatterlayer .trace", timeout=15_000)
    assert page.locator("#nuclear").is_visible()
    watched.shot("overview")
    watched.check()


def test_events_filter_form_changes_the_table(watched):
    watched.open("/events")
    page = watched.page
    rows = page.locator("table.events tbody tr")
    before = rows.count()
    assert before > 0
    page.select_option("#event-filters select[name=modality]", "hypothetical")
    page.select_option("#event-filters select[name=nuclear]", "true")
    with page.expect_navigation():
        page.click("#event-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "modality=hypothetical" in page.url and "nuclear=true" in page.url
    after = rows.count()
    assert after != before
    badges = page.locator("table.events tbody tr .badge.mod-hypothetical")
    assert badges.count() == after
    assert page.locator("#event-filters select[name=modality]").input_value() == "hypothetical"
    watched.shot("events-filtered")
    watched.check()


def test_article_highlights_and_event_selection(watched, db_path):
    aid = article_id_of(db_path, "en-04-putin-not-bluffing.txt")
    watched.open(f"/articles/{aid}")
    page = watched.page
    assert page.locator("#article-text .q").count() > 0
    assert page.locator("#article-text [class*=spk-]").count() > 0
    assert page.locator("#article-text mark.trig").count() > 0
    assert page.locator("#article-text .ent").count() > 0
    assert page.locator("#article-text .sent-active").count() == 0
    cards = page.locator(".event-card")
    assert cards.count() > 1
    card = cards.nth(1)
    expected = card.locator(".sentence").inner_text()
    card.click()
    page.wait_for_selector("#article-text .sent-active")
    highlighted = "".join(page.locator("#article-text .sent-active").all_inner_texts())
    assert _words(expected) == _words(highlighted)
    assert page.locator(".event-card.selected").count() == 1
    assert page.locator("#article-text mark.trig-active").count() >= 1
    # Each card reads source → action → target, with its modality badge.
    assert card.locator(".triple .action").inner_text()
    assert card.locator(".badge[class*=mod-]").count() == 1
    watched.shot("article")
    # Clicking a trigger in the text selects its card.
    page.locator("#article-text mark.trig").first.click()
    assert page.locator(".event-card.selected").count() == 1
    watched.check()


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_hostile_article_shows_its_code_as_text(watched, db_path):
    aid = article_id_of(db_path, "en-06-kharkiv-hack.html")
    watched.open(f"/articles/{aid}")
    page = watched.page
    text = page.locator("#article-text").inner_text()
    assert '<script>alert("x")</script>' in text
    assert "<img src=x onerror=alert(1)>" in text
    assert page.locator("#article-text script, #article-text img").count() == 0
    assert page.get_by_text('<script>alert("x")</script>', exact=False).first.is_visible()
    # Give any injected handler its chance: interact with the text, then look again.
    page.locator("#article-text").click()
    page.wait_for_load_state("networkidle")
    assert watched.dialogs == []
    watched.shot("hostile-article")
    watched.check()


def test_pair_page_chart_and_links(watched, server):
    import httpx

    pairs = httpx.get(server.url + "/api/pairs", trust_env=False).json()
    watched.open(f"/pairs/{pairs[0]['pair']}")
    page = watched.page
    page.wait_for_selector("#pair-chart .main-svg", timeout=15_000)
    assert page.locator("table.events tbody tr").count() == min(pairs[0]["events"], 50)
    watched.shot("pair")
    watched.check()
