"""Pages: undated, at the site's root, linked from the header and the footer; the legal ones."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from blog.models import Figure, Page, PageFigure, PageRichText
from portfolio.core import page_cache
from portfolio.models import Profile
from tests.factories import count_queries, make_post

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HOST = {"host_name": "Hébergeur SAS", "host_address": "2 rue Kellermann, 59100 Roubaix"}


def make_page(title="À propos", text="", **fields):
    fields.setdefault("slug", re.sub(r"[^a-z]+", "-", title.lower()).strip("-") or "page")
    fields.setdefault("status", Page.Status.PUBLISHED)
    page = Page.objects.create(title=title, **fields)
    if text:
        PageRichText.objects.create(parent=page, region="body", ordering=10, text=text)
    return page


def text_of(response):
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_published_page_shows_its_blocks_at_the_root_in_both_languages(client):
    make_page("Qui suis-je", "<p>Dix ans de support, puis le produit.</p>", slug="qui-suis-je")

    french = client.get("/qui-suis-je/")
    english = client.get("/en/qui-suis-je/")

    for response in (french, english):
        assert response.status_code == 200
        assert "Dix ans de support, puis le produit." in text_of(response)
        assert '<article class="post page" lang="fr">' in response.content.decode()
    assert '<html lang="en">' in english.content.decode()
    # Undated and uncommented: none of a post's furniture.
    assert "<time" not in french.content.decode()
    assert "comment" not in french.content.decode().lower().split("</main>")[0].split("<main")[1]


def test_draft_page_is_hidden_from_visitors_and_previewed_by_staff(client, admin_client):
    page = make_page("Brouillon", "<p>Pas encore.</p>", status=Page.Status.DRAFT)

    assert client.get("/brouillon/").status_code == 404
    preview = client.get(page.get_preview_url())
    assert preview.status_code == 302  # to the admin login
    staff = admin_client.get(page.get_preview_url())
    assert staff.status_code == 200
    assert "Pas encore." in text_of(staff)
    assert '<meta name="robots" content="noindex, nofollow">' in staff.content.decode()
    assert "no-cache" in staff["Cache-Control"]


def test_nested_page_keeps_a_readable_address_with_breadcrumbs(
    client, django_capture_on_commit_callbacks
):
    about = make_page("À propos", slug="a-propos")
    team = make_page("Équipe", "<p>Nous sommes deux.</p>", slug="equipe", parent=about)

    assert team.get_absolute_url() == "/a-propos/equipe/"
    response = client.get("/a-propos/equipe/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-label="Fil d’Ariane"' in html or 'class="breadcrumbs"' in html
    assert '<a href="/a-propos/">À propos</a>' in html
    assert '<span aria-current="page">Équipe</span>' in html
    # The child is not at the root, and a draft parent hides it.
    assert client.get("/equipe/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        about.status = Page.Status.DRAFT
        about.save()
    assert client.get("/a-propos/equipe/").status_code == 404


@pytest.mark.parametrize(
    "slug", ["profile", "contact", "blog", "comments", "en", "static", "media", "healthz", "admin"]
)
def test_slugs_of_other_addresses_are_refused_for_root_pages(slug):
    page = Page(title="X", slug=slug, status=Page.Status.PUBLISHED)
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "slug" in error.value.message_dict
    assert f"/{slug}/" in error.value.message_dict["slug"][0]


def test_a_reserved_word_is_fine_under_a_parent(client):
    parent = make_page("Guide", slug="guide")
    page = Page(title="Contact", slug="contact", parent=parent, status=Page.Status.PUBLISHED)
    page.full_clean()


@override_settings(ADMIN_PATH="gestion")
def test_the_configured_admin_path_is_reserved():
    with pytest.raises(ValidationError):
        Page(title="X", slug="gestion").full_clean()


def test_pages_never_hide_other_routes(client):
    make_post(slug="premier-billet", text="<p>Texte du billet.</p>")
    Page.objects.create(title="Blog", slug="blog", status=Page.Status.PUBLISHED)  # past clean()
    response = client.get("/blog/")
    assert response.status_code == 200
    assert "Texte du billet." in text_of(response) or "premier-billet" in response.content.decode()


def test_pages_are_too_deep_beyond_three_levels():
    a = make_page("A", slug="a")
    b = make_page("B", slug="b", parent=a)
    c = make_page("C", slug="c", parent=b)
    with pytest.raises(ValidationError) as error:
        Page(title="D", slug="d", parent=c).full_clean()
    assert "parent" in error.value.message_dict


def test_header_and_footer_link_published_pages_on_every_page(client):
    make_page("Services", slug="services", show_in_header=True)
    make_page("Mentions légales", slug="mentions-legales", show_in_footer=True)
    make_page("Caché", slug="cache", show_in_footer=True, status=Page.Status.DRAFT)
    post = make_post(slug="un-billet", text="<p>Bonjour.</p>")

    for url in ["/", "/profile/", "/blog/", post.get_absolute_url(), "/services/", "/en/"]:
        html = client.get(url).content.decode()
        header = html.split("</header>")[0]
        footer = html.split('<footer class="site-footer">')[1]
        assert 'href="' + ("/en" if url.startswith("/en/") else "") + '/services/"' in header, url
        assert "/mentions-legales/" in footer, url
        assert "Caché" not in html, url


def test_the_menus_cost_one_query_whatever_the_number_of_pages(client):
    make_page("Services", slug="services", show_in_header=True)
    for url in ["/", "/blog/", "/services/"]:
        before = count_queries(client, url)
        parent = make_page(f"Parent {url}", slug=f"p{len(url)}", show_in_footer=True)
        for number in range(5):
            make_page(f"Enfant {number}", slug=f"e{number}", parent=parent, show_in_header=True)
        assert count_queries(client, url) == before, url
    # With no page at all, the frame still asks once (and the admin never does).
    Page.objects.filter(parent__isnull=False).delete()
    Page.objects.all().delete()
    assert count_queries(client, "/blog/") == count_queries(client, "/blog/")


def test_sitemap_lists_published_pages_in_both_languages(client):
    about = make_page("À propos", slug="a-propos")
    make_page("Équipe", slug="equipe", parent=about)
    make_page("Brouillon", slug="brouillon", status=Page.Status.DRAFT)

    root = ET.fromstring(client.get("/sitemap.xml").content)
    locations = {node.text for node in root.findall("s:url/s:loc", NS)}
    assert {f"{SITE}/a-propos/", f"{SITE}/a-propos/equipe/", f"{SITE}/en/a-propos/equipe/"} <= (
        locations
    )
    assert not any("brouillon" in location for location in locations)


def test_the_page_cache_serves_a_page(client, django_assert_num_queries):
    make_page("À propos", "<p>Bonjour.</p>", slug="a-propos")
    assert client.get("/a-propos/")["X-Cache"] == "MISS"
    with django_assert_num_queries(0):
        response = client.get("/a-propos/")
    assert response["X-Cache"] == "HIT"
    assert "Bonjour." in text_of(response)


def test_page_with_images_uses_the_post_renditions(client, demo):
    page = make_page("Galerie", slug="galerie")
    source = Figure.objects.first()  # a demo post's photo, with its renditions
    PageFigure.objects.create(
        parent=page, region="body", ordering=10, image=source.image, alt="Un lac", caption="Le lac"
    )
    html = client.get("/galerie/").content.decode()
    assert re.search(r'<img[^>]+srcset="[^"]+480w', html)
    assert 'alt="Un lac"' in html
    assert "Le lac" in html


def test_legal_notice_shows_the_profile_and_the_host_but_not_the_private_email(
    client, django_capture_on_commit_callbacks
):
    Profile.objects.create(
        full_name="Nathalie Rousseau",
        headline="Product Manager",
        location="Lyon",
        contact_email="prive@example.org",
    )
    page = make_page(
        "Mentions légales",
        "<p>Texte de l’autrice.</p>",
        slug="mentions-legales",
        kind=Page.Kind.LEGAL_NOTICE,
        host_phone="+33 9 72 10 10 07",
        **HOST,
    )
    text = text_of(client.get("/mentions-legales/"))
    assert "Nathalie Rousseau" in text
    assert "Lyon" in text
    assert "Hébergeur SAS" in text and "2 rue Kellermann, 59100 Roubaix" in text
    assert "+33 9 72 10 10 07" in text
    assert "de la publication : Nathalie Rousseau" in text
    assert text.index("Hébergeur SAS") < text.index("Texte de l’autrice.")
    assert "prive@example.org" not in text

    with django_capture_on_commit_callbacks(execute=True):
        page.is_email_shown = True
        page.save()
    assert "prive@example.org" in text_of(client.get("/mentions-legales/"))
    english = text_of(client.get("/en/mentions-legales/"))
    assert "Publication director" in english and "Host" in english


def test_a_published_legal_notice_must_name_its_host():
    page = Page(
        title="Mentions légales",
        slug="mentions-legales",
        kind=Page.Kind.LEGAL_NOTICE,
        status=Page.Status.PUBLISHED,
    )
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "host_name" in error.value.message_dict


def test_privacy_notice_states_the_real_retention_and_cookies(client):
    make_page("Confidentialité", slug="confidentialite", kind=Page.Kind.PRIVACY_NOTICE)

    with override_settings(COMMENTS_IP_RETENTION_DAYS=30):
        text = text_of(client.get("/confidentialite/"))
    assert "30 jours" in text
    for cookie in ("vitrine_pending", "vitrine_commenter", "csrftoken", "sessionid"):
        assert cookie in text
    assert "CNIL" in text
    assert "1 an" in text  # vitrine_commenter's lifetime

    with override_settings(COMMENTS_IP_RETENTION_DAYS=7):
        text = text_of(client.get("/confidentialite/"))
    assert "7 jours" in text and "30 jours" not in text.split("Messages de contact")[0]

    english = text_of(client.get("/en/confidentialite/"))
    assert "30 days" in english and "vitrine_pending" in english


def test_demo_links_both_legal_pages_from_every_footer(client, demo):
    legal = Page.objects.get(kind=Page.Kind.LEGAL_NOTICE)
    privacy = Page.objects.get(kind=Page.Kind.PRIVACY_NOTICE)
    assert legal.title == "Mentions légales" and privacy.title == "Politique de confidentialité"
    for url in ["/", "/blog/", "/profile/", "/contact/", legal.get_absolute_url()]:
        footer = client.get(url).content.decode().split('<footer class="site-footer">')[1]
        assert legal.get_absolute_url() in footer and privacy.get_absolute_url() in footer, url
    assert client.get(legal.get_absolute_url()).status_code == 200
    assert client.get(privacy.get_absolute_url()).status_code == 200


def test_admin_edits_pages_with_the_content_editor_and_refuses_reserved_slugs(admin_client):
    add_url = "/admin/blog/page/add/"
    form = admin_client.get(add_url)
    assert form.status_code == 200
    html = form.content.decode()
    assert "pagerichtext" in html.lower() and 'id="id_slug"' in html
    response = admin_client.post(
        add_url,
        {
            "title": "Contact",
            "slug": "contact",
            "status": "published",
            "language": "fr",
            "kind": "page",
            "menu_order": "0",
            **{
                f"{prefix}-{field}": value
                for prefix in (
                    "blog_pagerichtext_set",
                    "blog_pagefigure_set",
                    "blog_pagegalleryimage_set",
                    "blog_pagepullquote_set",
                    "blog_pagequestion_set",
                )
                for field, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
            },
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "est déjà une adresse du site" in response.content.decode()
    assert not Page.objects.exists()
    assert admin_client.get("/admin/blog/page/").status_code == 200


def test_a_restart_with_a_new_retention_never_serves_the_old_privacy_notice(client, monkeypatch):
    make_page("Confidentialité", slug="confidentialite", kind=Page.Kind.PRIVACY_NOTICE)
    assert client.get("/confidentialite/")["X-Cache"] == "MISS"
    assert client.get("/confidentialite/")["X-Cache"] == "HIT"

    # A new process reads the environment: the setting has changed, the stored page has not.
    monkeypatch.setattr(page_cache, "_deploy_version", None)
    monkeypatch.setattr(page_cache.settings, "COMMENTS_IP_RETENTION_DAYS", 7, raising=False)
    response = client.get("/confidentialite/")
    assert response["X-Cache"] == "MISS"
    assert "7 jours" in text_of(response)
