"""The anonymous page cache: fast for visitors, never stale, invisible to the author.

Run on the file cache by default and on Redis when REDIS_URL is set (CI does both).
"""

import html as html_lib
import re
from datetime import timedelta

import pytest
import redis
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import override_settings
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from blog.models import Post
from comments import cookies
from portfolio.core import page_cache, sitemaps
from portfolio.core.private_apis import csrf_token_secret
from tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Commit what the block changes, as the author's own request would.

    Each test runs in a transaction that never commits, and the page cache invalidates
    at commit, when other visitors can see the change: the block runs those callbacks.
    """
    return lambda: django_capture_on_commit_callbacks(execute=True)


def csrf_token_in(html):
    marker = 'name="csrfmiddlewaretoken" value="'
    start = html.index(marker) + len(marker)
    return html[start : start + 64]


def test_second_visit_is_served_from_the_cache_without_any_query(client, django_assert_num_queries):
    make_post(title="Premier billet")
    first = client.get("/blog/")
    assert first["X-Cache"] == "MISS"
    with django_assert_num_queries(0):
        second = client.get("/blog/")
    assert second["X-Cache"] == "HIT"
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    # Headers added around the cache still come with a cached page.
    assert "default-src 'self'" in second["Content-Security-Policy"]
    assert second["Content-Language"] == "fr"


def test_each_language_and_page_number_is_its_own_entry(client):
    for number in range(12):
        make_post(title=f"Billet {number}")
    french = client.get("/blog/")
    english = client.get("/en/blog/")
    assert english["X-Cache"] == "MISS"
    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="fr">' in client.get("/blog/").content.decode()
    assert client.get("/blog/?page=2")["X-Cache"] == "MISS"
    assert client.get("/blog/?page=2")["X-Cache"] == "HIT"
    assert client.get("/blog/")["X-Cache"] == "HIT"
    assert french.content != client.get("/blog/?page=2").content


def test_a_saved_post_shows_on_the_very_next_request(client, committed):
    post = make_post(title="Titre provisoire")
    client.get("/blog/")
    assert client.get("/blog/")["X-Cache"] == "HIT"

    post.title = "Titre définitif"
    with committed():
        post.save()
    response = client.get("/blog/")
    assert response["X-Cache"] == "MISS"
    assert "Titre définitif" in response.content.decode()
    assert "Titre provisoire" not in response.content.decode()


def test_a_deleted_post_disappears_on_the_very_next_request(client, committed):
    make_post(title="Billet gardé")
    doomed = make_post(title="Billet retiré")
    assert "Billet retiré" in client.get("/").content.decode()
    with committed():
        doomed.delete()
    html = client.get("/").content.decode()
    assert "Billet retiré" not in html
    assert "Billet gardé" in html


def test_an_approved_comment_shows_on_the_very_next_request(client, committed):
    post = make_post(title="Billet commenté")
    comment = XtdComment.objects.create(
        content_type=ContentType.objects.get_for_model(Post),
        object_pk=str(post.pk),
        site=Site.objects.get_current(),
        user_name="Camille",
        user_email="camille@example.org",
        comment="Merci pour ce retour d’expérience très concret.",
        is_public=False,
    )
    url = post.get_absolute_url()
    assert "très concret" not in client.get(url).content.decode()
    assert client.get(url)["X-Cache"] == "HIT"

    comment.is_public = True
    with committed():
        comment.save()
    assert "très concret" in client.get(url).content.decode()

    comment.is_removed = True
    with committed():
        comment.save()
    assert "très concret" not in client.get(url).content.decode()


def test_an_edited_profile_shows_on_the_very_next_request(client, demo, committed):
    from portfolio.models import Profile

    assert client.get("/profile/").status_code == 200
    assert client.get("/profile/")["X-Cache"] == "HIT"
    profile = Profile.objects.get()
    profile.headline = "Cheffe de produit, nouvelle formule"
    with committed():
        profile.save()
    assert "Cheffe de produit, nouvelle formule" in client.get("/profile/").content.decode()


def test_a_scheduled_post_appears_at_its_time_although_the_page_was_cached(client):
    # Well within PAGE_CACHE_SECONDS: only the publication can end the entry this early.
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        make_post(title="Billet ancien")
        publication = timezone.now() + timedelta(minutes=2)
        make_post(title="Billet programmé", published_at=publication)

        assert "Billet programmé" not in client.get("/blog/").content.decode()
        traveller.move_to(publication - timedelta(seconds=1))
        assert client.get("/blog/")["X-Cache"] == "HIT"

        traveller.move_to(publication)
        response = client.get("/blog/")
        assert response["X-Cache"] == "MISS"
        assert "Billet programmé" in response.content.decode()


def test_the_author_always_sees_fresh_pages(client):
    make_post(title="Billet public")
    client.get("/blog/")
    author = get_user_model().objects.create_user("author", password="x", is_staff=True)
    client.force_login(author)
    for _ in range(2):
        response = client.get("/blog/")
        assert response["X-Cache"] == "BYPASS"
        assert "Billet public" in response.content.decode()


@pytest.mark.parametrize(
    "path, cookies",
    [
        ("/blog/?utm_source=newsletter", {}),
        ("/blog/", {"messages": "x"}),
        ("/healthz", {}),
    ],
)
def test_personal_or_odd_requests_are_never_served_from_the_cache(client, path, cookies):
    make_post(title="Billet")
    client.cookies.load(cookies)
    for _ in range(2):
        assert client.get(path)["X-Cache"] == "BYPASS"


def remembered_commenter(response, comment):
    cookies.remember_commenter(response, "Camille Durand", "camille@example.org", "")


def pending_comment(response, comment):
    cookies.add_pending(RequestFactory().get("/"), response, comment.pk)


# What each of the comments' own cookies shows its holder, and nobody else.
PERSONAL_PAGES = {
    cookies.COMMENTER_COOKIE: (remembered_commenter, 'value="Camille Durand"'),
    cookies.PENDING_COOKIE: (pending_comment, "Mon commentaire en attente"),
}


@pytest.mark.parametrize("name", cookies.PERSONAL_COOKIES)
def test_a_visitor_with_a_comments_cookie_sees_their_own_page_not_the_cached_one(client, name):
    post = make_post(title="Billet commenté")
    comment = XtdComment.objects.create(
        content_type=ContentType.objects.get_for_model(Post),
        object_pk=str(post.pk),
        site=Site.objects.get_current(),
        user_name="Camille Durand",
        user_email="camille@example.org",
        comment="Mon commentaire en attente",
        is_public=False,
    )
    url = post.get_absolute_url()
    Client().get(url)
    assert Client().get(url)["X-Cache"] == "HIT"

    set_cookie, personal_text = PERSONAL_PAGES[name]
    issued = HttpResponse()
    set_cookie(issued, comment)
    client.cookies[name] = issued.cookies[name].value
    response = client.get(url)
    assert response["X-Cache"] == "BYPASS"
    assert personal_text in response.content.decode()
    assert personal_text not in Client().get(url).content.decode()


def test_errors_and_posts_are_not_cached(client):
    assert client.get("/blog/no-such-post/").status_code == 404
    assert client.get("/blog/no-such-post/")["X-Cache"] == "BYPASS"
    assert client.post("/blog/")["X-Cache"] == "BYPASS"


def test_the_admin_is_never_cached(admin_client):
    assert admin_client.get("/admin/")["X-Cache"] == "BYPASS"
    anonymous = Client()
    for _ in range(2):
        response = anonymous.get("/admin/login/")
        assert response.get("X-Cache") == "BYPASS"


def test_a_setting_change_shows_on_the_next_request(client):
    client.get("/")
    with override_settings(SITE_NAME="Nouveau nom"):
        assert "Nouveau nom" in client.get("/").content.decode()
    assert "Nouveau nom" not in client.get("/").content.decode()


def form_fields(html, form_id):
    """The named inputs of one form, as a browser would send them."""
    form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S).group()
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = html_lib.unescape(value.group(1)) if value else ""
    return fields


@override_settings(COMMENTS_MIN_FILL_SECONDS=0, COMMENTS_FLOOD_SECONDS=0)
def test_two_visitors_of_a_cached_form_each_get_their_own_working_token():
    post = make_post(title="Billet à commenter")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_one = first.get(post.get_absolute_url())
    page_two = second.get(post.get_absolute_url())
    assert page_one["X-Cache"] == "MISS"
    assert page_two["X-Cache"] == "HIT"

    secrets = []
    for number, (visitor, page) in enumerate(((first, page_one), (second, page_two))):
        html = page.content.decode()
        cookie = visitor.cookies["csrftoken"].value
        assert csrf_token_secret(csrf_token_in(html)) == cookie
        secrets.append(cookie)
        fields = form_fields(html, "comment-form")
        fields.update(
            name=f"Visiteur {number}",
            email=f"visiteur{number}@example.org",
            comment=f"Commentaire du visiteur {number}, envoyé depuis une page en cache.",
        )
        response = visitor.post(fields.pop("action", "/comments/post/"), fields)
        assert response.status_code in (200, 302), response.content.decode()[:500]
    assert secrets[0] != secrets[1]
    assert XtdComment.objects.filter(user_name__startswith="Visiteur").count() == 2
    # Without the token, the refusal still happens: the check is on.
    assert Client(enforce_csrf_checks=True).post("/comments/post/", {}).status_code == 403


def test_a_page_without_a_form_sets_no_cookie(client):
    make_post(title="Billet")
    client.get("/blog/")
    response = client.get("/blog/")
    assert response["X-Cache"] == "HIT"
    assert "csrftoken" not in response.cookies


def test_an_unchanged_page_answers_304_and_a_changed_one_200(client, committed):
    post = make_post(title="Billet")
    etag = client.get("/blog/")["ETag"]
    assert client.get("/blog/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/blog/", HTTP_IF_NONE_MATCH='"other"').status_code == 200

    post.title = "Billet corrigé"
    with committed():
        post.save()
    response = client.get("/blog/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Billet corrigé" in response.content.decode()
    assert response["ETag"] != etag


def test_a_page_with_a_form_answers_304_to_its_own_visitor_only():
    url = make_post(title="Billet").get_absolute_url()
    first, second = Client(), Client()
    etag = first.get(url)["ETag"]
    assert first.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # Another visitor (another CSRF cookie) must not reuse the first one's page.
    second.get(url)
    assert second.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_head_is_answered_from_the_same_entry(client):
    make_post(title="Billet")
    client.get("/blog/")
    response = client.head("/blog/")
    assert response.status_code == 200
    assert response["X-Cache"] == "HIT"
    assert response.content == b""


def test_the_cache_can_be_turned_off(client, django_assert_num_queries):
    make_post(title="Billet")
    with override_settings(PAGE_CACHE_SECONDS=0):
        client.get("/blog/")
        response = client.get("/blog/")
        assert "X-Cache" not in response


@pytest.mark.django_db(transaction=True)
def test_pages_change_when_a_transaction_commits_once_whatever_it_wrote(client, monkeypatch):
    post = make_post(title="Billet")
    invalidations = []
    real_invalidate = page_cache.invalidate_pages
    monkeypatch.setattr(
        page_cache, "invalidate_pages", lambda: invalidations.append(1) or real_invalidate()
    )
    client.get("/blog/")

    # A rolled-back change, alone or in a savepoint, leaves the pages as they were.
    with pytest.raises(RuntimeError), transaction.atomic():
        post.title = "Jamais publié"
        post.save()
        raise RuntimeError
    assert invalidations == []
    assert client.get("/blog/")["X-Cache"] == "HIT"

    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            make_post(title="Annulé")
            raise RuntimeError
        for number in range(30):
            make_post(title=f"Billet importé {number}")
        # Until the commit, visitors get the page as it was.
        assert client.get("/blog/")["X-Cache"] == "HIT"
    assert len(invalidations) == 1
    response = client.get("/blog/")
    assert response["X-Cache"] == "MISS"
    assert "Billet importé 29" in response.content.decode()
    assert "Annulé" not in response.content.decode()


def stored(client, urls):
    """How many of `urls` made a new cache entry (a MISS is a page just stored)."""
    return sum(client.get(url)["X-Cache"] == "MISS" for url in urls)


def test_a_query_a_page_does_not_use_makes_no_entry(client):
    """Strangers cannot fill the cache: 100 distinct `?q=` on the home page store at most one."""
    make_post(title="Billet")
    assert stored(client, ["/"] + [f"/?q=mot{n}" for n in range(100)]) <= 1
    assert stored(client, ["/blog/?utm_source=x", "/blog/?page=1&utm_source=y"]) == 0
    assert stored(client, [f"/blog/?q=mot{n}" for n in range(10)]) == 0
    assert stored(client, ["/profile/?page=2"]) == 0


def test_only_a_page_number_the_list_shows_makes_an_entry(client):
    for n in range(12):
        make_post(title=f"Billet {n}", slug=f"billet-{n}")
    invalid = ["abc", "0", "-1", "02", "9999", "2.0", "", "9" * 30]
    assert stored(client, [f"/blog/?page={value}" for value in invalid]) == 0
    assert stored(client, ["/blog/?page=1&page=2"]) == 0
    assert stored(client, ["/blog/", "/blog/?page=2", "/blog/?page=2"]) == 2


def test_a_search_is_cached_under_its_query_only(client):
    make_post(title="Jardin")
    assert stored(client, ["/blog/search/?q=jardin", "/blog/search/?q=jardin"]) == 1
    assert stored(client, ["/blog/search/?q=jardin&page=abc", "/blog/search/?page=1&q=jardin"]) <= 1


def test_a_section_sitemaps_pages_are_cached_under_their_number_only(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "URLS_PER_SITEMAP", 4)
    monkeypatch.setattr(sitemaps.SiteUrlSitemap, "limit", 4)
    for n in range(5):
        make_post(title=f"Billet {n}", slug=f"billet-{n}")
    # Five posts in two languages: ten URLs, in pages 1 to 3 of four.
    section = "/sitemap-posts.xml"
    assert stored(client, [f"{section}?p=2", f"{section}?p=2", f"{section}?p=3"]) == 2
    assert client.get(f"{section}?p=2")["X-Cache"] == "HIT"
    assert "billet-" in client.get(f"{section}?p=3").content.decode()
    # Another way of writing 2, a page that does not exist, or junk: served, never stored.
    junk = ["02", "+2", " 2", "2.0", "abc", "", "0", "-1", "4", "9" * 30]
    assert stored(client, [f"{section}?p={value}" for value in junk]) == 0
    assert stored(client, [f"{section}?p=2&p=3", f"{section}?p=2&utm_source=x"]) == 0
    # Only the sitemap shows `p`: elsewhere it makes no entry.
    assert stored(client, ["/?p=2", "/blog/?p=2"]) == 0


def trips_to_the_shared_cache(monkeypatch):
    """What a request asks of the shared cache: Redis commands sent, or file cache reads."""
    sent = []
    if isinstance(page_cache.store(), page_cache.RedisStore):
        owner, name = redis.connection.AbstractConnection, "send_packed_command"
    else:
        owner, name = FileBasedCache, "get"
    real = getattr(owner, name)

    def counted(self, *args, **kwargs):
        sent.append(args[0])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return sent


def test_a_hit_is_one_trip_to_the_shared_cache(client, monkeypatch):
    make_post(title="Billet")
    assert client.get("/blog/")["X-Cache"] == "MISS"
    sent = trips_to_the_shared_cache(monkeypatch)
    # This worker keeps its own copy of the page: only the generation is read.
    assert client.get("/blog/")["X-Cache"] == "HIT"
    assert len(sent) == 1
    # Another worker, without a copy: the generation and the page in one MGET on Redis
    # (the file cache reads its two files).
    sent.clear()
    assert Client().get("/blog/")["X-Cache"] == "HIT"
    redis_store = isinstance(page_cache.store(), page_cache.RedisStore)
    assert len(sent) == (1 if redis_store else 2)


def test_a_hit_has_the_headers_of_the_page_as_it_was_stored():
    url = make_post(title="Billet").get_absolute_url()
    for path in ("/blog/", url):  # without a form, and with the comment form
        miss, hit = Client().get(path), Client().get(path)
        assert (miss["X-Cache"], hit["X-Cache"]) == ("MISS", "HIT")
        assert int(hit["Content-Length"]) == len(hit.content) == len(miss.content)
        assert hit["Cache-Control"] == miss["Cache-Control"] == "no-cache"
        same = ("Content-Type", "Content-Language", "Vary", "Content-Security-Policy")
        assert {name: hit[name] for name in same} == {name: miss[name] for name in same}


def test_each_first_visitor_of_a_cached_form_gets_a_secret_of_their_own():
    url = make_post(title="Billet").get_absolute_url()
    Client().get(url)
    visitors = [Client() for _ in range(20)]
    pages = [visitor.get(url) for visitor in visitors]
    assert {page["X-Cache"] for page in pages} == {"HIT"}
    secrets = [visitor.cookies["csrftoken"].value for visitor in visitors]
    assert len(set(secrets)) == 20
    for page, secret in zip(pages, secrets, strict=True):
        assert csrf_token_secret(csrf_token_in(page.content.decode())) == secret
    # The same visitor again: the same secret under a new mask, the cookie sent again.
    again = visitors[0].get(url)
    token = csrf_token_in(again.content.decode())
    assert token != csrf_token_in(pages[0].content.decode())
    assert csrf_token_secret(token) == secrets[0] == again.cookies["csrftoken"].value
