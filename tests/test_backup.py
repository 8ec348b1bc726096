"""`manage.py backup` while the site writes, then `manage.py restore`: everything comes back identical.

Runs the real commands in subprocesses on a real SQLite file (or a scratch
PostgreSQL database when DATABASE_URL points to PostgreSQL), with a writer
committing transactions during the backup.
"""

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path
from unittest.mock import ANY
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests import s3

ROOT = Path(__file__).resolve().parent.parent

# Every row of every model (datetimes with their microseconds) and every media file's hash.
SNAPSHOT_CODE = """
import hashlib, json, posixpath
from django.apps import apps
from django.core.files.storage import default_storage
rows = {}
for model in apps.get_models():
    rows[model._meta.label] = list(model._default_manager.order_by("pk").values())
def walk(folder=""):
    folders, names = default_storage.listdir(folder)
    for name in names:
        yield posixpath.join(folder, name)
    for name in folders:
        yield from walk(posixpath.join(folder, name))
files = {}
for name in sorted(walk()):
    with default_storage.open(name) as file:
        files[name] = hashlib.sha256(file.read()).hexdigest()
print(json.dumps({"rows": rows, "files": files}, default=str, sort_keys=True))
"""


# A comment and a contact message with microsecond timestamps, whatever the demo holds.
VISITOR_DATA_CODE = """
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django_comments_xtd.models import XtdComment
from blog.models import Post
from portfolio.models import ContactMessage
post = Post.objects.order_by("pk").first()
XtdComment.objects.create(
    content_type=ContentType.objects.get_for_model(Post), object_pk=str(post.pk),
    site=Site.objects.get_current(), user_name="Ana", user_email="ana@example.net",
    comment="Merci !", is_public=True,
)
ContactMessage.objects.create(
    name="Recruiter", email="hr@example.com", subject="Mission", message="Bonjour",
)
"""


def scratch_postgres_url():
    """A throwaway database beside the one DATABASE_URL names, or None on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_backup_{os.getpid()}"
    return urlunsplit(parts._replace(path=f"/{name}")), name


@pytest.fixture
def site(tmp_path):
    """A migrated site with the demo content, in its own var dir, as a subprocess sees it.

    With media on a bucket (AWS_STORAGE_BUCKET_NAME), on a fresh bucket of that server: the
    round trip compares every object, and the other tests write to the suite's own bucket.
    """
    media = {}
    if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        server = s3.S3Server(os.environ["AWS_S3_ENDPOINT_URL"])
        media = server.environment(server.new_bucket())
    yield from make_site(tmp_path, media)


# What the bucket's round trip needs, and no more (the demo's 70 objects cost a minute on a
# loaded machine): an upload, a rendition beside it, a name to quote (a space, an accent).
BUCKET_MEDIA_CODE = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
default_storage.save("blog/images/2026/photo.jpg", ContentFile(b"\\xff\\xd8\\xff\\xe0 a photo"))
default_storage.save("CACHE/images/blog/images/2026/photo/5e1f.webp", ContentFile(b"RIFF0000WEBP"))
default_storage.save("profile/portrait d'été.png", ContentFile(b"\\x89PNG\\r\\n\\x1a\\n"))
"""


@pytest.fixture
def site_on_bucket(tmp_path, s3_server):
    """A migrated site, no demo, its three media files on a fresh bucket of the S3 server."""
    environment = s3_server.environment(s3_server.new_bucket())
    yield from make_site(tmp_path, environment, content=BUCKET_MEDIA_CODE)


def bucket_files(client, bucket):
    """Every object's key and content hash, read straight from the bucket."""
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {
        item["Key"]: hashlib.sha256(
            client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        ).hexdigest()
        for page in pages
        for item in page.get("Contents", [])
    }


