"""RSS and Atom feeds: valid for feedparser, whole posts with absolute image URLs, public posts only."""

import re
from datetime import date, timedelta
from io import BytesIO
from urllib.parse import urlsplit

import feedparser
import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from blog.models import Author, Category, Figure, Post, Question, RichText, Tag
from tests.factories import count_queries, make_post
from tests.s3 import media_address, media_prefix

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
FEEDS = ["/blog/feed/rss/", "/blog/feed/atom/"]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def jpeg(width=1200, height=800):
    buffer = BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(buffer, format="JPEG")
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def serve_media_from(settings, cdn):
    """Media linked from `cdn`: MEDIA_URL on disk, AWS_S3_CUSTOM_DOMAIN's option on a bucket."""
    if not settings.AWS_STORAGE_BUCKET_NAME:
        settings.MEDIA_URL = f"{cdn}/media/"
        return
    scheme, domain = cdn.split("//")
    default = settings.STORAGES["default"]
    # url_protocol is django-storages' AWS_S3_URL_PROTOCOL ("https:" unless set).
    options = {**default["OPTIONS"], "custom_domain": domain, "url_protocol": scheme}
    settings.STORAGES = {**settings.STORAGES, "default": {**default, "OPTIONS": options}}


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


@pytest.fixture
def blog():
    owner = Author.objects.create(name="Nathalie Rousseau", is_site_owner=True)
    career = Category.objects.create(name="Carrière", slug="carriere")
    product = Category.objects.create(name="Produit", slug="produit")
    support = Tag.objects.create(name="support", slug="support")
    method = Tag.objects.create(name="méthode", slug="methode")
    story = make_post(
        "Dix ans de support",
        slug="dix-ans-de-support",
        standfirst="Ce que les utilisateurs m’ont appris.",
        author=owner,
        category=career,
        tags=[support],
        cover=jpeg(),
        cover_alt="Un casque posé sur un bureau",
        cover_caption="Mon premier poste",
        cover_credit="© Nathalie Rousseau",
        updated_on=timezone.localdate(),
        update_note="Chiffres mis à jour.",
    )
    RichText.objects.create(
        parent=story, region="body", ordering=10, text="<h2>Le début</h2><p>Un lundi.</p>"
    )
    Figure.objects.create(
        parent=story,
        region="body",
        ordering=20,
        image=jpeg(1600, 1000),
        alt="Le plateau du support",
        caption="Le plateau en 2016",
        credit="Source Wikipedia",
    )
    Question.objects.create(
        parent=story, region="body", ordering=30, question="Pourquoi ?", answer="<p>Parce que.</p>"
    )
    backlog = make_post(
        "Un backlog sans douleur",
        slug="backlog-sans-douleur",
        category=product,
        tags=[method],
        published_at=timezone.now() - timedelta(days=3),
    )
    RichText.objects.create(
        parent=backlog, region="body", ordering=10, text="<p>Trois habitudes.</p>"
    )
    make_post(
        "Brouillon secret",
        slug="brouillon",
        status=Post.Status.DRAFT,
        category=career,
        tags=[support],
    )
    make_post(
        "Billet programmé",
        slug="a-paraitre",
        category=career,
        tags=[support],
        published_at=timezone.now() + timedelta(days=1),
    )
    return {"story": story, "backlog": backlog}


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_are_valid_and_list_public_posts_newest_first(client, blog, url):
    response, feed = parse(client, url)
    assert [entry.title for entry in feed.entries] == [
        "Dix ans de support",
        "Un backlog sans douleur",
    ]
    assert feed.feed.title == "Vitrine – Blog"
    assert feed.feed.link == f"{SITE}/blog/"
    body = response.content.decode()
    assert "Brouillon secret" not in body and "Billet programmé" not in body
    assert not EMAIL.search(body), "a feed never shows an email address"


@pytest.mark.parametrize("url", FEEDS)
def test_entries_carry_the_whole_post_with_absolute_image_urls(client, blog, url):
    _response, feed = parse(client, url)
    entry = feed.entries[0]
    assert entry.link == f"{SITE}/blog/dix-ans-de-support/"
    assert entry.author == "Nathalie Rousseau"
    assert {tag.term for tag in entry.tags} == {"Carrière", "support"}
    assert entry.published_parsed
    if "atom" in url:
        assert entry.updated_parsed
    html = entry.content[0].value
    # "Pourquoi ?" with French typography's narrow no-break space (blog/typography.py).
    for text in ["Le début", "Un lundi.", "Pourquoi\u202f?", "Parce que.", "Le plateau en 2016"]:
        assert text in html
    assert "Source Wikipedia" in html and "© Nathalie Rousseau" in html
    assert "Chiffres mis à jour." in html
    sources = re.findall(r'src="([^"]+)"', html)
    assert len(sources) == 2  # the cover and the figure
    assert all(url.startswith(media_address()) for url in sources), sources


@pytest.mark.parametrize("url", FEEDS)
def test_every_media_url_in_a_feed_is_absolute(client, blog, url):
    body = client.get(url).content.decode()
    # What comes before each media path: the origin a feed reader would fetch it from.
    path = urlsplit(media_address()).path
    media = re.findall(rf"(\S{{0,30}}){re.escape(path)}", body)
    assert len(media) >= 8  # cover and figure: src and several srcset widths each
    assert all(prefix.endswith(media_address().removesuffix(path)) for prefix in media), media


