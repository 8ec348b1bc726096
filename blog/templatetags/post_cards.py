"""`{% post_card post lazy %}`: a post's card, rendered once per process for what it shows.

The card is made only of the values in its key (portfolio.core.fragments.memoized), so a
change to any of them is a new card and none can be stale. A list page shows ten cards
and the same cards appear on the home page, the blog's pages, tags and categories:
rendering each through its template took ~0.4 ms of the page's CPU.
"""

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portfolio.core import fragments

register = template.Library()


@register.simple_tag
def post_card(post, lazy=False):
    """Needs: post (with comment_count; reading_minutes shown when set)."""
    shown = {
        "slug": post.slug,
        "language": post.language,
        "title": post.title,
        "standfirst": post.standfirst,
        "kicker": post.series_label or (post.category.name if post.category_id else ""),
        "published_at": post.published_at,
        "time_zone": timezone.get_current_timezone_name(),
        "reading_minutes": getattr(post, "reading_minutes", None),
        "comment_count": post.comment_count,
        "picture": post.cover_picture,
        "lazy": bool(lazy),
    }
    return fragments.memoized(("post_card", *shown.items()), lambda: _render(shown))


def _render(shown):
    url = reverse("blog:post_detail", kwargs={"slug": shown["slug"]})
    return render_to_string("blog/post_card.html", {**shown, "url": url})
