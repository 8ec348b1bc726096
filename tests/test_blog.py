import json
import re
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from blog.models import (
    Author,
    Category,
    Figure,
    GalleryImage,
    OldSlug,
    Post,
    PullQuote,
    Question,
    RichText,
    Series,
    Tag,
)
from tests.conftest import pass_second_factor
from tests.factories import count_queries, make_post
from tests.s3 import media_address

pytestmark = pytest.mark.django_db


def jpeg(width=2000, height=1200, name="photo.jpg"):
    buffer = BytesIO()
    Image.new("RGB", (width, height), (200, 120, 80)).save(buffer, format="JPEG")
    return ContentFile(buffer.getvalue(), name=name)


def text(post, html, ordering=10):
    return RichText.objects.create(parent=post, region="body", ordering=ordering, text=html)


def ld_json(response):
    scripts = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return [json.loads(script) for script in scripts]


# Publication rules ---------------------------------------------------------


def test_published_post_is_readable(client):
    post = make_post(title="Dix ans de support")
    text(post, "<p>Bonjour le monde.</p>")
    response = client.get("/blog/un-billet/")
    assert response.status_code == 200
    assert "Bonjour le monde." in response.content.decode()
    assert "Dix ans de support" in client.get("/blog/").content.decode()


def test_draft_is_404_for_visitors(client):
    make_post(status=Post.Status.DRAFT, title="Brouillon secret")
    assert client.get("/blog/un-billet/").status_code == 404
    assert "Brouillon secret" not in client.get("/blog/").content.decode()


def test_scheduled_post_appears_by_itself_at_its_time(client):
    publish_at = timezone.now() + timedelta(hours=2)
    make_post(published_at=publish_at, title="Bientôt")
    assert client.get("/blog/un-billet/").status_code == 404
    assert "Bientôt" not in client.get("/blog/").content.decode()
    # Time passes: no job runs, nothing is saved; the clock alone publishes it.
    with time_machine.travel(publish_at + timedelta(seconds=1), tick=False):
        assert client.get("/blog/un-billet/").status_code == 200
        assert "Bientôt" in client.get("/blog/").content.decode()


