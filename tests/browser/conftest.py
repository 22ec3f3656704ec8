"""Browser tests: the real server (`optimiser serve`) in a subprocess, driven by Playwright on
Debian's Chromium (launched by path; `scripts/browser-deps.sh`, run by `make test`, installs it
when missing). Every page visited is checked with axe-core (vendored beside these tests) and
screenshotted to out/screenshots/; every request must go to the test server's own address.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from api.local import ROOT, free_port, start_server

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SCREENSHOTS = ROOT / "out" / "screenshots"
KEY_A, KEY_B = "browser-key-a", "browser-key-b"
LAUNCH_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]


@dataclass
class Visit:
    """A page with its guards: the hosts it asked for, and axe's serious findings."""

    page: Page
    base: str
    hosts: set[str] = field(default_factory=set)
    violations: list[str] = field(default_factory=list)

    def go(self, path: str) -> Page:
        self.page.goto(self.base + path)
        return self.page

    def check(self, name: str) -> None:
        """axe-core on the page as it is now (no serious or critical violation), and a
        full-page screenshot."""
        # through the DevTools protocol, not a <script> tag: the page's CSP stays on
        self.page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
        result: dict[str, Any] = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        for v in result["violations"]:
            if v["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in v["nodes"][:3]]
                self.violations.append(f"{name}: {v['id']} ({v['impact']}) at {targets}")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _serve(tmp: Path, env: dict[str, str]) -> Iterator[Server]:
    port = free_port()
    process = start_server(
        port, {"OPTIMISER_DATA_DIR": str(tmp), "OPTIMISER_WORKERS": "2", **env}, timeout=60
    )
    try:
        yield Server(f"http://127.0.0.1:{port}", process)
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`optimiser serve --local-only`: no sign-in."""
    yield from _serve(tmp_path_factory.mktemp("local"), {"OPTIMISER_LOCAL_ONLY": "true"})


@pytest.fixture(scope="module")
def keyed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with two API keys: sign-in, and scenarios visible only to their own key."""
    yield from _serve(tmp_path_factory.mktemp("keyed"), {"OPTIMISER_API_KEYS": f"{KEY_A},{KEY_B}"})


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, one for the session; Playwright gives the launch a fresh profile
    (--user-data-dir) of its own, and each test a fresh context (no cookies shared)."""
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_FLAGS)
    yield launched
    launched.close()


def _guarded(context: BrowserContext, base: str) -> Visit:
    """A page that aborts, and records, any request to a host other than the server's."""
    page = context.new_page()
    visit = Visit(page, base)
    own = urlsplit(base).netloc

    def route(r: Any) -> None:
        host = urlsplit(r.request.url).netloc
        if r.request.url.startswith(("data:", "blob:")) or host == own:
            r.continue_()
            return
        visit.hosts.add(host)
        r.abort()

    context.route("**/*", route)
    return visit


@pytest.fixture
def visit(browser: Browser, local_server: Server) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    v = _guarded(context, local_server.base)
    yield v
    context.close()
    assert not v.hosts, f"requests to other hosts: {sorted(v.hosts)}"
    assert not v.violations, "\n".join(v.violations)


@pytest.fixture
def keyed(browser: Browser, keyed_server: Server) -> Iterator[tuple[Visit, Visit]]:
    """Two people, each in their own browser context, on the server with keys."""
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(2)]
    visits = [_guarded(c, keyed_server.base) for c in contexts]
    yield visits[0], visits[1]
    for c in contexts:
        c.close()
    for v in visits:
        assert not v.hosts, f"requests to other hosts: {sorted(v.hosts)}"
        assert not v.violations, "\n".join(v.violations)
