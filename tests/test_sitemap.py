"""sitemap.xml and robots.txt: what crawlers are told."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from blog.models import Category, Post, Series, Tag
from tests.conftest import pass_second_factor
from tests.factories import count_queries, make_post

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # raises on invalid XML
    return {url.findtext("s:loc", namespaces=NS): url for url in root.findall("s:url", NS)}


@pytest.fixture
def blog():
    career = Category.objects.create(name="Carrière", slug="carriere")
    Category.objects.create(name="Vide", slug="vide")
    support = Tag.objects.create(name="support", slug="support")
    hidden = Tag.objects.create(name="caché", slug="cache")
    interviews = Series.objects.create(name="Entretiens", slug="entretiens")
    post = make_post(
        slug="dix-ans",
        category=career,
        tags=[support],
        series=interviews,
        series_number=1,
        published_at=timezone.now() - timedelta(days=400),
    )
    make_post(slug="brouillon", status=Post.Status.DRAFT, tags=[hidden])
    make_post(slug="a-paraitre", published_at=timezone.now() + timedelta(days=3), tags=[hidden])
    return post


def test_sitemap_lists_published_posts_with_lastmod_in_both_languages(client, blog):
    urls = sitemap(client)
    post = urls[f"{SITE}/blog/dix-ans/"]
    assert (
        post.findtext("s:lastmod", namespaces=NS)
        == timezone.localdate(blog.modified_at).isoformat()
    )
    assert f"{SITE}/en/blog/dix-ans/" in urls
    alternates = {link.get("hreflang"): link.get("href") for link in post.findall("x:link", NS)}
    assert alternates == {
        "fr": f"{SITE}/blog/dix-ans/",
        "en": f"{SITE}/en/blog/dix-ans/",
        "x-default": f"{SITE}/blog/dix-ans/",
    }


def test_sitemap_never_lists_drafts_scheduled_posts_or_empty_lists(client, blog):
    urls = "\n".join(sitemap(client))
    assert "brouillon" not in urls
    assert "a-paraitre" not in urls
    assert "/tag/cache/" not in urls
    assert "/category/vide/" not in urls


def test_sitemap_lists_home_profile_and_blog_lists(client, blog):
    urls = sitemap(client)
    year = timezone.localtime(blog.published_at).year
    for path in [
        "/",
        "/profile/",
        "/blog/",
        "/blog/category/carriere/",
        "/blog/tag/support/",
        "/blog/series/entretiens/",
        f"/blog/{year}/",
        "/en/",
        "/en/blog/tag/support/",
    ]:
        assert f"{SITE}{path}" in urls, path
    assert urls[f"{SITE}/blog/tag/support/"].findtext("s:lastmod", namespaces=NS) == (
        timezone.localtime(blog.published_at).date().isoformat()
    )


def test_sitemap_urls_follow_site_url_not_the_request_host(client, blog):
    with override_settings(SITE_URL="https://example.org", ALLOWED_HOSTS=["other.test"]):
        urls = sitemap(client.__class__(HTTP_HOST="other.test"))
    assert all(url.startswith("https://example.org/") for url in urls)


def test_sitemap_is_valid_with_no_post_at_all(client, db):
    urls = sitemap(client)
    assert f"{SITE}/" in urls and f"{SITE}/blog/" in urls


def test_robots_points_to_the_sitemap_and_keeps_crawlers_out_of_private_paths(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    for path in ["/blog/preview/", "/en/blog/preview/", "/blog/search/"]:
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines  # the site itself stays open


@override_settings(ADMIN_PATH="gestion-7f3a")
def test_robots_never_tells_where_the_admin_is(client, db):
    # ADMIN_PATH is meant to be hard to guess: robots.txt is public, so it must not name it.
    body = client.get("/robots.txt").content.decode()
    assert "gestion-7f3a" not in body and "admin" not in body


def test_admin_pages_tell_search_engines_not_to_index_them(client, admin_user):
    # What keeps the admin out of search results, now that robots.txt does not list it.
    def noindex(response):
        meta = re.search(r'<meta name="robots" content="([^"]+)"', response.content.decode())
        directives = (meta.group(1) if meta else "") + response.get("X-Robots-Tag", "")
        return "none" in directives.lower() or "noindex" in directives.lower()

    assert noindex(client.get("/admin/login/"))
    pass_second_factor(client, admin_user)
    assert noindex(client.get("/admin/"))
    assert noindex(client.get("/admin/blog/post/"))


def test_sitemap_query_count_does_not_grow_with_posts(client, db, django_assert_num_queries):
    from django.core.cache import cache

    def populate(start, count):
        tag = Tag.objects.create(name=f"t{start}", slug=f"t{start}")
        category = Category.objects.create(name=f"c{start}", slug=f"c{start}")
        for number in range(start, start + count):
            make_post(
                slug=f"billet-{number}",
                category=category,
                tags=[tag],
                published_at=timezone.now() - timedelta(days=40 * number + 1),
            )

    populate(0, 5)
    client.get("/sitemap.xml")  # once, for what a process caches for good (the Site)
    small = count_queries(client, "/sitemap.xml")
    populate(5, 45)
    cache.clear()
    with django_assert_num_queries(small):
        client.get("/sitemap.xml")


def test_past_1000_urls_the_sitemap_becomes_an_index_of_small_sitemaps(client, db):
    now = timezone.now()
    make_post(slug="premier", published_at=now - timedelta(days=500))
    client.get("/sitemap.xml")  # once, for what a process caches for good (the Site)
    one_file = count_queries(client, "/sitemap.xml")
    Post.objects.bulk_create(
        Post(
            title=f"Billet {number}",
            slug=f"billet-{number}",
            status=Post.Status.PUBLISHED,
            published_at=now - timedelta(hours=number + 1),
        )
        for number in range(1100)
    )
    cache.clear()  # bulk_create tells the page cache nothing

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    # Each part's last change, read from the items listed for the count: no query more.
    assert root.find("s:sitemap/s:lastmod", NS).text.startswith(str(now.year))
    cache.clear()
    assert count_queries(client, "/sitemap.xml") == one_file
    parts = [loc.text for loc in root.findall("s:sitemap/s:loc", NS)]
    # 1,100 posts in two languages: 2,200 URLs in three files of at most 1,000.
    posts = [f"{SITE}/sitemap-posts.xml", f"{SITE}/sitemap-posts.xml?p=2"]
    assert set(posts + [f"{SITE}/sitemap-posts.xml?p=3"]) <= set(parts)
    assert all(part.startswith(f"{SITE}/sitemap-") for part in parts)
    listed = []
    for part in parts:
        page = client.get(part.removeprefix(SITE))
        assert page.status_code == 200, part
        urls = ET.fromstring(page.content).findall("s:url/s:loc", NS)
        assert len(urls) <= 1000
        listed += [url.text for url in urls]
    assert f"{SITE}/blog/billet-1099/" in listed and f"{SITE}/en/blog/billet-0/" in listed
    assert len([url for url in listed if "/blog/billet-" in url]) == 2200
    assert len(listed) == len(set(listed))


def test_a_small_site_keeps_one_sitemap(client, blog):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
