"""The demo, grown to a given size: for the query-count tests and the benchmark (bench/).

`grow(size)` is additive and idempotent: calling it with "small" then "large" turns the
same database from the small site into the large one, so query counts can be compared
on both. Written against the models through their public fields and reverse relations,
and defensive: a block type that cannot be copied is skipped, not fatal.
"""

import io
from contextlib import contextmanager
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

SIZES = {
    # extra posts, comments on the bench post, extra tags, extra profile entries
    "small": {"posts": 5, "comments": 3, "tags": 2, "profile_items": 1},
    "large": {"posts": 200, "comments": 300, "tags": 40, "profile_items": 12},
}
COPY_PREFIX = "bench-copy-"
COMMENT_TEXT = (
    "Merci pour ce billet : nous avons vécu la même chose en migrant notre support vers "
    "un outil de tickets. La partie sur les priorités m’a fait réfléchir, je la partage "
    "avec l’équipe lundi. Une question : combien de temps avant de voir les effets ?"
)


def bench_post():
    """The post that gets the comments: the demo post with the most content blocks."""
    from blog.models import Post

    posts = list(Post.objects.published().exclude(slug__startswith=COPY_PREFIX))
    return max(posts, key=lambda post: (block_count(post), -post.pk))


def content_relations():
    """Reverse one-to-many relations from Post to its blocks (anything cloneable)."""
    from blog.models import Post

    for relation in Post._meta.related_objects:
        model = relation.related_model
        if not relation.one_to_many or model._meta.app_label != "blog":
            continue
        unique = [f for f in model._meta.concrete_fields if f.unique and not f.primary_key]
        if not unique:
            yield relation


def block_count(post):
    return sum(
        getattr(post, relation.get_accessor_name()).count() for relation in content_relations()
    )


def load_demo():
    from blog.models import Post

    if not Post.objects.exists():
        call_command("demo", stdout=io.StringIO())


def grow(size):
    """Make the site `size` ("small" or "large"); returns the bench post."""
    from blog.models import Post, Tag

    target = SIZES[size]
    load_demo()
    template = bench_post()
    with transaction.atomic(), quiet_comment_notifications():
        tags = list(Tag.objects.order_by("pk"))
        for number in range(target["tags"]):
            tag, _created = Tag.objects.get_or_create(
                slug=f"{COPY_PREFIX}tag-{number}", defaults={"name": f"sujet {number}"}
            )
            tags.append(tag)
        existing = Post.objects.filter(slug__startswith=COPY_PREFIX).count()
        for number in range(existing, target["posts"]):
            copy_post(template, number, tags)
        add_comments(template, target["comments"])
        grow_profile(target["profile_items"])
    rebuild_search_index()
    return template


@contextmanager
def quiet_comment_notifications():
    """No follower emails for generated comments (and none of their queries)."""
    from django.db.models.signals import post_save
    from django_comments_xtd.models import XtdComment

    try:
        from comments.signals import notify_when_published
    except ImportError:
        yield
        return
    post_save.disconnect(notify_when_published, sender=XtdComment)
    try:
        yield
    finally:
        post_save.connect(notify_when_published, sender=XtdComment)


def rebuild_search_index():
    """Blocks were created in bulk, without the signals that index them."""
    try:
        from blog.search import rebuild_index
    except ImportError:
        return
    rebuild_index()


