"""Uploads live under unguessable names and go with what used them (issue 16, finding 6).

Through the storage API only, so the same tests hold with media on a bucket (CI's S3 pass).
"""

import io
import posixpath
import re

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from blog.models import Post
from portfolio.models import Profile
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def jpeg(name="x.jpg", color="red"):
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), color).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name=name)


def renditions_of(name):
    """Every file imagekit made from the image stored as `name`."""
    folder = posixpath.join(settings.IMAGEKIT_CACHEFILE_DIR, posixpath.splitext(name)[0])
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return [posixpath.join(folder, file) for file in files]


def post_with_cover(django_capture_on_commit_callbacks, **fields):
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(cover_alt="Une photo", **fields)
        post.cover = jpeg()
        post.save()
    return post


def test_an_upload_is_stored_under_an_unguessable_name(django_capture_on_commit_callbacks):
    first = post_with_cover(django_capture_on_commit_callbacks, title="Un", slug="un")
    second = post_with_cover(django_capture_on_commit_callbacks, title="Deux", slug="deux")
    pattern = r"blog/covers/\d{4}/[A-Za-z0-9_-]{22,}-x\.jpg"
    assert re.fullmatch(pattern, first.cover.name), first.cover.name
    assert re.fullmatch(pattern, second.cover.name)
    assert first.cover.name != second.cover.name
    assert not default_storage.exists(f"blog/covers/{first.created_at:%Y}/x.jpg")


def test_deleting_a_post_removes_its_cover_and_renditions(django_capture_on_commit_callbacks):
    post = post_with_cover(django_capture_on_commit_callbacks, title="Un", slug="un")
    name = post.cover.name
    post.cover_800.generate()
    assert default_storage.exists(name) and renditions_of(name)
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert not default_storage.exists(name)
    assert renditions_of(name) == []


def test_replacing_a_profile_photo_removes_the_old_one(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        profile = Profile.objects.create(full_name="Ada Martin", headline="PO", photo=jpeg("a.jpg"))
    old = profile.photo.name
    profile.photo_160.generate()
    assert default_storage.exists(old) and renditions_of(old)
    with django_capture_on_commit_callbacks(execute=True):
        profile.photo = jpeg("b.jpg", color="blue")
        profile.save()
    assert default_storage.exists(profile.photo.name)
    assert not default_storage.exists(old)
    assert renditions_of(old) == []


def test_a_file_another_row_still_uses_is_kept(django_capture_on_commit_callbacks):
    """The importer stores one photo once, however many posts show it."""
    post = post_with_cover(django_capture_on_commit_callbacks, title="Un", slug="un")
    other = make_post(title="Deux", slug="deux")
    Post.objects.filter(pk=other.pk).update(cover=post.cover.name, cover_alt="Une photo")
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert default_storage.exists(other.__class__.objects.get(pk=other.pk).cover.name)


def test_orphaned_files_are_listed_then_removed_on_request(django_capture_on_commit_callbacks):
    post = post_with_cover(django_capture_on_commit_callbacks, title="Un", slug="un")
    orphan = default_storage.save("blog/covers/2020/abandoned.jpg", jpeg())
    rendition = default_storage.save(
        posixpath.join(settings.IMAGEKIT_CACHEFILE_DIR, "blog/covers/2020/gone/abc.webp"),
        ContentFile(b"RIFF"),
    )
    out = io.StringIO()
    call_command("find_orphan_media", stdout=out)
    listed = out.getvalue()
    assert orphan in listed and rendition in listed
    assert post.cover.name not in listed
    assert default_storage.exists(orphan)  # a dry run by default

    call_command("find_orphan_media", "--delete", stdout=io.StringIO())
    assert not default_storage.exists(orphan) and not default_storage.exists(rendition)
    assert default_storage.exists(post.cover.name)