def test_staff_preview_shows_drafts_with_a_banner_and_noindex(client, admin_user):
    post = make_post(status=Post.Status.DRAFT, title="Brouillon")
    assert client.get(f"/blog/preview/{post.pk}/").status_code == 302  # to the login page
    client.force_login(admin_user)
    response = client.get(f"/blog/preview/{post.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="preview-banner"' in html and "Brouillon" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    # Staff still get a 404 at the public address: the preview is the only way in.
    assert client.get("/blog/un-billet/").status_code == 404


def test_scheduled_preview_says_when(client, admin_user):
    post = make_post(published_at=timezone.now() + timedelta(days=2))
    client.force_login(admin_user)
    html = client.get(f"/blog/preview/{post.pk}/").content.decode()
    assert "preview-banner" in html
    assert "Programmé" in html or "Scheduled" in html


def test_changed_slug_redirects_permanently(client):
    post = make_post(slug="ancien-titre")
    post.slug = "nouveau-titre"
    post.save()
    response = client.get("/blog/ancien-titre/")
    assert response.status_code == 301
    assert response["Location"] == "/blog/nouveau-titre/"
    # Taking the old slug back removes the redirect.
    post.slug = "ancien-titre"
    post.save()
    assert client.get("/blog/ancien-titre/").status_code == 200
    assert client.get("/blog/nouveau-titre/").status_code == 301
    assert OldSlug.objects.filter(slug="ancien-titre").count() == 0


def test_old_slug_of_a_draft_is_404(client):
    post = make_post(slug="ancien")
    post.slug = "nouveau"
    post.status = Post.Status.DRAFT
    post.save()
    assert client.get("/blog/ancien/").status_code == 404


# Sanitization --------------------------------------------------------------

HOSTILE = '<p>Salut<script>alert("x")</script><img src=x onerror=alert(1)><a href="javascript:alert(2)">lien</a></p>'


def test_rich_text_is_sanitized_when_saved_through_a_form():
    post = make_post()
    block = RichText(parent=post, region="body", ordering=10, text=HOSTILE)
    block.full_clean()
    assert "<script" not in block.text
    assert "onerror" not in block.text
    assert "javascript:" not in block.text
    assert "Salut" in block.text


def test_hostile_html_never_reaches_the_page(client):
    post = make_post()
    # Saved without the form (e.g. an import): the page sanitizes again.
    text(post, HOSTILE)
    Question.objects.create(
        parent=post, region="body", ordering=20, question="<b>Q</b>?", answer=HOSTILE
    )
    html = client.get("/blog/un-billet/").content.decode()
    body = html[html.index('class="prose') :]
    assert "<script>alert" not in body
    assert "onerror" not in body
    assert "javascript:" not in body
    assert "&lt;b&gt;Q&lt;/b&gt;?" in body


def test_json_ld_cannot_be_closed_by_user_text(client):
    make_post(title="</script><script>alert(1)</script> & co")
    response = client.get("/blog/un-billet/")
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    posting = ld_json(response)[0]
    assert posting["headline"] == "</script><script>alert(1)</script> & co"


# Renditions ----------------------------------------------------------------


def test_renditions_are_made_when_the_image_is_saved():
    post = make_post(cover=jpeg(2000, 1200), cover_alt="Une photo")
    post.refresh_from_db()
    assert (post.cover_width, post.cover_height) == (2000, 1200)
    for width in (480, 800, 1200, 1600):
        rendition = getattr(post, f"cover_{width}")
        # Made at save time: the file is already in storage before any page is shown.
        assert default_storage.exists(rendition.name), width
        with default_storage.open(rendition.name) as file, Image.open(file) as image:
            assert image.format == "WEBP"
            assert image.size == (width, width * 1200 // 2000)


def test_small_images_are_never_enlarged():
    post = make_post()
    figure = Figure.objects.create(
        parent=post, region="body", ordering=10, image=jpeg(900, 600), alt="Petite"
    )
    picture = figure.picture
    assert picture.srcset.endswith("900w")
    assert "1200w" not in picture.srcset and "1600w" not in picture.srcset
    with default_storage.open(figure.image_1600.name) as file, Image.open(file) as image:
        assert image.size == (900, 600)


def test_images_have_size_srcset_and_lazy_loading_below_the_cover(client):
    post = make_post(
        cover=jpeg(), cover_alt="Couverture", cover_caption="Légende", cover_credit="© Moi"
    )
    Figure.objects.create(
        parent=post,
        region="body",
        ordering=10,
        image=jpeg(),
        alt="Figure",
        caption="Une figure",
        credit="Source : Wikipédia",
    )
    html = client.get("/blog/un-billet/").content.decode()
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 2
    cover, figure = images
    for img in images:
        assert 'width="2000" height="1200"' in img
        assert "480w" in img and "1600w" in img and ".webp" in img
    assert 'fetchpriority="high"' in cover and "loading=" not in cover
    assert 'loading="lazy"' in figure
    assert "Source : Wikipédia" in html and "© Moi" in html


def test_cover_needs_alt_text():
    from django.core.exceptions import ValidationError

    post = Post(title="T", slug="t", cover=jpeg())
    with pytest.raises(ValidationError) as error:
        post.full_clean()
    assert "cover_alt" in error.value.message_dict


# Pages ---------------------------------------------------------------------


def test_post_page_shows_date_author_update_note_toc_and_related(client):
    owner = Author.objects.create(
        name="Nathalie Rousseau", bio="Support puis produit.", is_site_owner=True
    )
    tag = Tag.objects.create(name="support", slug="support")
    category = Category.objects.create(name="Carrière", slug="carriere")
    post = make_post(
        slug="dix-ans",
        author=owner,
        category=category,
        tags=[tag],
        published_at=timezone.make_aware(timezone.datetime(2016, 10, 21, 12, 29)),
        updated_on=timezone.datetime(2020, 1, 5).date(),
        update_note="liens corrigés",
    )
    text(post, "<h2>Un</h2><p>a</p><h2>Deux</h2><p>b</p><h3>Trois</h3><p>c</p>")
    for index in range(4):
        make_post(slug=f"autre-{index}", title=f"Autre {index}", tags=[tag])
    make_post(slug="sans-rapport", title="Sans rapport")
    html = client.get("/blog/dix-ans/").content.decode()
    assert "Publié le 21 octobre 2016 à 12:29 par Nathalie Rousseau" in html
    assert "Mis à jour le 5 janvier 2020" in html and "liens corrigés" in html
    assert 'href="#un"' in html and 'id="un"' in html and 'href="#trois"' in html
    assert "À lire aussi" in html
    related = html[
        html.index('class="related"') : html.index("</section>", html.index('class="related"'))
    ]
    assert related.count("<li") == 3 and "Sans rapport" not in related
    assert 'href="/profile/"' in html or "/profil" in html
    english = client.get("/en/blog/dix-ans/").content.decode()
    assert "Published on Oct. 21, 2016 at 12:29 p.m. by Nathalie Rousseau" in english


def test_previous_and_next_walk_posts_published_at_the_same_time(client):
    # Imported together, the three posts share one publication time: the list orders them
    # newest id first, and previous/next must step through each of them in that order.
    moment = timezone.now() - timedelta(hours=2)
    first, second, third = (
        make_post(slug=slug, title=title, published_at=moment)
        for slug, title in [("un", "Premier"), ("deux", "Deuxième"), ("trois", "Troisième")]
    )
    make_post(slug="brouillon", title="Brouillon", status=Post.Status.DRAFT, published_at=moment)

    def neighbours(post):
        html = client.get(post.get_absolute_url()).content.decode()
        found = re.findall(r'rel="(prev|next)" href="/blog/([^/]+)/"', html)
        return dict(found)

    assert neighbours(first) == {"next": "deux"}
    assert neighbours(second) == {"prev": "un", "next": "trois"}
    assert neighbours(third) == {"prev": "deux"}


def test_list_pages_have_their_own_title_and_canonical(client):
    tag = Tag.objects.create(name="méthode", slug="methode")
    category = Category.objects.create(name="Produit", slug="produit")
    series = Series.objects.create(name="Métiers", slug="metiers", item_label="Entretien")
    make_post(
        slug="a",
        title="Entretien A",
        series=series,
        series_number=2,
        category=category,
        tags=[tag],
        published_at=timezone.now() - timedelta(days=3),
    )
    make_post(
        slug="b",
        title="Entretien B",
        series=series,
        series_number=1,
        published_at=timezone.now() - timedelta(days=1),
    )
    year = timezone.now().year
    pages = {
        "/blog/": "Blog",
        "/blog/tag/methode/": "méthode",
        "/blog/category/produit/": "Produit",
        "/blog/series/metiers/": "Métiers",
        f"/blog/{year}/": str(year),
    }
    for url, title in pages.items():
        html = client.get(url).content.decode()
        assert f'<link rel="canonical" href="http://127.0.0.1:8000{url}">' in html, url
        assert title in html.split("<title>")[1].split("</title>")[0], url
    series_html = client.get("/blog/series/metiers/").content.decode()
    assert series_html.index("Entretien B") < series_html.index("Entretien A")
    assert "Entretien #1" in series_html and "Entretien #2" in series_html
    assert client.get("/blog/1999/").status_code == 404


def test_year_archive_pages_through_the_posts_of_that_year_only(client):
    for day in range(1, 13):
        make_post(
            slug=f"juin-{day}",
            title=f"Juin {day}",
            published_at=datetime(2021, 6, day, 12, tzinfo=UTC),
        )
    make_post(
        slug="l-an-d-apres", title="L’an d’après", published_at=datetime(2022, 1, 5, tzinfo=UTC)
    )
    first = client.get("/blog/2021/").content.decode()
    assert first.count('class="post-card"') == 10
    assert first.index("Juin 12") < first.index("Juin 3")
    assert "L’an d’après" not in first
    second = client.get("/blog/2021/?page=2").content.decode()
    assert second.count('class="post-card"') == 2 and "Juin 1<" in second
    assert '<link rel="canonical" href="http://127.0.0.1:8000/blog/2021/?page=2">' in second
    # As on the other lists, a page past the end shows the last one.
    assert client.get("/blog/2021/?page=99").content.decode().count('class="post-card"') == 2


@pytest.mark.parametrize("year", ["0", "1", "9999", "10000", "99999999999999999999"])
def test_a_year_outside_the_calendar_is_not_found(client, year):
    make_post()
    assert client.get(f"/blog/{year}/").status_code == 404


def test_english_post_and_cards_carry_their_language(client):
    make_post(title="Notes from a review", language="en")
    assert '<article class="post-card" lang="en">' in client.get("/blog/").content.decode()
    assert '<article class="post" lang="en">' in client.get("/blog/un-billet/").content.decode()


def test_json_ld_describes_the_post(client):
    owner = Author.objects.create(name="Nathalie Rousseau", is_site_owner=True)
    post = make_post(
        author=owner,
        cover=jpeg(),
        cover_alt="Alt",
        cover_caption="Le plateau",
        cover_credit="© N. R.",
    )
    Figure.objects.create(
        parent=post,
        region="body",
        ordering=10,
        image=jpeg(),
        alt="F",
        caption="Figure",
        credit="Source : Wikipédia",
    )
    posting, crumbs = ld_json(client.get("/blog/un-billet/"))
    assert posting["@type"] == "BlogPosting"
    assert posting["author"]["name"] == "Nathalie Rousseau"
    assert posting["commentCount"] == 0
    assert posting["datePublished"]
    assert [image["creditText"] for image in posting["image"]] == ["© N. R.", "Source : Wikipédia"]
    assert posting["image"][0]["caption"] == "Le plateau"
    assert crumbs["@type"] == "BreadcrumbList"
    assert crumbs["itemListElement"][-1]["name"] == "Un billet"


def test_open_graph_and_twitter_tags(client):
    make_post(standfirst="Le chapeau du billet", cover=jpeg(), cover_alt="Alt")
    html = client.get("/blog/un-billet/").content.decode()
    assert '<meta property="og:title" content="Un billet">' in html
    assert '<meta property="og:description" content="Le chapeau du billet">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert re.search(
        rf'<meta property="og:image" content="{re.escape(media_address())}CACHE/[^"]+\.webp">',
        html,
    )


def test_gallery_and_pull_quote_render_without_javascript(client):
    post = make_post()
    for index in range(3):
        GalleryImage.objects.create(
            parent=post,
            region="body",
            ordering=10 + index,
            image=jpeg(800, 600),
            alt=f"Photo {index}",
            caption=f"Légende {index}",
        )
    PullQuote.objects.create(
        parent=post, region="body", ordering=20, quote="Une phrase forte", attribution="Nadia"
    )
    html = client.get("/blog/un-billet/").content.decode()
    assert html.count('class="gallery__item"') == 3
    assert html.count('class="block gallery"') == 1
    assert "Une phrase forte" in html and "<blockquote>" in html


def test_reading_time_and_excerpt_are_computed(client):
    post = make_post(standfirst="")
    text(post, "<p>" + "mot " * 700 + "</p>")
    html = client.get("/blog/").content.decode()
    assert "4 min de lecture" in html
    detail = client.get("/blog/un-billet/").content.decode()
    assert re.search(r'<meta name="description" content="(mot ){29}mot…">', detail)


# Query counts ---------------------------------------------------------------


def populate(count):
    category = Category.objects.create(name="Cat", slug="cat")
    tags = [Tag.objects.create(name=f"tag {i}", slug=f"tag-{i}") for i in range(3)]
    series = Series.objects.create(name="Série", slug="serie", item_label="Entretien")
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
            series=series if i % 2 else None,
            series_number=i if i % 2 else None,
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
    PullQuote.objects.bulk_create(
        PullQuote(parent=post, region="body", ordering=30, quote="Citation") for post in posts
    )
    return posts


PAGES = [
    "/blog/",
    "/blog/tag/tag-1/",
    "/blog/category/cat/",
    "/blog/series/serie/",
    "/blog/billet-2/",
]


@pytest.mark.parametrize("url", PAGES)
def test_query_count_does_not_grow_with_posts(client, url, django_assert_num_queries):
    populate(5)
    small = count_queries(client, url)
    Post.objects.all().delete()
    Category.objects.all().delete()
    Tag.objects.all().delete()
    Series.objects.all().delete()
    Author.objects.all().delete()
    populate(200)
    with django_assert_num_queries(small):
        client.get(url)


# Admin ----------------------------------------------------------------------


def test_admin_list_counts_drafts_and_scheduled_and_publishes_in_bulk(client, admin_user):
    make_post(slug="brouillon", status=Post.Status.DRAFT)
    make_post(slug="plus-tard", published_at=timezone.now() + timedelta(days=3))
    make_post(slug="en-ligne")
    pass_second_factor(client, admin_user)
    html = client.get("/admin/blog/post/").content.decode()
    assert "1 brouillon · 1 programmé" in html
    draft = Post.objects.get(slug="brouillon")
    response = client.post(
        "/admin/blog/post/",
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "1 billet publié." in response.content.decode()
    assert client.get("/blog/brouillon/").status_code == 200
    client.post("/admin/blog/post/", {"action": "unpublish", "_selected_action": [draft.pk]})
    client.logout()
    assert client.get("/blog/brouillon/").status_code == 404


def test_admin_post_form_keeps_the_strict_policy_but_for_its_import_map(client, admin_user):
    pass_second_factor(client, admin_user)
    policy = client.get("/admin/blog/post/add/")["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if "script-src" in part)
    assert "'sha256-" in script_src and "unsafe-inline" not in script_src
    # Every other admin page keeps the site's policy.
    other = client.get("/admin/blog/tag/add/")["Content-Security-Policy"]
    assert "sha256" not in other and "unsafe-inline" not in other


def test_a_post_cannot_take_the_address_of_a_blog_page():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        Post(title="Search", slug="search").full_clean()
    assert "slug" in error.value.message_dict


@pytest.mark.parametrize("slug", ["2024", "42", "0"])
def test_a_post_cannot_take_an_address_of_digits_only(client, slug):
    # /blog/<digits>/ is a year's archive: a post there could never be reached.
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        Post(title="2024, une année", slug=slug).full_clean()
    assert slug in error.value.message_dict["slug"][0]
    # With a word, the same year is a fine address.
    make_post(slug=f"{slug}-en-bref")
    assert client.get(f"/blog/{slug}-en-bref/").status_code == 200


def test_read_next_ranks_shared_tags_then_date_even_beside_the_neighbours(client):
    """The "Read next" list comes in the neighbours' query: the post just before, sharing a tag,
    still ranks below three posts sharing two, and the newest of equals comes first."""
    one, two = (
        Tag.objects.create(name="un", slug="un"),
        Tag.objects.create(name="deux", slug="deux"),
    )
    now = timezone.now()
    for index in range(4):
        make_post(
            slug=f"deux-tags-{index}",
            tags=[one, two],
            published_at=now - timedelta(days=10 + index),
        )
    make_post(slug="juste-avant", tags=[one], published_at=now - timedelta(days=2))
    post = make_post(slug="le-billet", tags=[one, two], published_at=now - timedelta(days=1))

    html = client.get(post.get_absolute_url()).content.decode()

    start = html.index('class="related"')
    related = re.findall(r'href="/blog/([^/]+)/"', html[start : html.index("</section>", start)])
    assert related == ["deux-tags-0", "deux-tags-1", "deux-tags-2"]
    assert 'rel="prev" href="/blog/juste-avant/"' in html