def copy_post(template, number, tags):
    from blog.models import Post

    post = Post.objects.get(pk=template.pk)
    post.pk = post.id = None
    post._state.adding = True
    post.slug = f"{COPY_PREFIX}{number}"
    post.title = f"{template.title} ({number + 1})"
    post.published_at = timezone.now() - timedelta(days=number + 2, hours=number % 7)
    post.save()
    post.tags.set(tags[number % len(tags) :: max(1, len(tags) // 3)][:3])
    for relation in content_relations():
        blocks = list(getattr(template, relation.get_accessor_name()).all())
        for block in blocks:
            block.pk = block.id = None
            block._state.adding = True
            setattr(block, relation.field.name, post)
        try:
            # In bulk: no per-block signals (search reindex, renditions of the same files).
            with transaction.atomic():
                relation.related_model.objects.bulk_create(blocks)
        except (IntegrityError, ValueError):
            continue
    return post


def add_comments(post, total):
    """Threaded comments: a third top-level, the rest replies one or two levels deep."""
    from django_comments_xtd.models import XtdComment

    content_type = ContentType.objects.get_for_model(post)
    site = Site.objects.get_current()
    existing = list(
        XtdComment.objects.filter(content_type=content_type, object_pk=str(post.pk)).order_by("pk")
    )
    start = timezone.now() - timedelta(days=20)
    for number in range(len(existing), total):
        parent = None
        if number % 3 and existing:
            parent = existing[(number // 3) * 3 % len(existing)]
            if parent.level >= 2:
                parent = None
        comment = XtdComment(
            content_type=content_type,
            object_pk=str(post.pk),
            site=site,
            user_name=f"Lectrice {number}",
            user_email=f"lectrice{number}@example.org",
            comment=f"{COMMENT_TEXT} ({number})",
            submit_date=start + timedelta(minutes=number),
            is_public=True,
        )
        if parent is not None:
            comment.parent_id = parent.pk
        comment.save()
        existing.append(XtdComment.objects.get(pk=comment.pk))


def grow_profile(total):
    """More entries in each profile list (positions, skills…), copied from the first one."""
    try:
        from portfolio import models as profile_models
    except ImportError:
        return
    for name in ("Position", "Skill", "Education", "Certification", "Service", "Sector"):
        model = getattr(profile_models, name, None)
        if model is None:
            continue
        first = model.objects.order_by("pk").first()
        if first is None:
            continue
        copies = model.objects.count()
        for _number in range(copies, total + 1):
            item = model.objects.get(pk=first.pk)
            item.pk = item.id = None
            item._state.adding = True
            try:
                with transaction.atomic():
                    item.save()
            except (IntegrityError, ValueError):
                break


def pending_comment(post, text):
    """A comment awaiting moderation (approved by the consistency check)."""
    from django_comments_xtd.models import XtdComment

    comment = XtdComment(
        content_type=ContentType.objects.get_for_model(post),
        object_pk=str(post.pk),
        site=Site.objects.get_current(),
        user_name="Vérification",
        user_email="check@example.org",
        comment=text,
        is_public=False,
    )
    comment.save()
    return comment


def public_urls(post):
    """(name, path) of every public page worth measuring, from what the site has."""
    from django.urls import NoReverseMatch, reverse

    urls = [
        ("home", "/"),
        ("home (en)", "/en/"),
        ("blog list", "/blog/"),
        ("blog list, page 2", "/blog/?page=2"),
        ("post with comments", post.get_absolute_url()),
    ]
    for name, attribute in (("category", "category"), ("series", "series")):
        related = getattr(post, attribute, None)
        if related is not None and hasattr(related, "get_absolute_url"):
            urls.append((name, related.get_absolute_url()))
    tag = post.tags.order_by("pk").first() if hasattr(post, "tags") else None
    if tag is not None:
        urls.append(("tag", tag.get_absolute_url()))
    for name, route, kwargs in (
        ("year archive", "blog:year", {"year": post.published_at.year}),
        ("search", "blog:search", {}),
        ("feed (RSS)", "blog:feed_rss", {}),
        ("feed (Atom)", "blog:feed_atom", {}),
        ("profile", "portfolio:profile", {}),
        ("contact", "portfolio:contact", {}),
        ("CV (PDF)", "portfolio:cv_pdf", {}),
        ("résumé (JSON)", "portfolio:resume_json", {}),
    ):
        try:
            path = reverse(route, kwargs=kwargs)
        except NoReverseMatch:
            continue
        urls.append((name, path + ("?q=support" if name == "search" else "")))
    urls.append(("sitemap", "/sitemap.xml"))
    return urls
