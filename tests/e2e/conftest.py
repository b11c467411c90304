"""Browser tests: the app served on a free port, driven in Debian's Chromium through Playwright."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from babel.support import Translations
from werkzeug.serving import make_server

import eduplatform
from tests.conftest import PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
BROWSER_LOCALES = {"id": "id-ID", "zh": "zh-CN", "en": "en-US"}
CATALOGUES = Path(eduplatform.__file__).parent / "translations"


def assert_fits_the_screen(page):
    """Nothing on the page is wider than the screen (a phone never scrolls sideways).

    Measured once the page has loaded: the text a test waits for is in the DOM before the
    stylesheet of a page just navigated to applies, and an unstyled table is wider than a phone.
    """
    page.wait_for_load_state("load")
    width, screen = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width <= screen, f"{page.url} is {width}px wide on a {screen}px screen"


def wait_until_the_service_worker_controls(page):
    """Wait until the service worker controls the page.

    A page whose navigation began before the worker took over (its clients.claim() ran while the
    sign-in's redirect was on its way) stays uncontrolled until its next load, as in any browser:
    once the worker is ready, such a page is loaded again, as the student's next tap would.
    """
    page.wait_for_load_state()
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("() => !!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller", timeout=30_000
    )


def chromium_path():
    for candidate in (
        os.environ.get("EDUPLATFORM_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


# A journey run in both languages takes each language at one width: the people who use it
# (students on phones in Indonesian, the partner university's staff at desks in Chinese).
# Every journey still runs at both widths and in both languages; the other two pairs doubled
# the browser tests' time, the larger part of the suite's.
LANGUAGE_AT_WIDTH = {("phone", "id"), ("desktop", "zh")}
# On PostgreSQL (CI's second run) the browser walks at phone width only, in Indonesian, and
# leaves out the layout sweeps (modules marked `layout`): the widths, the other language and
# the CSS do not depend on the database, and the SQLite run has them all. Every page's server
# side runs on PostgreSQL in the rest of the suite. EDUPLATFORM_BROWSER_TESTS=all runs all.
ON_POSTGRESQL = os.environ.get("EDUPLATFORM_TEST_DATABASE_URL", "").startswith("postgresql")
EVERY_BROWSER_TEST = os.environ.get("EDUPLATFORM_BROWSER_TESTS") == "all"


def _width(viewport):
    if isinstance(viewport, dict):
        return viewport["width"]
    return {"phone": PHONE, "desktop": DESKTOP}.get(viewport, PHONE)["width"]


def _runs(item):
    params = item.callspec.params if hasattr(item, "callspec") else {}
    viewport, lang = params.get("viewport"), params.get("lang")
    journey = isinstance(viewport, str) and isinstance(lang, str)
    if journey and (viewport, lang) not in LANGUAGE_AT_WIDTH:
        return False
    if ON_POSTGRESQL and not EVERY_BROWSER_TEST:
        at_phone_width = _width(viewport) <= PHONE["width"]
        layout = item.get_closest_marker("layout") is not None
        return at_phone_width and lang in (None, "id") and not layout
    return True


def pytest_collection_modifyitems(config, items):
    kept, deselected = [], []
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not _runs(item):
                deselected.append(item)
                continue
        kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no Chromium found (install Debian's chromium package)")
        pytest.skip("no Chromium found: install Debian's chromium or set EDUPLATFORM_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """The test app served by a real HTTP server in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url  # links that leave the app (QR codes, credentials) point here
    yield url
    server.shutdown()
    thread.join(timeout=5)
    # Requests still being answered finish before the app's engine is disposed: a request thread
    # cut off mid-answer leaves its database connection to the garbage collector. The browser's
    # contexts are closed by then (`page` is torn down first), so no keep-alive holds a thread.
    for request_thread in list(getattr(server, "_threads", None) or ()):  # socketserver's
        request_thread.join(timeout=5)
    server.block_on_close = False  # joined above, each for 5 s at most: never wait longer
    server.server_close()


@pytest.fixture(params=["phone", "desktop"])
def viewport(request):
    return PHONE if request.param == "phone" else DESKTOP


@pytest.fixture(params=["id", "zh"])
def lang(request):
    """A journey in Indonesian and in Chinese (a test that asks for `lang` runs in both)."""
    return request.param


def page_language(request):
    """The test's language: its `lang`, else Indonesian (the app's default)."""
    return request.getfixturevalue("lang") if "lang" in request.fixturenames else "id"


class Catalogue:
    """The texts people read in one language, from the app's compiled catalogue: a test
    written once with the English source texts runs in every language."""

    def __init__(self, lang):
        self.lang = lang
        self._translations = Translations.load(str(CATALOGUES), [lang])

    def __call__(self, msgid, **values):
        text = self._translations.gettext(msgid)
        return text % values if values else text

    def n(self, singular, plural, num, **values):
        text = self._translations.ngettext(singular, plural, num)
        return text % {"num": num, **values}


@pytest.fixture
def t(request):
    """t("English text", **values): that text as the page shows it in the test's language."""
    return Catalogue(page_language(request))


@pytest.fixture
def page(browser, viewport, live_server, request):
    """A fresh browser page (its own cookies) at phone and at desktop width, in the test's
    language (Indonesian unless the test asks for `lang`).

    It asks for `live_server` so that it is torn down first: every context the test opened (this
    page's and any other person's) is closed while the server still answers, and no request of
    theirs is cut off when the server and the app's engine go.
    """
    locale = BROWSER_LOCALES[page_language(request)]
    context = browser.new_context(viewport=viewport, locale=locale)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    for opened in list(browser.contexts):
        opened.close()


@pytest.fixture
def sign_in(page, live_server, t):
    """sign_in(user) signs the browser page in through the login form."""

    def go(user, password=PASSWORD):
        page.goto(f"{live_server}/login")
        page.get_by_label(t("Email or NISN")).fill(user.email or user.nisn)
        page.get_by_label(t("Password")).fill(password)
        page.get_by_role("button", name=t("Sign in")).click()
        page.wait_for_url(f"{live_server}/")
        return page

    return go
