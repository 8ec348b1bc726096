"""What the author types in the admin reaches the public page whole, well spaced and linked.

Issue 14: nothing cut off, French slugs, a visible comment-closing rule, French typography,
series navigation.
"""

import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django.utils.safestring import mark_safe

from blog.models import Category, Page, Post, Series, Tag
from blog.typography import french_typography
from portfolio.core.slugs import french_slugify
from tests.factories import count_queries, make_post
from tests.test_comments import add_comment

TITLE = "De l’Alsace à Club-Internet : 22 ans…"
STANDFIRST = ("Vingt-deux ans de métier, du standard téléphonique au support de niveau 3. " * 6)[
    :400
]
UPDATE_NOTE = (
    "Actualisation du 3 mars : j’ai ajouté le passage sur la fusion de 2008.\n\n"
    "Merci aux lecteurs qui m’ont écrit. — Nathalie"
)


def admin_form_data(client, url, **fields):
    """The add form's empty inline formsets (their management forms) plus `fields`."""
    response = client.get(url)
    assert response.status_code == 200
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    now = timezone.localtime() - timedelta(hours=1)
    data.update(
        {
            "status": "published",
            "language": "fr",
            "published_at_0": now.strftime("%Y-%m-%d"),
            "published_at_1": now.strftime("%H:%M:%S"),
            "is_open_for_comments": "on",
            "is_update_shown": "on",
        }
    )
    data.update(fields)
    return data


def add_post(client, **fields):
    url = "/admin/blog/post/add/"
    return client.post(url, admin_form_data(client, url, **fields))


# No silent truncation -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_400_character_standfirst_and_a_two_paragraph_note_are_read_in_full(admin_client, client):
    today = timezone.localdate()
    response = add_post(
        admin_client,
        title="Un long chapeau",
        slug="un-long-chapeau",
        standfirst=STANDFIRST,
        updated_on=today.isoformat(),
        update_note=UPDATE_NOTE,
    )
    assert response.status_code == 302, response.context["adminform"].errors
    post = Post.objects.get(slug="un-long-chapeau")
    assert len(post.standfirst) == 400 and post.update_note == UPDATE_NOTE
    html = client.get(post.get_absolute_url()).content.decode()
    assert STANDFIRST.strip().replace(" ", "") in html.replace(" ", "")
    assert (
        "Actualisation du 3 mars\u00a0: j’ai ajouté le passage sur la fusion de 2008.</p>" in html
    )
    assert "<p>Merci aux lecteurs qui m’ont écrit. — Nathalie</p>" in html


@pytest.mark.django_db
def test_no_admin_field_cuts_text_and_limited_ones_show_their_limit(admin_client):
    for url in ["/admin/blog/post/add/", "/admin/blog/page/add/", "/admin/blog/author/add/"]:
        html = admin_client.get(url).content.decode()
        assert "maxlength" not in html, url
    html = admin_client.get("/admin/blog/post/add/").content.decode()
    meta = re.search(r"<textarea[^>]*name=\"meta_description\"[^>]*>", html).group()
    assert 'data-limit="160"' in meta and "data-limit-shown" in meta
    assert "160 caractères au maximum" in html
    assert re.search(r'<textarea[^>]*name="standfirst"', html)
    assert re.search(r'<textarea[^>]*name="update_note"', html)
    assert "js/admin-fields" in html and "css/admin-fields" in html


@pytest.mark.django_db
def test_an_over_limit_meta_description_is_refused_with_its_text_kept(admin_client):
    description = ("Une description bien trop longue pour un moteur de recherche. " * 3).strip()
    response = add_post(
        admin_client, title="Trop long", slug="trop-long", **{"meta_description": description}
    )
    assert response.status_code == 200
    assert not Post.objects.filter(slug="trop-long").exists()
    html = response.content.decode()
    assert f"cette description en compte {len(description)}" in html
    assert description.strip() in html  # the textarea keeps what was typed


