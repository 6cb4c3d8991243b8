"""Real-browser fixtures: a ``streamlit run app.py`` server and Debian's headless Chromium.

The server is a subprocess on a free localhost port, against the test database (it inherits
``MIF_DB_NAME`` and ``MIF_COOKIE_KEY`` from ``tests/conftest.py``). Chromium comes from
Debian's ``chromium`` package (``.ci/install_browser.sh`` installs it when missing); Playwright
only drives it, it never downloads a browser. Screenshots go to ``artifacts/screenshots/``
(git-ignored).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from ui.auth import COOKIE_NAME

# Assertions wait as long as actions do: on a busy 2-core machine a rerun may take more than
# Playwright's default 5 s for expect() (a search's result once failed that way).
expect.set_options(timeout=20_000)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
LOGS = ROOT / "artifacts" / "logs"
VIEWPORT = {"width": 1400, "height": 900}
START_TIMEOUT = 60.0

DEMO_PASSWORDS = {
    "admin": "Admin2026!",
    "responsable": "Resp2026!",
    "technicien": "Tech2026!",
    "client": "Client2026!",
}


def free_port() -> int:
    """A TCP port nobody listens on right now (localhost)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """``streamlit run app.py`` in a subprocess; ``url`` once healthy."""

    def __init__(self, name: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log_path = LOGS / f"streamlit-{name}.log"
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT)
        env.setdefault("MIF_LOGIN_DELAY", "0.2")
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--client.showErrorDetails",
                "full",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.started = time.perf_counter()
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"streamlit did not start within {START_TIMEOUT} s: {self.log_path}")

    def stop(self) -> None:
        """SIGTERM (Streamlit shuts down cleanly, the embedded database sees it leave)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


def ensure_chromium() -> Path:
    """Debian's chromium, installed from the distribution's packages when missing."""
    if not CHROMIUM.exists():
        script = ROOT / ".ci" / "install_browser.sh"
        result = subprocess.run(["sh", str(script)], capture_output=True, text=True, check=False)
        if result.returncode != 0 or not CHROMIUM.exists():
            pytest.fail(
                "Chromium is missing and .ci/install_browser.sh could not install it:\n"
                + result.stdout[-2000:]
                + result.stderr[-2000:]
            )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run."""
    executable = ensure_chromium()
    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=str(executable), headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def server(db_url) -> Iterator[StreamlitServer]:
    """A server shared by the tests of one module."""
    instance = StreamlitServer("shared")
    yield instance
    instance.stop()


@pytest.fixture
def cold_server(db_url) -> Iterator[StreamlitServer]:
    """A server started for this test alone: its first session is the process's first run."""
    instance = StreamlitServer("cold")
    yield instance
    instance.stop()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies), French locale."""
    ctx = browser.new_context(viewport=VIEWPORT, locale="fr-FR", timezone_id="Africa/Casablanca")
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


def shot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot as ``artifacts/screenshots/<name>.png`` and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-stale="true"]');
}"""


def wait_idle(page: Page, timeout: float = 20.0, settle: float = 0.4) -> None:
    """Wait until Streamlit has finished its runs: idle now and still idle ``settle`` s later.

    Components (the cookie manager) trigger a rerun of their own right after a run, hence the
    second look.
    """
    deadline = time.monotonic() + timeout
    while True:
        page.wait_for_function(IDLE_JS, timeout=max(0.1, deadline - time.monotonic()) * 1000)
        time.sleep(settle)
        if page.evaluate(IDLE_JS):
            return
        if time.monotonic() > deadline:
            raise TimeoutError("Streamlit kept running")


def login(page: Page, base_url: str, username: str, password: str) -> None:
    """Open the app and log in through the form; returns once the dashboard is shown."""
    page.goto(base_url + "/")
    page.get_by_role("textbox", name="Nom d'utilisateur").fill(username)
    page.get_by_role("textbox", name="Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Tableau de bord", level=1).wait_for()
    wait_idle(page)
    wait_for_login_cookie(page)


def wait_for_login_cookie(page: Page, timeout: float = 20.0) -> None:
    """Wait until the browser holds the login cookie. The cookie component stores it a moment
    after the home page shows (~0.5 s, its first load): a test that opens a URL at once (a new
    Streamlit session, signed in by that cookie) would otherwise find the login form."""
    deadline = time.monotonic() + timeout
    while COOKIE_NAME not in {c["name"] for c in page.context.cookies()}:
        if time.monotonic() > deadline:
            raise AssertionError(f"no {COOKIE_NAME} cookie {timeout:.0f} s after the login")
        page.wait_for_timeout(50)


def nav_links(page: Page) -> list[str]:
    """Texts of the sidebar navigation links, in order (without the icon's ligature name)."""
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.wait_for()
    return [t.strip().splitlines()[-1].strip() for t in nav.locator("a").all_inner_texts()]
