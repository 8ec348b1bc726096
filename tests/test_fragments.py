"""Pieces of pages kept between renders (portfolio.core.fragments): cheaper, never stale.

The page cache is off in these tests: fragments serve the renders it does not (visitors
with a cookie, the first view after a change), and must show every change at once.
"""

import pytest
from django.core import signing
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from blog.models import Page, Post
from comments.cookies import PENDING_COOKIE
from portfolio.core import page_cache
from tests.factories import make_post
from tests.test_comments import add_comment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_off")]


@pytest.fixture
def page_cache_off():
    with override_settings(PAGE_CACHE_SECONDS=0):
        yield


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_menus_are_asked_once_then_follow_every_change(client):
    page = Page.objects.create(
        title="Services", slug="services", status=Page.Status.PUBLISHED, show_in_header=True
    )
    client.get("/blog/")  # what a process keeps for good (the Site…)
    page_cache.invalidate_pages()  # as after any change
    first, first_queries = queries_of(client, "/blog/")
    again, again_queries = queries_of(client, "/blog/")
    assert again_queries < first_queries  # the pages' query, the reading times' five
    assert ">Services</a>" in again

    page.title = "Nos services"
    page.save()
    html, queries = queries_of(client, "/blog/")
    assert ">Nos services</a>" in html and ">Services</a>" not in html
    assert queries == first_queries
    # Each language has its own links.
    assert 'href="/en/services/"' in client.get("/en/blog/").content.decode()


def test_a_card_shows_a_new_comment_and_a_new_title_at_once(client):
    post = make_post(slug="un-billet", text="<p>Bonjour.</p>")
    assert "0 commentaire" in client.get("/blog/").content.decode()
    add_comment(post)
    html = client.get("/blog/").content.decode()
    assert "1 commentaire" in html and "0 commentaire" not in html
    # The same card on the home page, kept for both.
    assert "1 commentaire" in client.get("/").content.decode()

    Post.objects.filter(pk=post.pk).update(title="Un autre titre")  # no signal at all
    assert "Un autre titre" in client.get("/blog/").content.decode()


def test_reading_times_follow_a_longer_text(client):
    post = make_post(slug="un-billet", text="<p>Court.</p>")
    assert "1 min de lecture" in client.get("/blog/").content.decode()
    block = post.blog_richtext_set.get()
    block.text = "<p>" + "mot " * 1200 + "</p>"
    block.save()
    assert "6 min de lecture" in client.get("/blog/").content.decode()


def test_a_comment_page_is_fetched_once_then_shows_a_new_comment(client):
    post = make_post(slug="un-billet")
    add_comment(post, comment="Premier avis.")
    client.get(post.get_absolute_url())
    page_cache.invalidate_pages()
    first, first_queries = queries_of(client, post.get_absolute_url())
    again, again_queries = queries_of(client, post.get_absolute_url())
    assert again_queries < first_queries  # the comments' query (and the menus')
    assert "Premier avis." in again

    add_comment(post, comment="Second avis.")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Premier avis." in html and "Second avis." in html
    assert "2 commentaires" in html


def test_a_pending_comment_shows_to_its_writer_only(client):
    post = make_post(slug="un-billet")
    add_comment(post, comment="Un avis publié.")
    client.get(post.get_absolute_url())  # the public thread, kept
    pending = add_comment(post, comment="Mon avis en attente.", is_public=False)
    mine = Client()
    # As comments.cookies signs it (HttpResponse.set_signed_cookie's salt: name + salt).
    signer = signing.get_cookie_signer(salt=f"{PENDING_COOKIE}comments.{PENDING_COOKIE}")
    mine.cookies[PENDING_COOKIE] = signer.sign(str(pending.pk))

    html = mine.get(post.get_absolute_url()).content.decode()
    assert "Mon avis en attente." in html and "Un avis publié." in html
    assert "Mon avis en attente." not in client.get(post.get_absolute_url()).content.decode()


@pytest.mark.django_db(transaction=True)
def test_nothing_read_inside_a_transaction_is_kept(client):
    """Rows read before a rollback never show afterwards (real commits in this test)."""
    Page.objects.create(
        title="Services", slug="services", status=Page.Status.PUBLISHED, show_in_header=True
    )
    assert ">Services</a>" in client.get("/blog/").content.decode()

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        Page.objects.filter(slug="services").update(title="Jamais publié")
        assert ">Jamais publié</a>" in client.get("/blog/").content.decode()
        raise Undo
    assert ">Services</a>" in client.get("/blog/").content.decode()

    # A committed change shows at once: saving replaced the page cache's generation.
    page = Page.objects.get(slug="services")
    page.title = "Nos services"
    page.save()
    assert ">Nos services</a>" in client.get("/blog/").content.decode()


def test_a_post_body_is_rendered_once_then_shows_an_edit(client):
    post = make_post(slug="un-billet", text="<h2>Avant</h2><p>Premier jet.</p>")
    client.get(post.get_absolute_url())
    page_cache.invalidate_pages()
    first, first_queries = queries_of(client, post.get_absolute_url())
    again, again_queries = queries_of(client, post.get_absolute_url())
    assert again_queries <= first_queries - 5  # the blocks' queries
    assert "Premier jet." in again

    block = post.blog_richtext_set.get()
    block.text = "<h2>Après</h2><p>Texte revu : enfin !</p>"
    block.save()
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Premier jet." not in html
    assert "Texte revu\u00a0: enfin\u202f!" in html  # French spaces, kept with the body
