import io
import os
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import import_string
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from storages.backends.s3 import S3Storage

from portfolio.core import fragments, page_cache
from tests import factories, s3
from tests.factories import pass_second_factor  # noqa: F401 (tests import it from here)

# Playwright's sync API keeps an event loop running in the test thread, which
# makes Django refuse ORM calls from the test body without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"


def own_redis_db():
    """REDIS_URL with a database number of this xdist worker's own (db + worker number).

    Tests empty the cache (FLUSHDB) before each test: two workers on one database would
    empty each other's in the middle of a test.
    """
    url = urlsplit(settings.CACHES["default"]["LOCATION"])
    if url.scheme not in ("redis", "rediss"):
        return settings.CACHES["default"]["LOCATION"]  # a socket: its db is in the query
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    db = int(url.path.strip("/") or 0) + worker
    return urlunsplit(url._replace(path=f"/{db}"))


def own_media_storage():
    """The configured media storage; on a bucket, under a key prefix of this test process.

    With AWS_STORAGE_BUCKET_NAME set (CI's PostgreSQL + Redis pass) the suite runs on that
    bucket, each xdist worker in its own folder of it, so that listing or restoring the media
    of one process never sees another's.
    """
    default = settings.STORAGES["default"]
    if not settings.AWS_STORAGE_BUCKET_NAME:
        return default
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    location = f"tests-{worker}-{uuid.uuid4().hex[:8]}"
    return {**default, "OPTIONS": {**default.get("OPTIONS", {}), "location": location}}


@pytest.fixture(autouse=True, scope="session")
def _isolated_environment(tmp_path_factory):
    """Keep tests away from var/: their own media and cache, plain static storage."""
    overrides = {
        "MEDIA_ROOT": tmp_path_factory.mktemp("media"),
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "STORAGES": {
            **settings.STORAGES,
            "default": own_media_storage(),
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    }
    # The other aliases (imagekit's "renditions") stay as configured.
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        overrides["CACHES"] = {
            **settings.CACHES,
            "default": {**settings.CACHES["default"], "LOCATION": own_redis_db()},
        }
    else:
        overrides["CACHES"] = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": tmp_path_factory.mktemp("cache"),
            },
        }
    with override_settings(**overrides):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _pages_follow_the_tests_own_transaction(request, monkeypatch):
    """The test client reads the test's changes at once, so the page cache must too
    (and the fragments, portfolio.core.fragments).

    The page cache invalidates when a transaction commits, and a test without
    `transaction=True` never commits: here a change invalidates before the next page
    is looked up, as the commit would have. Transactional tests commit for real.
    """
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames):
        return
    changed = []
    when_committed = page_cache.invalidate_pages_when_committed
    lookup = page_cache.PageCacheMiddleware.lookup

    def note_change(*args, **kwargs):
        changed.append(True)
        when_committed(*args, **kwargs)

    def lookup_after_changes(self, *args, **kwargs):
        if changed:
            changed.clear()
            page_cache.invalidate_pages()
        return lookup(self, *args, **kwargs)

    def fragments_generation_after_changes(using=None):
        # The test's own transaction never commits: fragments are kept inside it, as the
        # page cache's pages are, and a change drops them as a commit would.
        if changed:
            changed.clear()
            page_cache.invalidate_pages()
        return fragments.shared_generation()

    monkeypatch.setattr(page_cache, "invalidate_pages_when_committed", note_change)
    monkeypatch.setattr(page_cache.PageCacheMiddleware, "lookup", lookup_after_changes)
    monkeypatch.setattr(fragments, "current_generation", fragments_generation_after_changes)


@pytest.fixture(autouse=True)
def _default_language():
    # The test client activates each request's language in the test's own thread and
    # leaves it there: after an /en/ request, reverse() would build English URLs.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def make_post(db):
    """tests/factories.py's make_post, for the tests that take it as a fixture."""
    return factories.make_post