def test_rss_keeps_the_excerpt_in_description_and_the_post_in_content_encoded(client, blog):
    body = client.get("/blog/feed/rss/").content.decode()
    assert "<description>Ce que les utilisateurs m’ont appris.</description>" in body
    assert "<content:encoded>" in body
    assert '<guid isPermaLink="false">tag:127.0.0.1,' in body


def test_an_update_moves_the_updated_date_not_the_publication(client, blog):
    story = blog["story"]
    story.published_at = timezone.now() - timedelta(days=30)
    story.updated_on = date.today()
    story.save()
    _response, feed = parse(client, "/blog/feed/atom/")
    entry = next(entry for entry in feed.entries if entry.title == "Dix ans de support")
    assert entry.updated_parsed > entry.published_parsed


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_category_and_tag_feeds_hold_their_posts_only(client, blog, kind):
    _response, feed = parse(client, f"/blog/feed/category/produit/{kind}/")
    assert [entry.title for entry in feed.entries] == ["Un backlog sans douleur"]
    assert "Produit" in feed.feed.title
    _response, feed = parse(client, f"/blog/feed/tag/support/{kind}/")
    assert [entry.title for entry in feed.entries] == ["Dix ans de support"]
    assert "support" in feed.feed.title
    assert client.get(f"/blog/feed/tag/nope/{kind}/").status_code == 404


def test_english_feed_speaks_english(client, blog):
    _response, feed = parse(client, "/en/blog/feed/rss/")
    assert feed.feed.language == "en"
    assert feed.entries[0].link == f"{SITE}/en/blog/dix-ans-de-support/"


def test_hostile_text_never_reaches_a_feed(client, blog):
    RichText.objects.create(
        parent=blog["backlog"],
        region="body",
        ordering=20,
        text='<p>Hi<script>alert(1)</script><img src=x onerror="alert(2)"></p>',
    )
    for url in FEEDS:
        _response, feed = parse(client, url)
        html = feed.entries[1].content[0].value
        assert "<script" not in html and "onerror" not in html


def test_pages_announce_the_feeds(client, blog):
    html = client.get("/blog/").content.decode()
    assert (
        f'<link rel="alternate" type="application/rss+xml" title="Vitrine – Blog (RSS)" href="{SITE}/blog/feed/rss/">'
        in html
    )
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="Vitrine – Blog (Atom)" href="{SITE}/blog/feed/atom/">'
        in html
    )
    html = client.get("/blog/category/produit/").content.decode()
    assert f'href="{SITE}/blog/feed/category/produit/rss/"' in html
    html = client.get("/blog/tag/support/").content.decode()
    assert f'href="{SITE}/blog/feed/tag/support/rss/"' in html


def populate(count):
    category = Category.objects.create(name="Cat", slug="cat")
    tags = [Tag.objects.create(name=f"tag {i}", slug=f"tag-{i}") for i in range(3)]
    author = Author.objects.create(name="Auteur", is_site_owner=True)
    now = timezone.now()
    posts = Post.objects.bulk_create(
        Post(
            title=f"Billet {i}",
            slug=f"billet-{i}",
            status=Post.Status.PUBLISHED,
            published_at=now - timedelta(hours=i + 1),
            category=category,
            author=author,
        )
        for i in range(count)
    )
    Post.tags.through.objects.bulk_create(
        Post.tags.through(post=post, tag=tag) for post in posts for tag in tags
    )
    RichText.objects.bulk_create(
        RichText(parent=post, region="body", ordering=10, text="<h2>A</h2><p>texte</p>")
        for post in posts
    )
    Question.objects.bulk_create(
        Question(parent=post, region="body", ordering=20, question="Q ?", answer="<p>R</p>")
        for post in posts
    )


@pytest.mark.parametrize(
    "url", [*FEEDS, "/blog/feed/category/cat/atom/", "/blog/feed/tag/tag-1/rss/"]
)
def test_feed_query_count_does_not_grow_with_posts(client, url, django_assert_num_queries):
    populate(5)
    client.get(url)  # once, for what a process caches for good (the Site, the translations)
    small = count_queries(client, url)
    for model in (Post, Category, Tag, Author):
        model.objects.all().delete()
    populate(50)
    cache.clear()
    with django_assert_num_queries(small):
        client.get(url)
    assert small <= 12


@pytest.mark.parametrize(
    ("cdn", "expected"),
    [
        ("https://cdn.example.com", "https://cdn.example.com"),
        # Protocol-relative: the feed reader is not on our page, it needs a scheme.
        ("//cdn.example.com", "http://cdn.example.com"),
    ],
)
def test_media_served_from_a_cdn_keeps_its_own_address_in_feeds(
    client, blog, settings, cdn, expected
):
    serve_media_from(settings, cdn)
    path = urlsplit(media_prefix()).path  # /media/, or the suite's folder on the bucket
    body = client.get("/blog/feed/atom/").content.decode()
    media = re.findall(rf"([^\s;\"]*){re.escape(path)}", body)
    assert len(media) >= 8  # cover and figure: src and several srcset widths each
    assert all(prefix == expected for prefix in media), media


@pytest.mark.parametrize("url", ["/blog/feed/rss/", "/blog/feed/atom/"])
def test_markup_typed_in_a_standfirst_reaches_readers_as_text(client, url):
    make_post(title="Balises", standfirst="Avant <b>x</b> & <i>après</i>")
    _response, feed = parse(client, url)
    summary = feed.entries[0].summary
    # The summary is HTML to the reader: the typed tags must arrive escaped, shown as typed.
    assert "<b>" not in summary and "<i>" not in summary
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;i&gt;après&lt;/i&gt;" in summary