# French-aware slugs -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        (TITLE, "de-l-alsace-a-club-internet-22-ans"),
        ("centres d’appels", "centres-d-appels"),
        ("L'été dʼune œuvre", "l-ete-d-une-oeuvre"),
        ("Cæsar et le cœur", "caesar-et-le-coeur"),
    ],
)
def test_french_slugs(text, slug):
    assert french_slugify(text) == slug


@pytest.mark.django_db
def test_an_empty_slug_is_made_from_the_title_in_the_admin(admin_client):
    response = add_post(admin_client, title=TITLE, slug="")
    assert response.status_code == 302, response.context["adminform"].errors
    assert Post.objects.filter(slug="de-l-alsace-a-club-internet-22-ans").exists()
    # Again: the address is taken, so the second one is numbered.
    add_post(admin_client, title=TITLE, slug="")
    assert Post.objects.filter(slug="de-l-alsace-a-club-internet-22-ans-2").exists()


@pytest.mark.django_db
def test_categories_tags_series_and_pages_get_french_slugs_and_never_a_reserved_one():
    assert Category.objects.create(name="Centres d’appels").slug == "centres-d-appels"
    assert Tag.objects.create(name="L’œil du support").slug == "l-oeil-du-support"
    assert Series.objects.create(name="Métiers d’aujourd’hui").slug == "metiers-d-aujourd-hui"
    assert Page.objects.create(title="À propos d’elle").slug == "a-propos-d-elle"
    # A year's archive is /blog/2024/: a post titled "2024" cannot take that address.
    assert make_post(title="2024", slug="").slug == "2024-2"
    assert Page.objects.create(title="Contact").slug == "contact-2"


# Comments: closing is a visible choice -----------------------------------------------------


@pytest.mark.django_db
def test_a_backdated_post_keeps_its_comments_by_default(client):
    post = make_post(published_at=timezone.now() - timedelta(days=3650))
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'name="comment"' in html