@pytest.fixture
def demo(db):
    """The demo content, as `manage.py demo` loads it.

    Its pictures are written over the same files each time (the session's MEDIA_ROOT), so
    the renditions the first test made are found again: the demo draws each picture once
    per process, and later tests skip the resizing, which is most of the demo's cost.
    """
    default = settings.STORAGES["default"]
    # FileSystemStorage's and S3Storage's names for the same thing.
    is_bucket = issubclass(import_string(default["BACKEND"]), S3Storage)
    option = "file_overwrite" if is_bucket else "allow_overwrite"
    overwrite = {"OPTIONS": {**default.get("OPTIONS", {}), option: True}}
    with override_settings(STORAGES={**settings.STORAGES, "default": {**default, **overwrite}}):
        call_command("demo", stdout=io.StringIO())


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """moto's S3 server on a free port of 127.0.0.1, for this test process (tests/s3.py)."""
    process, log, server = s3.start(tmp_path_factory.mktemp("moto") / "server.log")
    yield server
    process.terminate()
    process.wait(10)
    log.close()


@pytest.fixture
def media_bucket(s3_server, settings):
    """Media on a fresh bucket of the moto server for this test, as settings.py sets them."""
    bucket = s3_server.new_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storage(bucket)}
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    return bucket


# Browser fixtures -----------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server):
    """Open a page in a fresh browser context on the live server.

    `open_page(width=390, scheme="dark", **context_options)`; every console error or
    uncaught script error fails the test, except those `ignore(message)` accepts.
    """
    pages = []

    def open_page(width=None, scheme=None, ignore=None, **options):
        if width is not None:
            options.setdefault("viewport", {"width": width, "height": 900})
        if scheme is not None:
            options["color_scheme"] = scheme
        options.setdefault("locale", "fr-FR")
        page = browser.new_context(base_url=live_server.url, **options).new_page()
        page.console_errors = []

        def on_console(message):
            if message.type == "error" and not (ignore and ignore(message)):
                page.console_errors.append(f"{message.text} {message.location.get('url', '')}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        pages.append(page)
        return page

    yield open_page
    errors = [error for page in pages for error in page.console_errors]
    for page in pages:
        page.context.close()
    assert errors == [], f"console errors: {errors}"


@pytest.fixture
def page(open_page):
    """A fresh page on the live server; console errors fail the test."""
    return open_page()


VIEWS = [
    (label, width, scheme)
    for scheme in ("light", "dark")
    for label, width in (("phone", 390), ("desktop", 1280))
]


def in_every_view(open_page, check):
    """`check(page, label, width, scheme)` in a phone and a desktop window, light and dark.

    One test for the four views: one database flush and one demo load instead of four.
    Every view is checked; the failures of all of them are reported together.
    """
    failures = []
    for label, width, scheme in VIEWS:
        page = open_page(width=width, scheme=scheme)
        try:
            check(page, label, width, scheme)
        except AssertionError as error:
            failures.append(f"{label}-{scheme}: {error}")
        finally:
            page.context.close()
    assert failures == [], "\n".join(failures)


def save_screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# The admin's second factor --------------------------------------------------


@pytest.fixture
def admin_client(admin_user):
    """pytest-django's `admin_client` (its own Client, as `admin_user`), past the second factor."""
    return pass_second_factor(Client(), admin_user)


def log_in_to_admin(page, user, password):
    """In the browser: the admin's login form, then the code from `user`'s authenticator app.

    Gives `user` an authenticator if they have none (no enrolment page: see
    tests/test_browser_2fa.py for that journey) and types the code of the moment, computed
    from the device's key, as the phone would. Ends where the login leads: the admin index.
    """
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="authenticator", defaults={"confirmed": True}
    )
    # A code works once: a second login in the same 30 s needs the one before to be forgotten.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    page.goto(reverse("admin:login"))
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{reverse('second_factor_verify')}**")
    page.fill("#id_token", f"{totp(device.bin_key, drift=device.drift):06d}")
    page.click("input[type=submit]")
    page.wait_for_url(lambda url: reverse("second_factor_verify") not in url)
