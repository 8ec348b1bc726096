"""Every public page costs the same whatever the amount of content, and stays light.

Each feature pins its own pages' exact counts; this file walks every public page at two
sizes of the benchmark's site (tests/dataset.py: the demo plus 5 posts and 3 comments,
then plus 200 posts, 300 threaded comments, more tags and profile entries).
"""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.test.utils import override_settings

from blog.models import Post
from tests import dataset
from tests.dataset import public_urls
from tests.factories import count_queries
from tests.s3 import media_prefix

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10
# Pages that opt out of every cache: the contact form carries a signed "shown at" time.
NEVER_CACHED = {"contact"}
MAX_POST_PAGE_BYTES = 60_000
STYLESHEET = re.compile(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"')
SCRIPT_SRC = re.compile(r'<script[^>]+src="([^"]+)"')


def queries_per_page(urls):
    client = Client()
    # The page cache off: what a page costs when it is rendered.
    counts = {}
    with override_settings(PAGE_CACHE_SECONDS=0):
        for name, path in urls:
            # Once first: the CV keeps its PDF in the cache, like in production.
            client.get(path)
            counts[name] = count_queries(client, path)
    return counts


def test_every_public_page_runs_the_same_few_queries_at_both_sizes(demo):
    post = dataset.grow("small")
    urls = public_urls(post)
    small = queries_per_page(urls)
    dataset.grow("large")
    large = queries_per_page(urls)

    assert Post.objects.count() > 200
    assert {name: large[name] for name in large if large[name] != small[name]} == {}, (
        f"small: {small}"
    )
    assert {name: count for name, count in large.items() if count > MAX_QUERIES} == {}


def test_a_cached_page_costs_no_query_at_all(demo, django_assert_num_queries):
    post = dataset.grow("small")
    client = Client()
    for name, path in public_urls(post):
        if name in NEVER_CACHED:
            continue
        client.get(path)
        with django_assert_num_queries(0):
            assert client.get(path)["X-Cache"] == "HIT", path


def asset_bytes(url):
    path = finders.find(url.removeprefix(settings.STATIC_URL).removeprefix("/static/"))
    assert path, f"{url} is not a static file of ours"
    with open(path, "rb") as asset:
        return len(asset.read())


def test_demo_posts_weigh_under_60_kb_with_one_stylesheet_and_no_script(client, demo):
    for post in Post.objects.published():
        html = client.get(post.get_absolute_url()).content.decode()
        stylesheets = STYLESHEET.findall(html)
        scripts = SCRIPT_SRC.findall(html)
        assert len(stylesheets) == 1, post.slug
        assert scripts == [], post.slug
        # Nothing fetched from another site (fonts, CDN, avatars) but our own media bucket.
        for url in re.findall(
            r'<(?:img|link|script|source)[^>]+(?:src|href|srcset)="([^"]+)"', html
        ):
            assert url.startswith(("/", settings.SITE_URL, media_prefix())), url
        weight = len(html.encode()) + sum(asset_bytes(url) for url in stylesheets + scripts)
        assert weight < MAX_POST_PAGE_BYTES, f"{post.slug}: {weight} bytes"


def test_post_images_are_sized_renditions_and_only_the_first_loads_eagerly(client, demo):
    post = max(Post.objects.published(), key=dataset.block_count)
    images = re.findall(r"<img[^>]*>", client.get(post.get_absolute_url()).content.decode())
    assert len(images) > 1
    for image in images:
        assert re.search(r'\swidth="\d+"', image) and re.search(r'\sheight="\d+"', image), image
        assert "srcset=" in image, image
    assert 'loading="lazy"' not in images[0]
    assert all('loading="lazy"' in image for image in images[1:])
