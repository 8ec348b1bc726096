"""The site's frame: home page, languages, health check, error pages, demo content."""

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from blog.models import Post
from portfolio.core.site_url import absolute

ROOT = Path(__file__).resolve().parent.parent
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.I)


def test_home_shows_latest_published_posts_in_french(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Derniers billets" in html
    assert "Changer de métier à quarante ans" in html
    # The scheduled post stays hidden until its time.
    assert "Bilan de mission" not in html


def test_english_lives_under_en_with_the_same_content(client, demo):
    response = client.get("/en/")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Latest posts" in html
    assert 'hreflang="fr" href="http://127.0.0.1:8000/"' in html
    assert 'hreflang="en" href="http://127.0.0.1:8000/en/"' in html


def test_language_switcher_points_to_the_same_page_in_the_other_language(client, demo):
    html = client.get("/blog/").content.decode()
    assert 'href="/en/blog/" hreflang="en"' in html


@pytest.mark.parametrize("path", ["/", "/blog/", "/en/blog/", "/profile/", "/contact/", "/nope/"])
def test_pages_carry_no_inline_script_or_style_and_a_strict_policy(client, demo, path):
    response = client.get(path)
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert "style=" not in html
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_health_check_answers_when_the_database_does(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": True,
        "media": True,
        "queue": True,
        "queue_oldest_wait": None,
    }
    assert "no-cache" in response["Cache-Control"]


def test_health_check_says_503_when_the_database_is_down(tmp_path):
    # A real PostgreSQL URL on a port where nothing listens.
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='127.0.0.1').get('/healthz');"
        "print(r.status_code, r.content.decode())"
    )
    environment = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="portfolio.settings",
        VITRINE_VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://postgres@127.0.0.1:9/nothing",
    )
    environment.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503"
    assert json.loads(body)["status"] == "unavailable"
    assert json.loads(body)["database"] is False


def test_404_is_in_the_site_style_and_localized(client, db):
    response = client.get("/en/there-is-nothing-here/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "This page does not exist" in html
    assert 'class="site-header"' in html
    assert "there-is-nothing-here" not in html
    # The language switcher offers each language's home, not the missing page.
    assert 'href="/" hreflang="fr"' in html
    assert client.get("/rien-ici/").content.decode().count("Cette page n’existe pas") == 1


def test_500_page_is_in_the_site_style_and_leaks_nothing(client, db, settings):
    settings.ROOT_URLCONF = "tests.urls_with_errors"
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert "Vitrine" in html
    for secret in ("hunter2", "settings.py", "RuntimeError", "Traceback"):
        assert secret not in html


def test_expired_form_gets_a_clear_page(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/en/contact/", {"name": "x"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_demo_command_can_run_twice(db):
    call_command("demo", stdout=StringIO())
    counts = Post.objects.count()
    call_command("demo", stdout=StringIO())
    assert Post.objects.count() == counts > 0
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "already has content" in out.getvalue()


def test_local_admin_is_created_once_with_a_generated_password(db):
    from django.contrib.auth.models import User

    first, second = StringIO(), StringIO()
    call_command("createlocaladmin", stdout=first)
    call_command("createlocaladmin", stdout=second)
    password = re.search(r"password: (\S+)", first.getvalue()).group(1)
    assert User.objects.get(username="admin").check_password(password)
    assert "password" not in second.getvalue()
    assert User.objects.count() == 1


def fetch_media(client, name):
    """The status and headers a browser gets for the stored file `name`, wherever media live.

    On disk the app serves /media/; on a bucket (CI's PostgreSQL + Redis pass) pages link to
    the bucket itself, and /media/ is not routed at all.
    """
    url = default_storage.url(name)
    if not urlsplit(url).scheme:
        response = client.get(url)
        return response.status_code, response.headers
    with urlopen(url, timeout=10) as response:
        return response.status, response.headers


def test_uploaded_media_are_served_with_types_and_cache_headers(client, db):
    rendition = default_storage.save("renditions/photo.abc123.webp", ContentFile(b"RIFF0000WEBP"))
    original = default_storage.save("upload.png", ContentFile(b"\x89PNG\r\n\x1a\n"))
    status, headers = fetch_media(client, rendition)
    assert status == 200
    assert headers["Content-Type"] == "image/webp"
    assert "immutable" in headers["Cache-Control"]
    status, headers = fetch_media(client, original)
    assert status == 200
    assert headers["Content-Type"] == "image/png"
    assert "max-age=" in headers["Cache-Control"]
    assert "immutable" not in headers["Cache-Control"]
    assert client.get("/media/../settings.py").status_code in (400, 404)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/blog/un-billet/", "http://127.0.0.1:8000/blog/un-billet/"),
        ("/media/a.webp", "http://127.0.0.1:8000/media/a.webp"),
        # Media on S3 or a CDN, an author's website: already absolute, left alone.
        ("https://cdn.example.com/a.webp", "https://cdn.example.com/a.webp"),
        ("http://example.org/", "http://example.org/"),
        # Protocol-relative: takes the site's scheme, never glued after SITE_URL.
        ("//cdn.example.com/a.webp", "http://cdn.example.com/a.webp"),
        ("mailto:me@example.org", "mailto:me@example.org"),
        # No URL stays no URL, rather than becoming the home page.
        ("", ""),
    ],
)
def test_one_rule_makes_a_url_of_this_site_absolute(url, expected):
    assert absolute(url) == expected
