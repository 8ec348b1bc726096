"""Media on S3-compatible storage: moto's real S3 server on 127.0.0.1 (tests/s3.py).

What a visitor and the author notice: the upload lands in the bucket with its renditions,
pages link to the bucket and the bucket serves them with long cache headers, the CV still
has the photo, the health check says when the bucket is gone.
"""

import io
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import botocore.endpoint
import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from blog.models import Author
from portfolio.models import Profile
from tests import s3

ROOT = Path(__file__).resolve().parent.parent

SETTINGS_CODE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage
print(json.dumps({
    "backend": settings.STORAGES["default"]["BACKEND"],
    "options": settings.STORAGES["default"].get("OPTIONS", {}),
    "storage": default_storage.__class__.__name__,
    "serve_media": settings.SERVE_MEDIA,
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
    "url": default_storage.url("profile/a.jpg"),
}))
"""


def settings_with(tmp_path, **variables):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "DJANGO_", "SERVE_MEDIA"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="portfolio.settings", VITRINE_VAR_DIR=str(tmp_path), **variables
    )
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_CODE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def jpeg(name="portrait.jpg", size=(900, 700)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def fetch(url):
    """An anonymous GET, as a visitor's browser makes it: (status, headers, body)."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


# The switch ----------------------------------------------------------------


def test_without_a_bucket_media_stay_on_disk_and_the_app_serves_them(tmp_path):
    seen = settings_with(tmp_path)
    assert seen["storage"] == "FileSystemStorage"
    assert seen["serve_media"] is True
    assert seen["url"] == "/media/profile/a.jpg"
    assert seen["img_src"] == ["'self'", "data:"]


def test_the_readme_variables_put_media_on_the_bucket(tmp_path):
    seen = settings_with(
        tmp_path,
        AWS_STORAGE_BUCKET_NAME="site-media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        AWS_ACCESS_KEY_ID="key-id",
        AWS_SECRET_ACCESS_KEY="secret",
        AWS_S3_REGION_NAME="fr-par",
    )
    assert seen["storage"] == "MediaStorage"
    assert seen["options"]["bucket_name"] == "site-media"
    assert seen["options"]["region_name"] == "fr-par"
    assert seen["serve_media"] is False  # pages link to the bucket, /media/ is not routed
    # A plain public URL: no signature that expires, so pages and caches can keep it.
    assert seen["url"] == "http://127.0.0.1:9000/site-media/profile/a.jpg"
    assert "http://127.0.0.1:9000" in seen["img_src"]


def test_a_cdn_domain_is_what_pages_link_to(tmp_path):
    seen = settings_with(
        tmp_path,
        AWS_STORAGE_BUCKET_NAME="site-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.net",
        AWS_S3_CUSTOM_DOMAIN="media.example.org",
    )
    assert seen["url"] == "https://media.example.org/profile/a.jpg"
    assert seen["img_src"] == ["'self'", "data:", "https://media.example.org"]


def test_a_wrong_endpoint_stops_the_start_with_its_name(tmp_path):
    environment = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="portfolio.settings",
        VITRINE_VAR_DIR=str(tmp_path),
        AWS_STORAGE_BUCKET_NAME="site-media",
        AWS_S3_ENDPOINT_URL="s3.example.net",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "AWS_S3_ENDPOINT_URL must be a URL" in result.stderr


# Uploads and pages -----------------------------------------------------------


def test_an_admin_upload_is_stored_in_the_bucket_with_its_renditions(
    admin_client, media_bucket, s3_server
):
    response = admin_client.post(
        reverse("admin:blog_author_add"), {"name": "Jeanne", "photo": jpeg()}
    )
    assert response.status_code == 302
    author = Author.objects.get()
    keys = s3_server.keys(media_bucket)
    assert author.photo.name in keys
    renditions = [key for key in keys if key.startswith("CACHE/") and key.endswith(".webp")]
    assert len(renditions) == 4  # 480, 800, 1200 and the 900-pixel original width
    client = s3_server.client()
    original = client.head_object(Bucket=media_bucket, Key=author.photo.name)
    assert original["ContentType"] == "image/jpeg"
    assert original["CacheControl"] == "public, max-age=3600"
    rendition = client.head_object(Bucket=media_bucket, Key=renditions[0])
    assert rendition["ContentType"] == "image/webp"
    assert rendition["CacheControl"] == "public, max-age=31536000, immutable"


def test_an_unsafe_upload_is_refused_before_anything_reaches_the_bucket(
    admin_client, media_bucket, s3_server
):
    svg = SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    response = admin_client.post(reverse("admin:blog_author_add"), {"name": "Eve", "photo": svg})
    assert response.status_code == 200
    assert "SVG" in response.content.decode()
    assert s3_server.keys(media_bucket) == []


def test_the_profile_page_links_to_the_bucket_and_asks_it_nothing(
    client, db, media_bucket, s3_server, monkeypatch
):
    Profile(full_name="Ada Martin", headline="Scrum Master", photo=jpeg()).save()
    requests = []
    send = botocore.endpoint.Endpoint.make_request

    def counted(self, *args, **kwargs):
        requests.append(args)
        return send(self, *args, **kwargs)

    monkeypatch.setattr(botocore.endpoint.Endpoint, "make_request", counted)
    html = client.get("/profile/").content.decode()
    assert requests == [], "rendering a page must not ask the bucket anything"

    prefix = f"{s3_server.endpoint_url}/{media_bucket}/CACHE/"
    assert 'class="profile-hero__photo u-photo" src="' in html, "the page shows the photo"
    image = html.split('class="profile-hero__photo u-photo" src="', 1)[1].split('"', 1)[0]
    assert image.startswith(prefix)
    assert f'<meta property="og:image" content="{prefix}' in html
    status, headers, body = fetch(image)
    assert status == 200
    assert headers["Content-Type"] == "image/webp"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert Image.open(io.BytesIO(body)).size == (320, 320)


def test_the_cv_embeds_the_photo_read_from_the_bucket(client, db, media_bucket):
    Profile(full_name="Ada Martin", headline="Scrum Master", photo=jpeg()).save()
    response = client.get("/en/profile/cv.pdf")
    assert response.status_code == 200
    images = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].images
    assert [image.image.size for image in images] == [(320, 320)]


# The health check ------------------------------------------------------------


def test_health_check_reports_the_bucket(client, db, media_bucket):
    response = client.get("/healthz")
    assert response.status_code == 200
    # The queue's keys are /healthz's too (an empty queue here): the media one is this test's.
    assert response.json() == {
        "status": "ok",
        "database": True,
        "media": True,
        "queue": True,
        "queue_oldest_wait": None,
    }


@pytest.mark.parametrize("failure", ["unreachable", "no such bucket"])
def test_health_check_says_503_when_the_bucket_is_gone_and_leaks_nothing(
    client, db, s3_server, settings, failure
):
    if failure == "unreachable":
        storage = s3.S3Server(f"http://127.0.0.1:{s3.free_port()}").storage("site-media")
    else:
        storage = s3_server.storage("never-created")
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": True,
        "media": False,
        "queue": True,
        "queue_oldest_wait": None,
    }
    body = response.content.decode()
    for secret in (s3.SECRET_KEY, s3.ACCESS_KEY, "127.0.0.1", "bucket"):
        assert secret not in body
