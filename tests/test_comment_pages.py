"""Comments in pages, as WordPress has them: COMMENTS_PER_PAGE threads a page, each its own URL."""

import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_comments.models import Comment as BaseComment
from django_comments_xtd.models import XtdComment

from blog.models import Post
from comments import notify
from comments.pages import comment_url
from tests.factories import count_queries

pytestmark = pytest.mark.django_db

COMMENT = "Merci pour ce billet : nous avons vécu la même chose en migrant notre support. "


def add_threads(post, threads, replies=0, text=COMMENT):
    """`threads` top-level comments, oldest first, each with `replies` replies; bulk inserted.

    XtdComment extends django-comments' Comment by a table of its own, which bulk_create
    refuses: the base rows go in by bulk_create, their thread fields (those
    XtdComment.save() computes) by one executemany. Returns the roots' pks, oldest first.
    """
    start = timezone.now() - timedelta(days=30)
    fields = {
        "content_type": ContentType.objects.get_for_model(Post),
        "object_pk": str(post.pk),
        "site": Site.objects.get_current(),
        "is_public": True,
    }

    def insert(numbers):
        return [
            row.pk
            for row in BaseComment.objects.bulk_create(
                BaseComment(
                    user_name=f"Lectrice {number}",
                    user_email=f"lectrice{number}@example.org",
                    comment=f"{text}({number})",
                    submit_date=start + timedelta(minutes=number),
                    **fields,
                )
                for number in numbers
            )
        ]

    def add_thread_fields(rows):
        quote = connection.ops.quote_name
        columns = ("comment_ptr_id", "thread_id", "parent_id", "level", "order")
        names = ", ".join(map(quote, (*columns, "followup", "nested_count")))
        sql = f"INSERT INTO {quote(XtdComment._meta.db_table)} ({names}) VALUES ({', '.join(['%s'] * 5)}, %s, %s)"
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(*row, False, 0) for row in rows])

    roots = insert(range(threads))
    add_thread_fields([(pk, pk, pk, 0, 1) for pk in roots])
    parents = [root for root in roots for _reply in range(replies)]
    answers = insert(range(threads, threads + len(parents)))
    add_thread_fields(
        [
            (pk, root, root, 1, index % replies + 2)
            for index, (pk, root) in enumerate(zip(answers, parents, strict=True))
        ]
    )
    return roots


@pytest.fixture
def post(make_post):
    return make_post(slug="billet-tres-commente")


def comments_on(html):
    return html.count('<li class="comment')


