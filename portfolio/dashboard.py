"""The admin's home page: what waits for the author, the latest comments, the shortcuts.

It reads the comments, the contact messages and the posts, hence its place in the
project package rather than in one app. Each list costs one query, the totals of all
of them one more and the posts of the comments shown one more, whatever the number of
rows (pinned in tests/test_dashboard.py and tests/test_admin_query_counts.py).
"""

from django.db.models import CharField, Count, F, Value

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


def with_posts(*comment_lists):
    """Give each comment of the lists its post's `post_title` and `post_slug`: one query.

    By the posts' keys rather than a subquery per comment: object_pk is text, and a
    post's key cast to text has no index, so PostgreSQL read every post for each comment
    shown (7 ms each at 10,000 posts). Only posts take comments (PostModerator).
    """
    comments = [comment for comments in comment_lists for comment in comments]
    keys = {int(comment.object_pk) for comment in comments if comment.object_pk.isdigit()}
    posts = {
        pk: (title, slug)
        for pk, title, slug in Post.objects.filter(pk__in=keys)
        .order_by()
        .values_list("pk", "title", "slug")
    }
    for comment in comments:
        key = int(comment.object_pk) if comment.object_pk.isdigit() else None
        comment.post_title, comment.post_slug = posts.get(key, ("", ""))


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
        comments = Comment.objects.select_related("review").order_by("-submit_date")
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
    if "latest_comments" in context:
        with_posts(
            context["pending_comments"]["items"],
            context["reported_comments"]["items"],
            context["latest_comments"],
        )
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
