"""Every public response carries the security headers; production settings pass `check --deploy`.

The public pages are found by crawling the demo site from `/` (and `/en/`), so a
page type added later is covered without touching this file; feeds, sitemap,
JSON, vCard, PDF and error pages are added by name.
"""

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = ROOT / "docs" / "production.env"
MAX_PAGES = 120
# Not pages: downloads, feeds and files whose links the crawler finds anyway.
SKIP_PREFIXES = ("/static/", "/media/", "mailto:", "tel:")


def read_env_file(path):
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def test_production_env_passes_check_deploy(tmp_path):
    values = read_env_file(PRODUCTION_ENV)
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "AXES_"))
    }
    environment.update(values)
    # Placeholders point at /srv; the check needs no real directory, but keep writes local.
    environment.update(VITRINE_VAR_DIR=str(tmp_path), MEDIA_ROOT=str(tmp_path / "media"))
    environment.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_env_names_every_variable_the_settings_read():
    """A variable settings.py reads but docs/production.env never mentions is a forgotten one."""
    documented = PRODUCTION_ENV.read_text()
    read = set(
        re.findall(r'env\.get_\w+\(\s*"([A-Z_]+)"', (ROOT / "portfolio/settings.py").read_text())
    )
    # Read by the settings but with nothing to set in production.
    optional = {"DJANGO_SSL_REDIRECT"}
    missing = sorted(name for name in read - optional if name not in documented)
    assert missing == [], f"add to docs/production.env: {missing}"


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def page_kind(path):
    """`/en/blog/tag/django/` → `en blog tag`: the crawler visits a few pages of each kind."""
    segments = [segment for segment in path.split("/") if segment]
    kind = segments[:1] if segments[:1] == ["en"] else []
    rest = segments[len(kind) :]
    kind += rest[:1]
    if len(rest) > 1:
        kind.append(rest[1] if not re.search(r"[-\d]", rest[1]) and len(rest) > 2 else "*")
    return " ".join(kind)


def crawl(client, starts, per_kind=2):
    """Same-site pages reachable from `starts` (a few of each kind), with their responses."""
    seen, queue, responses, kinds = set(), list(starts), {}, {}
    while queue and len(responses) < MAX_PAGES:
        url = queue.pop(0)
        path = urlsplit(url).path
        if path in seen or path.startswith(SKIP_PREFIXES):
            continue
        seen.add(path)
        kind = page_kind(path)
        if kinds.get(kind, 0) >= per_kind:
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        response = client.get(path)
        responses[path] = response
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            parser = LinkParser()
            parser.feed(response.content.decode())
            for href in parser.links:
                absolute = urljoin(path, href)
                parts = urlsplit(absolute)
                if parts.netloc in ("", "testserver") and parts.path not in seen:
                    queue.append(parts.path)
    return responses


def named_extras():
    extras = ["/this-page-does-not-exist/", "/en/this-page-does-not-exist/", "/healthz"]
    for name in (
        "sitemap",
        "robots_txt",
        "portfolio:resume_json",
        "portfolio:vcard",
        "portfolio:cv_pdf",
        "blog:feed_rss",
        "blog:feed_atom",
        "blog:search",
    ):
        try:
            extras.append(reverse(name))
        except NoReverseMatch:
            pass
    return extras


@pytest.fixture
def public_responses(client, demo):
    responses = crawl(client, ["/", "/en/"])
    for path in named_extras():
        responses.setdefault(path, client.get(path))
    search = next((p for p in responses if p.endswith("/search/")), None)
    if search:
        responses[search + "?q=test"] = client.get(search, {"q": "<script>alert(1)</script>"})
    # A page served from the anonymous page cache carries the same headers.
    responses["/ (from the page cache)"] = client.get("/")
    return responses


def assert_strict_csp(policy, where):
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, where
    assert directives.get("default-src") == ["'self'"], where
    assert directives.get("object-src") == ["'none'"], where
    assert directives.get("base-uri") == ["'self'"], where
    assert directives.get("form-action") == ["'self'"], where
    assert directives.get("frame-ancestors") == ["'none'"], where
    for source in directives.get("script-src", []):
        assert source == "'self'" or source.startswith("'nonce-"), (where, source)
    assert all("*" not in source for sources in directives.values() for source in sources), where


def test_every_public_response_carries_the_security_headers(public_responses):
    assert len(public_responses) >= 10, sorted(public_responses)
    kinds = set()
    for path, response in public_responses.items():
        where = f"{path} ({response.status_code})"
        assert response.status_code < 500, where
        kinds.add(response.get("Content-Type", "").split(";")[0])
        assert_strict_csp(response["Content-Security-Policy"], where)
        assert response["X-Content-Type-Options"] == "nosniff", where
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", where
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
        assert response["X-Frame-Options"] == "DENY", where
        assert response["Cross-Origin-Resource-Policy"] == "same-origin", where
        permissions = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
            assert feature in permissions, where
    assert "text/html" in kinds


@override_settings(
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    SECURE_SSL_REDIRECT=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
@pytest.mark.django_db
def test_production_mode_sends_hsts_redirects_to_https_and_secures_cookies(client):
    plain = client.get("/contact/")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")

    response = client.get("/contact/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"


@override_settings(SESSION_COOKIE_SECURE=True)
def test_admin_session_cookie_is_secure_httponly_samesite_and_expires(client, django_user_model):
    django_user_model.objects.create_superuser("author", "author@example.org", "correct-horse")
    response = client.post(
        reverse("admin:login"),
        {"username": "author", "password": "correct-horse", "next": reverse("admin:index")},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    from django.conf import settings

    assert 0 < int(session["max-age"]) == settings.SESSION_COOKIE_AGE <= 60 * 60 * 24


def test_production_env_turns_on_every_https_setting(tmp_path):
    values = read_env_file(PRODUCTION_ENV)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(values, VITRINE_VAR_DIR=str(tmp_path), MEDIA_ROOT=str(tmp_path / "m"))
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,"
        " s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.DEBUG, s.ADMIN_PATH)"
    )
    environment["DJANGO_SETTINGS_MODULE"] = "portfolio.settings"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "False",
        values["ADMIN_PATH"],
    ]


def test_static_files_are_same_origin_only_and_the_manifest_is_not_served(client, db):
    """Decisions of issue 16 (finding 10), docs/security.md: no CORS on static files, no manifest."""
    static = f"/{settings.STATIC_URL.strip('/')}/"
    stylesheet = next((settings.STATIC_ROOT / "css").glob("*.css"))
    response = client.get(f"{static}css/{stylesheet.name}")
    assert response.status_code == 200
    # Fonts and stylesheets are only ever loaded by our own pages: nothing to share.
    assert "Access-Control-Allow-Origin" not in response
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert (settings.STATIC_ROOT / "staticfiles.json").exists()
    for name in ("staticfiles.json", "staticfiles.json.gz"):
        assert client.get(f"{static}{name}").status_code == 404
