"""The comment section of a post, as one tag the blog's templates call.

Named vitrine_comments: a `comments` tag library would shadow django-comments'.
The tag adds one query to the page, whatever the number of comments (none while the
page's thread is kept, portfolio.core.fragments), and draws the thread with one
template loop (comments.rendering).
"""

from django import template
from django.conf import settings
from django.template.loader import render_to_string

from comments import cookies
from comments.forms import CommentForm
from comments.models import Comment
from comments.moderation import comments_are_open
from comments.pages import is_newest_first
from comments.rendering import comment_html, thread_items
from comments.tree import build_tree, comments_for
from portfolio.core import fragments

register = template.Library()


def _initial_for(request):
    """Prefill from the remember-me cookie or the logged-in author; marks the page personal."""
    if request is None:
        return {}
    remembered = cookies.remembered_commenter(request)
    if remembered:
        request.vitrine_personal = True
        return {**remembered, "remember": True}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        request.vitrine_personal = True
        return {"name": user.get_full_name() or user.get_username(), "email": user.email}
    return {}


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context, post, page=None):
    """The comments of `post`; given `page` (blog.views' Page of its threads), that page's."""
    request = context.get("request")
    pending = cookies.pending_ids(request) if request is not None else []
    if pending:
        request.vitrine_personal = True
    is_open = comments_are_open(post)
    # Read before the comments' query (portfolio.core.fragments). A thread showing this
    # browser's own pending comments is built for it alone, never kept.
    generation = None if pending else fragments.current_generation()
    key = (
        "comment_thread",
        post.pk,
        page.number if page is not None else 0,
        page.paginator.per_page if page is not None else 0,
        is_open,
        settings.COMMENTS_XTD_MAX_THREAD_LEVEL,
        is_newest_first(),
    )
    count, thread_html = fragments.cached(
        generation, key, lambda: _thread(post, pending, page, is_open)
    )
    if page is not None and page.paginator.num_pages > 1:
        # The total of every page, annotated on the post (Post.with_comment_count). It
        # also counts a visible reply under a hidden one, which one page's tree cannot see.
        count = post.comment_count
    return {
        "post": post,
        "page": page,
        "page_links": _page_links(post, page),
        "newest_first": is_newest_first(),
        "previous_url": post.get_comment_page_url(page.number - 1)
        if page and page.has_previous()
        else "",
        "next_url": post.get_comment_page_url(page.number + 1) if page and page.has_next() else "",
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "thread_html": thread_html,
        "count": count,
        "is_open": is_open,
        "form": CommentForm(post, initial=_initial_for(request)) if is_open else None,
    }


def _thread(post, pending, page, is_open):
    """(published count, the thread's HTML) of `page` of the post's comments: one query."""
    roots, count = build_tree(comments_for(post, pending, page))
    if is_newest_first():
        roots.reverse()
    items = thread_items(
        roots,
        is_open=is_open,
        max_level=settings.COMMENTS_XTD_MAX_THREAD_LEVEL,
        language=post.language,
    )
    return count, render_to_string("comments/thread.html", {"items": items}) if items else ""


def _page_links(post, page):
    """(number or "…", url, is_current) for the comment pages' nav; empty on a single page."""
    if page is None or page.paginator.num_pages < 2:
        return []
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return [
        (
            number,
            "" if number == page.paginator.ELLIPSIS else post.get_comment_page_url(number),
            number == page.number,
        )
        for number in numbers
    ]


@register.inclusion_tag("comments/thread.html")
def comment_thread(node, preview=False):
    """One comment and its replies in the thread's markup, e.g. shown again on the reply page."""
    return {"items": thread_items([node], preview=preview)}


@register.filter(needs_autoescape=True)
def comment_text(value, autoescape=True):
    """Plain text as typed: HTML escaped, links made clickable, line breaks kept."""
    return comment_html(value)


@register.simple_tag
def pending_comment_count():
    """Comments awaiting moderation (spam excluded), for the admin index."""
    return Comment.objects.pending().count()
