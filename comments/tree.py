"""The comments of one post, fetched in one query and threaded in Python.

The library's tree tag checks a permission per comment (3 queries at 0
comments, 205 at 200); this stays at one query whatever the count.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django_comments_xtd.models import XtdComment

from comments.models import Comment
from comments.pages import page_threads, takes_new_threads


@dataclass
class Node:
    comment: XtdComment
    children: list = field(default_factory=list)

    @property
    def is_pending(self):
        return not self.comment.is_public

    @property
    def is_author(self):
        user = self.comment.user
        return user is not None and user.is_staff

    @property
    def initials(self):
        words = [word for word in self.comment.user_name.split() if word[:1].isalnum()]
        letters = "".join(word[0] for word in words[:2]) or self.comment.user_name[:1] or "?"
        return letters.upper()

    @property
    def avatar_variant(self):
        """One of six colours, stable for a name (no style attribute needed)."""
        return sum(map(ord, self.comment.user_name.lower())) % 6


def comments_for(post, pending_ids=(), page=None):
    """Visible comments of `post`, plus this browser's own pending ones, in thread order.

    Given `page` (a Page of the post's threads, comments.pages), only the threads on it,
    in the same single query; the browser's own pending thread shows where new ones do.
    """
    comments = Comment.objects.for_post(post)
    shown = comments.visible()
    if pending_ids:
        # Held as spam too: its writer sees "awaiting moderation" and learns nothing.
        shown |= comments.filter(pk__in=list(pending_ids)).exclude(is_removed=True)
    if page is not None:
        on_page = Q(thread_id__in=page_threads(post, page))
        if pending_ids and takes_new_threads(page):
            on_page |= Q(level=0, pk__in=list(pending_ids))
        shown = shown.filter(on_page)
    return shown.select_related("user").order_by("thread_id", "order")


def build_tree(comments):
    """(roots, published_count). A reply whose parent is hidden is hidden too."""
    nodes = {}
    roots = []
    published = 0
    for comment in comments:
        node = Node(comment)
        if comment.parent_id in (0, comment.pk):
            roots.append(node)
        elif comment.parent_id in nodes:
            nodes[comment.parent_id].children.append(node)
        else:
            continue
        nodes[comment.pk] = node
        published += comment.is_public
    return roots, published
