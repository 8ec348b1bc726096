"""The large site of `bench/run --scale large` (tests/dataset_large.py), built tiny.

Its rows are written in bulk, past every `save()` and signal: these check that the site
it makes is one the apps could have made themselves.
"""

import pytest
from django.contrib.sites.models import Site
from django.test import Client
from django.urls import reverse
from django_comments_xtd.models import XtdComment

from blog.models import Post
from comments.admin import QUEUES
from comments.models import Comment
from comments.pages import comment_url
from portfolio.models import ContactMessage, PressMention, Skill
from tests import dataset, dataset_large
from tests.conftest import pass_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def large_site(demo):
    """The large site built tiny, with the blog list cached before (the test's `client`)."""
    post = dataset.bench_post()
    post.client = Client()
    post.client.get(reverse("blog:post_list"))
    assert post.client.get(reverse("blog:post_list"))["X-Cache"] == "HIT"
    dataset_large.add_long_post()
    post.first_generated_pk = Comment.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    dataset_large.build(
        post,
        posts=60,
        comments=Comment.objects.count() + 400,
        busy_comments=Comment.objects.for_post(post).count() + 120,
        messages=12,
    )
    return post


def thread_fields(post):
    return list(
        XtdComment.objects.filter(object_pk=str(post.pk))
        .order_by("thread_id", "order")
        .values_list("pk", "thread_id", "parent_id", "level", "order", "nested_count")
    )


def test_the_site_has_every_row_asked_for_and_shows_them(large_site, admin_user):
    assert Post.objects.published().count() == 60
    assert Comment.objects.for_post(large_site).count() >= 120
    assert ContactMessage.objects.count() == 12
    assert Skill.objects.count() == dataset_large.PROFILE_LISTS["Skill"]
    assert PressMention.objects.count() == dataset_large.PROFILE_LISTS["PressMention"]
    long_post = Post.objects.get(slug=dataset_large.LONG_POST_SLUG)
    assert dataset.block_count(long_post) == 60
    client = large_site.client
    # Bulk writes sent no signal: build() told the page cache.
    assert client.get(reverse("blog:post_list"))["X-Cache"] == "MISS"
    visible = Comment.objects.for_post(large_site).visible()
    deep = next(
        reply
        for reply in visible.filter(level=2).order_by("pk")
        if visible.filter(pk=reply.parent_id, parent_id__in=visible.values("pk")).exists()
    )
    page = client.get(comment_url(deep).split("#")[0])
    assert f'id="c{deep.pk}"' in page.content.decode()
    # Bulk writes indexed nothing: build() rebuilt the index.
    assert "Proxmox" in client.get(reverse("blog:search"), {"q": "proxmox"}).content.decode()
    admin = pass_second_factor(Client(), admin_user)
    for queue in QUEUES:
        changelist = admin.get(reverse("admin:comments_comment_changelist"), {"queue": queue})
        assert changelist.status_code == 200
        assert changelist.context["cl"].result_count > 0, queue


def test_threads_are_laid_out_as_django_comments_xtd_lays_them_out(large_site):
    rows = {
        pk: (thread, parent, level, order, nested)
        for pk, thread, parent, level, order, nested in thread_fields(large_site)
    }
    for pk, (thread, parent, level, order, nested) in rows.items():
        if parent == pk:
            assert (thread, level, order) == (pk, 0, 1)
        else:
            assert rows[parent][0] == thread and rows[parent][2] == level - 1
            assert rows[parent][3] < order
        assert nested == sum(1 for other in rows if other != pk and is_under(rows, other, pk))
    # The library's own save() threads a new reply among generated ones where it belongs:
    # after the last reply under its parent, and it counts it in the parent's replies.
    roots = [pk for pk, row in rows.items() if row[2] == 0 and pk >= large_site.first_generated_pk]
    parent = max(roots, key=lambda pk: rows[pk][4])
    reply = XtdComment.objects.create(
        content_type_id=XtdComment.objects.get(pk=parent).content_type_id,
        object_pk=str(large_site.pk),
        site=Site.objects.get_current(),
        user_name="Réponse",
        comment="Une réponse écrite par le formulaire.",
        parent_id=parent,
        is_public=True,
    )
    after = {row[0]: row[1:] for row in thread_fields(large_site)}
    thread = sorted((row[3], pk) for pk, row in after.items() if row[0] == parent)
    last_under_parent = max(
        order for order, pk in thread if is_under(after, pk, parent) and pk != reply.pk
    )
    assert after[reply.pk][3] == last_under_parent + 1
    assert after[parent][4] == rows[parent][4] + 1


def is_under(rows, pk, ancestor):
    while rows[pk][1] != pk:
        pk = rows[pk][1]
        if pk == ancestor:
            return True
    return False