def get(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_each_page_holds_50_threads_with_their_replies(client, post):
    roots = add_threads(post, 120, replies=1)

    first = get(client, post.get_absolute_url())
    third = get(client, "/blog/billet-tres-commente/comments/3/")

    assert comments_on(first) == 100
    assert comments_on(third) == 40
    assert f'id="c{roots[0]}"' in first and f'id="c{roots[0]}"' not in third
    assert f'id="c{roots[119]}"' in third
    # The count sentence gives the total, on every page.
    assert "240 commentaires</h2>" in first and "240 commentaires</h2>" in third


def test_a_comment_page_is_its_own_crawlable_page(client, post):
    add_threads(post, 120)

    first = get(client, post.get_absolute_url())
    second = get(client, "/blog/billet-tres-commente/comments/2/")
    third = get(client, "/blog/billet-tres-commente/comments/3/")

    canonical = re.compile(r'<link rel="canonical" href="([^"]+)"')
    assert canonical.search(third)[1].endswith("/blog/billet-tres-commente/comments/3/")
    assert canonical.search(first)[1].endswith("/blog/billet-tres-commente/")
    assert 'rel="next" href="/blog/billet-tres-commente/comments/2/#comments"' in first
    assert 'rel="prev" href="/blog/billet-tres-commente/#comments"' in second
    assert 'rel="next" href="/blog/billet-tres-commente/comments/3/#comments"' in second
    assert '<link rel="prev" href="' in third and '<link rel="next"' not in third
    assert "Commentaires plus anciens" in third and "Commentaires plus récents" not in third
    assert 'aria-current="page">3<' in third
    assert "Commentaires, page 3" in third.split("</title>")[0]
    # Page 1 has one address, and a page past the last does not exist.
    response = client.get("/blog/billet-tres-commente/comments/1/")
    assert response.status_code == 301 and response["Location"] == post.get_absolute_url()
    assert client.get("/blog/billet-tres-commente/comments/4/").status_code == 404
    assert client.get("/blog/billet-tres-commente/comments/0/").status_code == 404


def test_a_post_with_few_comments_has_no_comment_pages(client, post):
    add_threads(post, 3, replies=2)

    html = get(client, post.get_absolute_url())

    assert comments_on(html) == 9 and "9 commentaires</h2>" in html
    assert "comments__pages" not in html
    assert client.get("/blog/billet-tres-commente/comments/2/").status_code == 404


def test_the_page_stays_under_100_kb_with_2000_comments(client, post):
    add_threads(post, 1000, replies=1)

    sizes = [
        len(client.get(path).content)
        for path in (post.get_absolute_url(), "/blog/billet-tres-commente/comments/20/")
    ]

    assert XtdComment.objects.count() == 2000
    assert max(sizes) < 100_000, sizes


def test_a_link_to_a_comment_lands_on_the_page_that_holds_it(client, post):
    roots = add_threads(post, 120, replies=1)
    reply = XtdComment.objects.get(thread_id=roots[110], level=1)

    url = comment_url(reply)

    path, anchor = url.split("#")
    assert path == "/blog/billet-tres-commente/comments/3/" and anchor == f"c{reply.pk}"
    assert f'id="c{reply.pk}"' in get(client, path)
    assert (
        comment_url(XtdComment.objects.get(pk=roots[0])) == f"{post.get_absolute_url()}#c{roots[0]}"
    )


@override_settings(COMMENTS_ORDER="newest")
def test_a_comment_permalink_follows_its_comment_as_pages_shift(client, post):
    roots = add_threads(post, 100)
    permalink = f"/comments/{roots[0]}/"

    assert (
        client.get(permalink)["Location"] == f"/blog/billet-tres-commente/comments/2/#c{roots[0]}"
    )
    add_threads(post, 50)  # newer threads push the oldest one page further
    response = client.get(permalink)
    assert response["Location"] == f"/blog/billet-tres-commente/comments/3/#c{roots[0]}"
    assert f'id="c{roots[0]}"' in get(client, response["Location"].split("#")[0])

    XtdComment.objects.filter(pk=roots[0]).update(is_public=False)
    assert client.get(permalink).status_code == 404
    assert client.get("/comments/999999/").status_code == 404


def test_the_reply_email_links_to_the_comment_page(post):
    roots = add_threads(post, 120)
    XtdComment.objects.filter(pk=roots[110]).update(followup=True)
    answer = XtdComment.objects.create(
        content_type=ContentType.objects.get_for_model(Post),
        object_pk=str(post.pk),
        site=Site.objects.get_current(),
        user_name="Bob",
        user_email="bob@example.org",
        comment="Je réponds.",
        is_public=True,
        parent_id=roots[110],
    )
    mail.outbox.clear()

    notify.send_followup.call(answer.pk, roots[110])

    assert len(mail.outbox) == 1
    assert f"/blog/billet-tres-commente/comments/3/#c{answer.pk}" in mail.outbox[0].body


@override_settings(COMMENTS_ORDER="newest")
def test_newest_threads_first_is_a_setting(client, post):
    roots = add_threads(post, 120, replies=1)

    first = get(client, post.get_absolute_url())

    assert f'id="c{roots[119]}"' in first and f'id="c{roots[0]}"' not in first
    assert first.index(f'id="c{roots[119]}"') < first.index(f'id="c{roots[118]}"')
    assert (
        comment_url(XtdComment.objects.get(pk=roots[0]))
        == f"/blog/billet-tres-commente/comments/3/#c{roots[0]}"
    )
    assert f'id="c{roots[0]}"' in get(client, "/blog/billet-tres-commente/comments/3/")


@override_settings(COMMENTS_PER_PAGE=10)
def test_threads_per_page_is_a_setting(client, post):
    add_threads(post, 25)

    assert comments_on(get(client, post.get_absolute_url())) == 10
    assert comments_on(get(client, "/blog/billet-tres-commente/comments/3/")) == 5


@override_settings(PAGE_CACHE_SECONDS=0)
def test_the_queries_do_not_grow_with_the_comments(client, make_post):
    few, many = make_post(slug="peu"), make_post(slug="beaucoup")
    add_threads(few, 5, replies=1)
    add_threads(many, 150, replies=1)
    client.get(few.get_absolute_url())  # warm what a process keeps (content types, site)

    baseline = count_queries(client, few.get_absolute_url())

    assert count_queries(client, many.get_absolute_url()) == baseline
    assert count_queries(client, "/blog/beaucoup/comments/3/") == baseline


def test_a_comment_page_is_cached_like_any_page(client, post):
    add_threads(post, 60)
    path = "/blog/billet-tres-commente/comments/2/"

    assert client.get(path)["X-Cache"] == "MISS"
    assert client.get(path)["X-Cache"] == "HIT"


def test_the_reply_and_report_pages_lead_back_to_the_comment_page(client, post):
    roots = add_threads(post, 120)

    for action in ("reply", "report"):
        html = get(client, f"/comments/{action}/{roots[110]}/")
        assert f'href="/blog/billet-tres-commente/comments/3/#c{roots[110]}"' in html, action
