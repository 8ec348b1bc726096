"""The admin's busy screens cost the same queries with 3 rows as with 40, at most 20 (issue 15).

The post list, the comment queue and each of its filters, the contact messages, the
dashboard and the post form: a count or a query per row would show here as a difference
between the two sizes. Their speed at 10,000 posts and 100,000 comments is measured by
the benchmark (bench/), not here.
"""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Post, PullQuote, Question, RichText
from comments.models import Comment, CommentReview
from portfolio.core import page_cache
from portfolio.models import ContactMessage
from tests.factories import make_post

pytestmark = pytest.mark.django_db

BUDGET = 20
ADMIN = "/admin"
LISTS = {
    "post list": f"{ADMIN}/blog/post/",
    "post list, drafts": f"{ADMIN}/blog/post/?visibility=draft",
    "post list, searched": f"{ADMIN}/blog/post/?q=billet",
    "comment queue": f"{ADMIN}/comments/comment/",
    **{
        f"comment queue, {queue}": f"{ADMIN}/comments/comment/?queue={queue}"
        for queue in ("pending", "reported", "spam", "approved", "removed")
    },
    "comment queue, searched": f"{ADMIN}/comments/comment/?q=lecteur",
    "contact messages": f"{ADMIN}/portfolio/contactmessage/",
    "contact messages, unread": f"{ADMIN}/portfolio/contactmessage/?status__exact=unread",
    "contact messages, searched": f"{ADMIN}/portfolio/contactmessage/?q=mission",
    "dashboard": f"{ADMIN}/",
}


def queries_of(client, url):
    page_cache.invalidate_pages()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return len(queries)


def grow_to(size, post):
    """`size` posts of each kind, comments in each queue and messages, mostly in bulk.

    Comments one by one: django-comments-xtd's comment is a child table of
    django-comments' one, which bulk_create refuses.
    """
    now = timezone.now()
    have = Post.objects.count() // 3
    Post.objects.bulk_create(
        Post(title=f"Billet {kind} {n}", slug=f"billet-{kind}-{n}", status=status, published_at=at)
        for n in range(have, size)
        for kind, status, at in (
            ("en-ligne", Post.Status.PUBLISHED, now - timedelta(days=n + 1)),
            ("brouillon", Post.Status.DRAFT, now),
            ("programme", Post.Status.PUBLISHED, now + timedelta(days=n + 1)),
        )
    )
    posts = list(Post.objects.order_by("pk"))
    have = ContactMessage.objects.count()
    ContactMessage.objects.bulk_create(
        ContactMessage(
            name=f"Lectrice {n}",
            email=f"lectrice{n}@example.org",
            subject=f"Une mission {n}",
            message="Bonjour.",
            status=ContactMessage.Status.UNREAD if n % 2 else ContactMessage.Status.READ,
        )
        for n in range(have, size)
    )
    post_type = ContentType.objects.get_for_model(Post)
    reviews = []
    for n in range(Comment.objects.count() // 5, size):
        for queue, fields in (
            ("pending", {"is_public": False}),
            ("reported", {}),
            ("spam", {"is_public": False}),
            ("approved", {}),
            ("removed", {"is_removed": True}),
        ):
            comment = Comment.objects.create(
                content_type=post_type,
                object_pk=str(posts[n % len(posts)].pk),
                site_id=1,
                user_name=f"Lecteur {n}",
                user_email=f"lecteur{n}@example.org",
                comment=f"Un avis {queue} {n}.",
                submit_date=now - timedelta(hours=n + 1),
                **fields,
            )
            if queue == "reported":
                reviews.append(CommentReview(comment=comment, report_count=1))
            if queue == "spam":
                reviews.append(CommentReview(comment=comment, is_spam=True, reason="mot interdit"))
    CommentReview.objects.bulk_create(reviews)


@pytest.fixture
def post():
    return make_post(title="Le billet aux commentaires", slug="le-billet-aux-commentaires")


def test_the_busy_lists_cost_the_same_queries_at_3_and_at_40_rows(admin_client, post):
    grow_to(3, post)
    admin_client.get(LISTS["dashboard"])  # the session and the content types, once
    small = {name: queries_of(admin_client, url) for name, url in LISTS.items()}
    grow_to(40, post)
    large = {name: queries_of(admin_client, url) for name, url in LISTS.items()}
    assert large == small
    assert max(small.values()) <= BUDGET, small
    queue = admin_client.get(LISTS["comment queue, pending"]).content.decode()
    assert "Un avis pending 39." in queue and "Un avis approved 39." not in queue


def add_blocks(post, count):
    """Blocks up to `count`, of three kinds in turn, in bulk."""
    kinds = [
        (RichText, lambda n: {"text": f"<p>Paragraphe {n}.</p>"}),
        (PullQuote, lambda n: {"quote": f"Citation {n}", "attribution": "Une lectrice"}),
        (Question, lambda n: {"question": f"Question {n} ?", "answer": "<p>Réponse.</p>"}),
    ]
    have = sum(model.objects.filter(parent=post).count() for model, _fields in kinds)
    for number, (model, fields) in enumerate(kinds):
        model.objects.bulk_create(
            model(parent=post, region="body", ordering=n * 10, **fields(n))
            for n in range(have, count)
            if n % len(kinds) == number
        )


def test_the_post_form_costs_the_same_queries_with_3_and_with_40_blocks(admin_client, post):
    url = f"{ADMIN}/blog/post/{post.pk}/change/"
    add_blocks(post, 1)
    admin_client.get(url)
    add_blocks(post, 3)
    few = queries_of(admin_client, url)
    add_blocks(post, 40)
    many = queries_of(admin_client, url)
    assert many == few <= BUDGET
    assert "Citation 37" in admin_client.get(url).content.decode()


@pytest.mark.parametrize("model", [Post, Comment, ContactMessage])
def test_the_quick_selection_boxes_are_djangos_own(model, post):
    """Our lists write each row's box as HTML (portfolio/core/admin_lists.py): the same
    markup as Django's rendered widget, or the admin's actions.js would miss them."""
    if model is Comment:
        grow_to(1, post)
    if model is ContactMessage:
        ContactMessage.objects.create(name="Éva <b>", email="e@example.org", subject='Un "sujet"')
    obj = model.objects.first()
    model_admin = admin.site._registry[model]
    assert model_admin.action_checkbox(obj) == admin.ModelAdmin.action_checkbox(model_admin, obj)
