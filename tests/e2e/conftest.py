"""End-to-end harness: the app behind a real WSGI server, driven by Debian's Chromium.

- One server per session (werkzeug, threaded) on 127.0.0.1 and a free port, on a database of
  its own: a fresh PostgreSQL database when the suite runs on PostgreSQL, a SQLite file
  otherwise, built by the migrations. Celery tasks run in-process (no REDIS_URL).
- One Chromium per session (``/usr/bin/chromium``, headless; Playwright never downloads a
  browser), one fresh context (cookies, viewport, language) per user of a test.
- Every page a journey shows is checked by axe-core (WCAG 2.1 A/AA) in French and in English.
- A failing test leaves a screenshot and the HTML of each open page in test-artifacts/e2e/.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

from tests.conftest import BACKENDS, create_database, drop_database, make_app

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
SCREENSHOTS = ROOT / "docs" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _missing() -> str | None:
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as exc:
        return f"Playwright or axe-playwright-python is not installed ({exc.name})"
    if not os.access(CHROMIUM, os.X_OK):
        return (f"Chromium not found at {CHROMIUM}: `apt-get install chromium` "
                "(scripts/test does it when run as root)")
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing()
    for item in items:
        if "tests/e2e/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


# ---- The server ---------------------------------------------------------------------------

class LiveServer:
    def __init__(self, app, url):
        self.app = app
        self.url = url

    @contextlib.contextmanager
    def data(self):
        """The database as the server sees it: what the block adds is committed at its end,
        and what that commit makes due is done (a job handed over, mails queued), as after a
        request."""
        from murporteur.core import aftercommit
        from murporteur.extensions import db

        with self.app.app_context():
            try:
                yield db.session
                aftercommit.commit(db.session)
            finally:
                db.session.remove()

    def outbox(self, to: str, key: str | None = None):
        from sqlalchemy import select

        from murporteur.notifications.models import OutboxMessage

        with self.data() as session:
            query = select(OutboxMessage).where(OutboxMessage.recipient_email == to)
            if key:
                query = query.where(OutboxMessage.key == key)
            rows = list(session.scalars(query.order_by(OutboxMessage.id)))
            return [(row.key, row.subject, row.text_body) for row in rows]

    def link_in(self, text: str) -> str:
        match = re.search(re.escape(self.url) + r"(/\S+)", text or "")
        assert match, text
        return self.url + match.group(1)


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # what is there is this run's failures
    tmp = tmp_path_factory.mktemp("e2e")
    name = f"murporteur_e2e_{os.getpid()}"
    url = create_database(name) if BACKENDS.postgres else f"sqlite:///{tmp / 'e2e.db'}"
    app = server = None
    try:  # the database is dropped whatever happens, a failed start included
        # FORM_MIN_SECONDS=0: a robot check refuses forms filled in by robots, which we are.
        app = make_app(url, tmp, FORM_MIN_SECONDS=0, TESTING=False, WTF_CSRF_TIME_LIMIT=None)
        with app.app_context():
            upgrade()
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request
        server = make_server("127.0.0.1", 0, app, threaded=True)
        base = f"http://127.0.0.1:{server.server_port}"
        app.config["BASE_URL"] = base
        thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
        thread.start()
        yield LiveServer(app, base)
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        if app is not None:
            from murporteur.extensions import db

            with app.app_context():
                db.engine.dispose()
        if BACKENDS.postgres:
            drop_database(name)


@pytest.fixture(autouse=True)
def _our_celery(live):
    # Another app created by the rest of the suite may have made its Celery app current.
    live.app.extensions["celery"].set_current()
    live.app.extensions["celery"].set_default()


# ---- The browser ------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # Generous waits: CI shares two cores; a wait ends as soon as the page is there anyway.
    expect.set_options(timeout=15_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Checker:
    """axe-core, in French and in English, on every page a journey shows."""

    def __init__(self, browser, live):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.browser = browser
        self.live = live
        self.checked: set[tuple[str, str]] = set()

    def violations(self, page) -> list[str]:
        results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                              "resultTypes": ["violations"], "iframes": False})
        return [f"{v['id']} ({v['impact']}): {v['help']} — "
                + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
                for v in results.response["violations"]]

    def check(self, page, label: str = "") -> None:
        """The page as shown, then the same address in the other language.

        A page whose structure (elements, ids, classes, numbers aside) was already checked in
        a language is not checked again: the suite stays fast, every kind of page is seen.
        """
        page.wait_for_load_state("load")
        lang = page.evaluate("document.documentElement.lang")
        width = page.viewport_size["width"]
        if width <= 640:  # a phone, or 200 % zoom: nothing may need a sideways scroll
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{page.url} is {wide} px wide on a {width} px screen"
        key = self._key(page)
        if (lang, key) not in self.checked:
            self.checked.add((lang, key))
            found = self.violations(page)
            assert not found, f"axe on {page.url} ({lang}) {label}:\n" + "\n".join(found)
        other = "en" if lang == "fr" else "fr"
        # A single-use link opened again is not the same page; a page of the same shape was
        # already seen in the other language.
        if "/lien/" in page.url or (other, key) in self.checked:
            return
        context = self.browser.new_context(locale="en-GB" if other == "en" else "fr-FR",
                                           viewport=page.viewport_size,
                                           extra_http_headers={"Accept-Language": other})
        try:
            context.add_cookies(page.context.cookies())
            shadow = context.new_page()
            shadow.goto(page.url)
            # A user who chose a language sees it everywhere: nothing else to check then.
            if shadow.evaluate("document.documentElement.lang") == other:
                self.checked.add((other, key))
                self.checked.add((other, self._key(shadow)))
                found = self.violations(shadow)
                assert not found, (f"axe on {page.url} ({other}) {label}:\n"
                                   + "\n".join(found))
        finally:
            context.close()

    @staticmethod
    def _key(page) -> tuple[str, int]:
        """The page's address and structure (elements, ids, classes), numbers aside."""
        shape = page.evaluate("""() => Array.from(document.querySelectorAll('body *'),
            e => e.tagName + '#' + e.id + '.' + e.className + '[' + (e.getAttribute('type') || '')
                 + ']').join('|')""")
        return re.sub(r"\d+", "N", page.url.split("?")[0]), hash(re.sub(r"\d+", "", shape))


@pytest.fixture(scope="session")
def checker(browser, live):
    return Checker(browser, live)


class Browser:
    """Opens one context (cookies, screen, language) per person of a journey."""

    def __init__(self, browser, live, checker):
        self.browser = browser
        self.live = live
        self.checker = checker
        self.contexts = []
        self.pages = []

    def open(self, width: int = 1280, height: int = 900, locale: str = "fr-FR"):
        context = self.browser.new_context(
            viewport={"width": width, "height": height}, locale=locale,
            extra_http_headers={"Accept-Language": locale.split("-")[0]})
        context.set_default_timeout(20_000)
        self.contexts.append(context)
        page = context.new_page()
        self.pages.append(page)
        return page

    def close(self):
        for context in self.contexts:
            with contextlib.suppress(Exception):
                context.close()


@pytest.fixture
def web(browser, live, checker):
    b = Browser(browser, live, checker)
    yield b
    b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    web = item.funcargs.get("web")
    if web is None:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])
    for n, page in enumerate(web.pages):
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ARTIFACTS / f"{stem}-{n}.png"), full_page=True)
            (ARTIFACTS / f"{stem}-{n}.html").write_text(
                f"<!-- {page.url} -->\n" + page.content(), encoding="utf-8")
    report.sections.append(("e2e artifacts", f"screenshots and HTML in {ARTIFACTS}"))
