"""Comments in pages, as WordPress has them: COMMENTS_PER_PAGE top-level threads a page.

Replies stay with their thread, so a page is a slice of the post's visible threads in
the COMMENTS_ORDER order; the page numbers and their URLs are the blog's
(`Post.get_comment_page_url`, blog.views), which paginates `Post.thread_count`.
"""

from django.conf import settings
from django.db.models import Count, Q

from comments.models import Comment


def is_newest_first():
    return settings.COMMENTS_ORDER == "newest"


def page_threads(post, page):
    """The thread ids on comment `page` (a Page of the post's threads), as a subquery."""
    order = "-thread_id" if is_newest_first() else "thread_id"
    bottom = (page.number - 1) * page.paginator.per_page
    threads = Comment.objects.for_post(post).threads().order_by(order).values("thread_id")
    return threads[bottom : bottom + page.paginator.per_page]


def takes_new_threads(page):
    """The page where a thread started now appears: the last one, or the first if newest first."""
    return page.number == 1 if is_newest_first() else not page.has_next()


def comment_url(comment, post=None):
    """The path that shows `comment`: its post, or the comment page holding its thread, #c<id>.

    One query. A thread still awaiting moderation lands where new threads appear.
    """
    post = post or comment.content_object
    thread_id = comment.thread_id or comment.pk
    earlier = Q(thread_id__gt=thread_id) if is_newest_first() else Q(thread_id__lt=thread_id)
    counts = (
        Comment.objects.for_post(post)
        .threads()
        .aggregate(before=Count("pk", filter=earlier), total=Count("pk"))
    )
    per_page = settings.COMMENTS_PER_PAGE
    last = max(1, -(-counts["total"] // per_page))
    number = min(counts["before"] // per_page + 1, last)
    return f"{post.get_comment_page_url(number)}#c{comment.pk}"
