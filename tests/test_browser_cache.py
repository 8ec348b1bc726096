"""Two browsers reading one cached page: both can post, and an approval shows at once."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from blog.models import Post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def post(db, settings):
    # One address (127.0.0.1) plays every visitor; no human waits 3 s in a test.
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.COMMENTS_MIN_FILL_SECONDS = 0
    return Post.objects.create(
        title="Un billet très lu",
        slug="un-billet-tres-lu",
        status=Post.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=1),
    )


def visitor(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    return context.new_page()


def test_two_visitors_of_a_cached_page_both_post_and_an_approval_shows_next(
    browser, live_server, post
):
    alice, bob = visitor(browser, live_server), visitor(browser, live_server)
    url = post.get_absolute_url()
    assert alice.goto(url).headers["x-cache"] == "MISS"
    assert bob.goto(url).headers["x-cache"] == "HIT"
    assert alice.context.cookies()[0]["value"] != bob.context.cookies()[0]["value"]

    for page, name in ((alice, "Alice Martin"), (bob, "Bob Durand")):
        page.get_by_role("textbox", name="Nom").fill(name)
        page.get_by_role("textbox", name="E-mail").fill(f"{name.split()[0].lower()}@example.org")
        page.get_by_role("textbox", name="Commentaire").fill(f"Bravo, de la part de {name}.")
        with page.expect_navigation():
            page.get_by_role("button", name="Publier le commentaire").click()
        assert "expiré" not in page.content()
    assert set(XtdComment.objects.values_list("user_name", flat=True)) == {
        "Alice Martin",
        "Bob Durand",
    }

    # A third reader gets the cached page (their browser then revalidates it with
    # If-None-Match); the author approves Bob's comment; the very next reading shows it.
    carol = visitor(browser, live_server)
    carol.goto(url)
    dave = visitor(browser, live_server)
    assert dave.goto(url).headers["x-cache"] == "HIT"
    carol.reload()
    assert "de la part de Bob Durand" not in carol.content()
    comment = XtdComment.objects.get(user_name="Bob Durand")
    comment.is_public = True
    comment.save()
    carol.goto(url)
    assert "de la part de Bob Durand" in carol.content()
    for page in (alice, bob, carol, dave):
        page.context.close()
