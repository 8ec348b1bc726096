"""Blog search: ranked, accent-insensitive, published posts only, safe snippets.

Runs on SQLite (FTS5) and, with DATABASE_URL, on PostgreSQL (its own full-text search).
"""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from blog.models import Category, Post, RichText
from blog.search import search_posts
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def indexed_post(*args, **fields):
    """make_post, then what the commit does (the search index), as when the admin saves."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return make_post(*args, **fields)


def result_titles(client, query, path="/blog/search/"):
    html = client.get(path, {"q": query}).content.decode()
    titles = re.findall(r'<h2 class="search-result__title"><a href="[^"]*">(.*?)</a>', html)
    return [re.sub(r"</?mark>", "", title) for title in titles]


def test_a_title_match_ranks_above_a_body_only_match(client):
    indexed_post("Notes de terrain", "<p>Un mot sur la cartographie des risques.</p>")
    indexed_post("La cartographie des risques", "<p>Une méthode simple.</p>")
    assert result_titles(client, "cartographie") == [
        "La cartographie des risques",
        "Notes de terrain",
    ]


def test_accents_are_optional_in_french(client):
    indexed_post("Dix ans de métier", "<p>Le développement d’une équipe prend du temps.</p>")
    assert result_titles(client, "developpement") == ["Dix ans de métier"]
    assert result_titles(client, "équipe") == ["Dix ans de métier"]
    assert result_titles(client, "EQUIPE") == ["Dix ans de métier"]


def test_drafts_and_scheduled_posts_are_never_found(client):
    indexed_post("Billet public sur la migration", "<p>migration</p>")
    indexed_post("Brouillon sur la migration", "<p>migration</p>", status=Post.Status.DRAFT)
    indexed_post(
        "Billet programmé sur la migration",
        "<p>migration</p>",
        published_at=timezone.now() + timedelta(days=2),
    )
    assert result_titles(client, "migration") == ["Billet public sur la migration"]


def test_a_scheduled_post_is_found_once_its_time_has_come(client):
    post = indexed_post(
        "Annonce", "<p>inauguration</p>", published_at=timezone.now() + timedelta(hours=1)
    )
    assert result_titles(client, "inauguration") == []
    # Time passes: nothing is saved, the post simply becomes public. (The page
    # cache keeps no page beyond the next publication; moving the clock by hand
    # skips that, so it is emptied here.)
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    cache.clear()
    assert result_titles(client, "inauguration") == ["Annonce"]


def test_matched_words_are_highlighted_and_everything_else_escaped(client):
    indexed_post(
        "Sécurité du navigateur",
        "<p>Taper &lt;script&gt;alert(1)&lt;/script&gt; dans un formulaire teste "
        "la sécurité du site.</p>",
    )
    html = client.get("/blog/search/", {"q": "securite"}).content.decode()
    assert "<mark>Sécurité</mark> du navigateur" in html
    assert "<mark>sécurité</mark>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    # A machine-readable date the HTML validator accepts (no microseconds).
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}">', html)


def test_the_query_is_shown_escaped_in_the_title_and_the_form(client):
    html = client.get("/blog/search/", {"q": '<b>"x"</b>'}).content.decode()
    assert "<b>" not in html
    assert "&lt;b&gt;" in html


def test_empty_state_invites_to_search(client, db):
    response = client.get("/blog/search/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex' in html
    assert 'name="q"' in html
    assert "search-result" not in html
    assert 'role="status"' not in html


def test_no_results_state_suggests_what_to_try(client):
    career = Category.objects.create(name="Carrière", slug="carriere")
    Category.objects.create(name="Vide", slug="vide")
    indexed_post("Un billet", "<p>texte</p>", category=career)
    html = client.get("/blog/search/", {"q": "introuvable"}).content.decode()
    assert 'href="/blog/category/carriere/">Carrière</a>' in html
    assert "/blog/category/vide/" not in html
    assert "Recherche\u00a0: introuvable" in html
    assert "Aucun billet ne correspond" in html
    assert 'href="/blog/"' in html


def test_search_syntax_in_the_query_is_harmless(client):
    indexed_post("Produit et équipe", "<p>backlog</p>")
    for query in ['"', "AND OR NOT", "title:x", "back*", "NEAR(a b)", "(", "'; DROP TABLE"]:
        assert client.get("/blog/search/", {"q": query}).status_code == 200
    assert result_titles(client, 'backlog"') == ["Produit et équipe"]


def test_results_are_paginated_and_keep_the_query(client):
    for number in range(12):
        indexed_post(f"Rétrospective {number}", "<p>rétrospective</p>")
    html = client.get("/blog/search/", {"q": "retrospective"}).content.decode()
    assert "12 billets trouvés" in html
    assert html.count('class="search-result"') == 10
    assert 'href="?q=retrospective&amp;page=2"' in html
    page_two = client.get("/blog/search/", {"q": "retrospective", "page": 2}).content.decode()
    assert page_two.count('class="search-result"') == 2


def test_english_page_uses_english_words(client):
    indexed_post("Remote review", "<p>agenda</p>")
    html = client.get("/en/blog/search/", {"q": "agenda"}).content.decode()
    assert "Search: agenda" in html
    assert result_titles(client, "agenda", path="/en/blog/search/") == ["Remote review"]


def test_edits_and_deletions_reach_the_index(client, django_capture_on_commit_callbacks):
    post = indexed_post("Ancien titre", "<p>contenu</p>")
    with django_capture_on_commit_callbacks(execute=True):
        post.title = "Nouveau titre"
        post.save()
    assert result_titles(client, "nouveau") == ["Nouveau titre"]
    assert result_titles(client, "ancien") == []
    with django_capture_on_commit_callbacks(execute=True):
        post.blog_richtext_set.update(text="<p>autre chose</p>")
        RichText.objects.create(parent=post, region="body", ordering=20, text="<p>ajout</p>")
    assert result_titles(client, "ajout") == ["Nouveau titre"]
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert result_titles(client, "nouveau") == []


def test_the_rebuild_command_indexes_every_post(client, db):
    Post.objects.bulk_create(  # bulk_create sends no signals: nothing indexed yet
        [
            Post(
                title="Importé",
                slug="importe",
                status=Post.Status.PUBLISHED,
                published_at=timezone.now() - timedelta(days=1),
            )
        ]
    )
    assert list(search_posts("importe")) == []
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))
    assert result_titles(client, "importe") == ["Importé"]


@pytest.mark.parametrize("matches", [5, 40])
def test_search_page_costs_the_same_queries_whatever_the_matches(
    client, django_assert_num_queries, matches
):
    for number in range(matches):
        indexed_post(f"Entretien {number}", "<p>entretien annuel</p>")
    # On SQLite: the ranked ids (they give the count), the page's highlights and its
    # posts, the page cache's look-up of the next scheduled publication, and the header
    # and footer links to pages. On PostgreSQL: one count, one page (highlights in it).
    with django_assert_num_queries(5 if connection.vendor == "sqlite" else 4):
        response = client.get("/blog/search/", {"q": "entretien"})
    assert response.status_code == 200