def make_site(tmp_path, media_environment, content=None):
    """`content` (code for `manage.py shell`) in place of the demo and a visitor's data."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "MEDIA_ROOT", "AWS_")
        )
    }
    environment.update(media_environment)
    environment["VITRINE_VAR_DIR"] = str(tmp_path / "var")
    postgres = scratch_postgres_url()
    if postgres:
        import psycopg

        url, name = postgres
        admin_url = os.environ["DATABASE_URL"]
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        environment["DATABASE_URL"] = url

    def manage(*arguments, check=True):
        result = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    manage("migrate", "--noinput", "-v0")
    if content is None:
        manage("demo")
        manage("shell", "-c", VISITOR_DATA_CODE)
    else:
        manage("shell", "-c", content)
    site = type("Site", (), {})()
    site.manage = manage
    site.var = tmp_path / "var"
    site.postgres = postgres
    site.environment = environment
    site.snapshot = lambda: json.loads(manage("shell", "-c", SNAPSHOT_CODE).stdout.splitlines()[-1])
    yield site
    if postgres:
        import psycopg

        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{postgres[1]}" WITH (FORCE)')


class Writer(threading.Thread):
    """Commits pairs of rows (n, -n) in one transaction each, as fast as it can."""

    def __init__(self, site):
        super().__init__(daemon=True)
        self.site = site
        self.stop = threading.Event()
        self.committed = 0
        self.errors = []

    def connect(self):
        if self.site.postgres:
            import psycopg

            return psycopg.connect(self.site.postgres[0], autocommit=False)
        connection = sqlite3.connect(self.site.var / "db.sqlite3", timeout=20)
        connection.execute("PRAGMA journal_mode=WAL")
        return connection

    def run(self):
        connection = self.connect()
        try:
            connection.execute("CREATE TABLE IF NOT EXISTS backup_probe (n INTEGER PRIMARY KEY)")
            connection.commit()
            insert = "INSERT INTO backup_probe (n) VALUES (%s)"
            if not self.site.postgres:
                insert = insert.replace("%s", "?")
            while not self.stop.is_set():
                n = self.committed + 1
                connection.execute(insert, (n,))
                time.sleep(0.001)  # the pair straddles other work
                connection.execute(insert, (-n,))
                connection.commit()
                self.committed = n
        except Exception as error:  # reported by the test
            self.errors.append(error)
        finally:
            connection.close()


def probe_rows(site):
    if site.postgres:
        import psycopg

        with psycopg.connect(site.postgres[0]) as connection:
            return [row[0] for row in connection.execute("SELECT n FROM backup_probe")]
    connection = sqlite3.connect(site.var / "db.sqlite3")
    try:
        return [row[0] for row in connection.execute("SELECT n FROM backup_probe")]
    finally:
        connection.close()


def test_backup_while_writing_then_restore_gives_everything_back(site):
    before = site.snapshot()
    assert before["files"], "the demo stores images"
    for label in (
        "blog.Post",
        "portfolio.Profile",
        "portfolio.ContactMessage",
        "django_comments_xtd.XtdComment",
    ):
        assert before["rows"].get(label), label

    writer = Writer(site)
    writer.start()
    while writer.committed < 20 and writer.is_alive():
        time.sleep(0.01)
    output = site.manage("backup", "--output-dir", str(site.var / "archives")).stdout
    during = writer.committed
    # Threads meeting, not time passing: wait for the writer's next commit after the backup.
    deadline = time.monotonic() + 10
    while writer.committed <= during and writer.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    writer.stop.set()
    writer.join(10)
    assert writer.errors == []
    assert writer.committed > during, "the site kept writing while the backup ran"

    archives = sorted((site.var / "archives").glob("vitrine-*.tar.gz"))
    assert len(archives) == 1 and archives[0].name in output
    with tarfile.open(archives[0]) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and any(name.startswith("media/") for name in names)

    # Lose things after the backup: a post edited, an image deleted.
    site.manage(
        "shell",
        "-c",
        "from blog.models import Post; Post.objects.update(title='lost')",
    )
    lost = next(iter(before["files"]))
    site.manage(
        "shell",
        "-c",
        f"from django.core.files.storage import default_storage as s; s.delete({lost!r})",
    )

    result = site.manage("restore", str(archives[0]))
    assert "Restored" in result.stdout

    after = site.snapshot()
    assert after["files"] == before["files"]
    for label, rows in before["rows"].items():
        assert after["rows"].get(label) == rows, f"{label} differs after the round trip"

    # The snapshot is one instant: every pair complete, nothing after it.
    probe = probe_rows(site)
    positives = sorted(n for n in probe if n > 0)
    assert positives == list(range(1, len(positives) + 1))
    assert sorted(-n for n in probe if n < 0) == positives
    assert 20 <= len(positives) <= writer.committed


def test_media_on_a_bucket_come_back_from_the_archive(site_on_bucket, s3_server):
    site = site_on_bucket
    bucket = site.environment["AWS_STORAGE_BUCKET_NAME"]
    client = s3_server.client()
    before = bucket_files(client, bucket)
    keys = sorted(before)
    assert len(keys) == 3, "the site's uploads are on the bucket"
    assert not (site.var / "media").exists()

    site.manage("backup", "--output-dir", str(site.var / "archives"))
    (archive,) = (site.var / "archives").glob("vitrine-*.tar.gz")
    with tarfile.open(archive) as tar:
        assert (
            sorted(
                name.removeprefix("media/") for name in tar.getnames() if name.startswith("media/")
            )
            == keys
        )

    # After the backup: an upload and a rendition lost from the bucket, and one uploaded that
    # the backup never saw.
    original, rendition = "blog/images/2026/photo.jpg", next(k for k in keys if "CACHE/" in k)
    for key in (original, rendition):
        client.delete_object(Bucket=bucket, Key=key)
    client.put_object(Bucket=bucket, Key="blog/images/later.png", Body=b"later")

    result = site.manage("restore", str(archive))
    assert "1 object(s) of the bucket are not in the archive" in result.stdout
    assert bucket_files(client, bucket) == {**before, "blog/images/later.png": ANY}
    # Back with the headers an upload gets: browsers and the CDN cache them as before.
    restored = client.head_object(Bucket=bucket, Key=original)
    assert restored["ContentType"] == "image/jpeg"
    assert restored["CacheControl"] == "public, max-age=3600"
    restored = client.head_object(Bucket=bucket, Key=rendition)
    assert restored["ContentType"] == "image/webp"
    assert restored["CacheControl"] == "public, max-age=31536000, immutable"


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")}
    environment["VITRINE_VAR_DIR"] = str(tmp_path / "var")

    def restore(path):
        return subprocess.run(
            [sys.executable, "manage.py", "restore", str(path)],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )

    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not an archive")
    result = restore(bogus)
    assert result.returncode != 0
    assert "not a readable backup" in result.stderr

    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        payload = tmp_path / "payload"
        payload.write_text("x")
        tar.add(payload, arcname="../../escaped")
    result = restore(evil)
    assert result.returncode != 0
    assert "suspicious" in result.stderr
    assert not (tmp_path.parent / "escaped").exists()