@pytest.mark.django_db
@override_settings(COMMENTS_CLOSE_AFTER_DAYS=730)
def test_where_comments_close_by_age_the_admin_says_so_and_why(admin_client, client):
    old = make_post(title="Billet de 2016", published_at=timezone.now() - timedelta(days=800))
    recent = make_post(title="Billet récent")
    shut = make_post(title="Billet fermé", is_open_for_comments=False)
    reason = "Fermés automatiquement : publié il y a plus de 730 jours"
    assert reason in admin_client.get(f"/admin/blog/post/{old.pk}/change/").content.decode()
    listing = admin_client.get("/admin/blog/post/").content.decode()
    assert reason in listing and "Ouverts" in listing and "Fermés par l’auteur" in listing
    assert 'name="comment"' not in client.get(old.get_absolute_url()).content.decode()
    assert 'name="comment"' in client.get(recent.get_absolute_url()).content.decode()
    assert 'name="comment"' not in client.get(shut.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_without_closing_by_age_the_list_has_no_comment_column(admin_client):
    make_post()
    assert "column-comment_state" not in admin_client.get("/admin/blog/post/").content.decode()


# French typography -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_title_typed_in_the_admin_keeps_its_colon_on_the_line(admin_client, client):
    add_post(admin_client, title=TITLE, slug="")
    html = client.get("/blog/de-l-alsace-a-club-internet-22-ans/").content.decode()
    assert '<h1 class="post__title">De l’Alsace à Club-Internet\u00a0: 22 ans…</h1>' in html
    # Attributes are never touched: the title in <meta> keeps the space the author typed.
    assert f'<meta property="og:title" content="{TITLE}">' in html


BODY = (
    "<p>Pourquoi ? Parce que ! Voici la liste ; enfin : « digitale ».</p>"
    '<p>Voir <a href="https://example.org/?q=a:b">https://example.org/?q=a:b</a> ou '
    "écrire à nathalie@example.org ! Rendez-vous à 12:30 ?</p>"
)


@pytest.mark.django_db
def test_french_spaces_in_the_body_never_in_urls_code_emails_or_times(client):
    post = make_post(text=BODY)
    html = client.get(post.get_absolute_url()).content.decode()
    assert (
        "Pourquoi\u202f? Parce que\u202f! Voici la liste\u202f; enfin\u00a0: "
        "«\u202fdigitale\u202f»." in html
    )
    assert '<a href="https://example.org/?q=a:b">https://example.org/?q=a:b</a>' in html
    assert "nathalie@example.org\u202f! Rendez-vous à 12:30\u202f?" in html
    # The editor offers no code block, but imported or future markup may hold one.
    code = "<p>Ceci :</p><pre><code>a ? b : c;</code></pre>"
    expected = "<p>Ceci\u00a0:</p><pre><code>a ? b : c;</code></pre>"
    assert french_typography(mark_safe(code), "fr") == expected


@pytest.mark.django_db
def test_english_posts_keep_their_spaces(client):
    post = make_post(title="Why: a story", language="en", text="<p>Really ? Yes !</p>")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Why: a story</h1>" in html and "Really ? Yes !" in html
    assert "\u202f" not in html.split("<article", 1)[1].split("</article>")[0]


def test_spaces_typed_are_replaced_not_doubled_and_entities_kept():
    result = french_typography("Tom & Jerry  ? «  oui » l'été :", "fr")
    assert result == "Tom &amp; Jerry\u202f? «\u202foui\u202f» l&#x27;été\u00a0:"
    assert french_typography(result, "fr") == result  # twice is the same as once


@pytest.mark.django_db
def test_comments_and_feeds_of_a_french_post_are_spaced(client):
    post = make_post(title="Le support : un métier", text="<p>Pourquoi ?</p>")
    add_comment(post, comment="Bravo ! Et merci : voir https://example.org/?a=1")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Bravo\u202f! Et merci\u00a0: voir" in html
    assert 'href="https://example.org/?a=1"' in html
    feed = client.get("/blog/feed/rss/").content.decode()
    assert "<title>Le support\u00a0: un métier</title>" in feed


# Series navigation ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_post_of_a_series_links_its_neighbours_in_the_series_beside_the_blogs(client):
    series = Series.objects.create(name="Métiers", slug="metiers", item_label="Entretien")
    now = timezone.now()
    seventh = make_post(
        title="Entretien sept",
        series=series,
        series_number=7,
        published_at=now - timedelta(days=30),
    )
    between = make_post(title="Hors série", published_at=now - timedelta(days=20))
    eighth = make_post(
        title="Entretien huit",
        series=series,
        series_number=8,
        published_at=now - timedelta(days=10),
    )
    make_post(title="Hors série récent", published_at=now - timedelta(days=5))
    make_post(
        title="Entretien dix", series=series, series_number=10, published_at=now - timedelta(days=1)
    )
    make_post(title="Brouillon neuf", series=series, series_number=9, status="draft")
    html = client.get(eighth.get_absolute_url()).content.decode()
    nav = html.split('class="series-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'Entretien #8</a> <span class="series-nav__of">/ #10</span>' in nav
    assert seventh.get_absolute_url() in nav and "Entretien dix" in nav
    assert "Brouillon neuf" not in html  # a draft is no neighbour
    blog_nav = html.split('class="prev-next"', 1)[1].split("</nav>", 1)[0]
    assert between.get_absolute_url() in blog_nav and "Hors série récent" in blog_nav


@pytest.mark.django_db
def test_the_series_navigation_costs_no_query(client):
    series = Series.objects.create(name="Métiers", slug="metiers", item_label="Entretien")
    alone = make_post(title="Seul", slug="seul")
    first = make_post(title="Un", slug="un", series=series, series_number=1)
    make_post(title="Deux", slug="deux", series=series, series_number=2)
    assert 'class="series-nav"' in client.get(first.get_absolute_url()).content.decode()
    assert count_queries(client, first.get_absolute_url()) == count_queries(
        client, alone.get_absolute_url()
    )
