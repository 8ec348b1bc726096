"""The admin's home page: what waits for the author, the latest comments, the shortcuts.

It reads the comments, the contact messages and the posts, hence its place in the
project package rather than in one app. Each list costs one query and the totals of
all of them one more, whatever the number of rows (pinned in tests/test_dashboard.py
and tests/test_admin_query_counts.py).
"""

from django.db.models import CharField, Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Cast

from blog.models import Post
from comments.models import Comment
from portfolio.core.stats import summary as statistics
from portfolio.models import ContactMessage, TailoredCV

# How many rows each list shows; the total links to the full list.
LIST_LENGTH = 10
LATEST_COMMENTS = 5
LATEST_TAILORED_CVS = 5

# Apps the author never needs: shown apart, at the bottom of the dashboard (and last in
# the side menu). Outgoing emails (core) and task results are the machinery's too.
TECHNICAL_APPS = {
    "auth",
    "axes",
    "core",
    "django_comments",
    "django_tasks_database",
    "importers",
    "otp_static",
    "otp_totp",
    "redirects",
    "reversion",
    "sites",
}


def with_post(comments):
    """Annotate each comment with its post's title and slug, in the same query."""
    # object_pk is text: the post's key is cast to text (never the other way, which
    # PostgreSQL refuses for a non-numeric value).
    post = Post.objects.annotate(key=Cast("pk", CharField())).filter(key=OuterRef("object_pk"))
    return comments.annotate(
        post_title=Subquery(post.values("title")[:1]),
        post_slug=Subquery(post.values("slug")[:1]),
    )


def totals(querysets):
    """{name: how many rows each queryset of `querysets` has}, all in one query.

    A UNION ALL of one COUNT per queryset: each keeps its own rule (pending(), drafts()…)
    and its own indexes, where one aggregate with conditions would scan every row.
    """
    parts = [
        queryset.order_by()
        .values(counted=Value(name, output_field=CharField()))
        .annotate(total=Count("pk"))
        .values_list("counted", "total")
        for name, queryset in querysets.items()
    ]
    if not parts:
        return {}
    return dict(parts[0].union(*parts[1:], all=True))


def waiting_lists(querysets, length=LIST_LENGTH):
    """{name: {"items": its first `length` rows, "total": how many}}: one query per list,
    and one for all the totals."""
    counts = totals(querysets)
    return {
        name: {"items": list(queryset[:length]), "total": counts[name]}
        for name, queryset in querysets.items()
    }


def dashboard(request):
    """The dashboard's context: each section only for whom may see it."""
    user = request.user
    context = {}
    waiting = {}  # what waits for the author: listed and counted
    if user.has_perm("comments.view_comment"):
        comments = with_post(Comment.objects.select_related("review")).order_by("-submit_date")
        waiting["pending_comments"] = comments.pending()
        waiting["reported_comments"] = comments.reported()
        context["latest_comments"] = list(comments.visible()[:LATEST_COMMENTS])
        context["can_moderate"] = user.has_perm("comments.change_comment")
    if user.has_perm("portfolio.view_contactmessage"):
        waiting["unread_messages"] = ContactMessage.objects.unread()
    if user.has_perm("blog.view_post"):
        waiting["drafts"] = Post.objects.drafts().order_by("-modified_at")
        waiting["scheduled_posts"] = Post.objects.scheduled().order_by("published_at")
    context.update(waiting_lists(waiting))
    if user.has_perm("portfolio.view_tailoredcv"):
        # The links read last first, then those never opened, newest first: one query.
        context["tailored_cvs"] = list(
            TailoredCV.objects.active().order_by(
                F("last_opened_at").desc(nulls_last=True), "-created_at", "-pk"
            )[:LATEST_TAILORED_CVS]
        )
    if user.has_perm("stats.view_dailycount"):
        # Two queries: the last 30 days' totals, and their views per day.
        context["statistics"] = statistics.last_days()
    return context


def split_technical(app_list):
    """(the author's apps, the technical ones) of an admin app list."""
    author = [app for app in app_list if app["app_label"] not in TECHNICAL_APPS]
    technical = [app for app in app_list if app["app_label"] in TECHNICAL_APPS]
    return author, technical
