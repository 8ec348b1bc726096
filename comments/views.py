"""Posting, replying, reporting and unsubscribing: server-rendered, no JS needed.

We post through our own view rather than django-comments' `post_comment`:
that one answers a blank 400 to a stale form, a bad hash or a closed post,
and cannot run the flood check inside the write transaction.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from blog.models import Post
from comments import cookies, notify
from comments.forms import CommentForm
from comments.models import Comment, CommentReport, CommentReview
from comments.moderation import comments_are_open, emails_proven_by, is_flooding, judge
from comments.pages import comment_url
from comments.privacy import forget_old_ip_addresses
from comments.tree import Node
from portfolio.core.locks import lock_per_address
from portfolio.core.security import client_ip

REPORT_INTERVAL = timedelta(minutes=1)


def _post_from(data):
    """The published post a form names, or None."""
    if data.get("content_type") != "blog.post":
        return None
    object_pk = data.get("object_pk", "")
    if not object_pk.isdigit():
        return None
    return Post.objects.published().filter(pk=object_pk).first()


def _form_page(request, post, form, notice="", status=200, preview=None):
    return render(
        request,
        "comments/form_page.html",
        {"post": post, "form": form, "notice": notice, "preview": preview},
        status=status,
    )


def _problem_page(request, post, text, title, message, status):
    return render(
        request,
        "comments/problem.html",
        {"post": post, "text": text, "title": title, "message": message},
        status=status,
    )


def _new_comment(form, request):
    """The unsaved comment of a valid form, with who sent it and from where."""
    comment = form.get_comment_object(site_id=settings.SITE_ID)
    comment.user = request.user if request.user.is_authenticated else None
    comment.ip_address = _valid_ip(client_ip(request))
    return comment


def _valid_ip(value):
    """The address, or None when a proxy header gave something else."""
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value


def _duplicate_of(comment, own_ids):
    """The same text in the same place among this browser's own comments (a double click).

    `own_ids`: the browser's pending cookie. Matching on the typed email instead
    would hand anyone who knows a stranger's email and text the cookie that
    shows the stranger's held comment.
    """
    if not own_ids:
        return None
    # A saved top-level comment is its own parent (the library sets parent_id = id).
    same_place = {"level": 0} if not comment.parent_id else {"parent_id": comment.parent_id}
    return (
        Comment.objects.filter(
            pk__in=own_ids,
            content_type=comment.content_type,
            object_pk=comment.object_pk,
            user_email=comment.user_email,
            comment=comment.comment,
            **same_place,
        )
        .order_by("-pk")
        .first()
    )


@require_POST
def post_comment(request):
    data = request.POST.copy()
    if request.user.is_authenticated:
        data["name"] = data.get("name") or request.user.get_full_name() or request.user.username
        data["email"] = data.get("email") or request.user.email
    text = data.get("comment", "")
    post = _post_from(data)
    if post is None:
        return _problem_page(
            request,
            None,
            text,
            _("This post is not available"),
            _("The post you wrote about cannot be found any more, so your comment was not saved."),
            status=404,
        )
    if not comments_are_open(post):
        return _problem_page(
            request,
            post,
            text,
            _("Comments are closed"),
            _("Comments on this post are closed, so your comment was not saved."),
            status=403,
        )
    form = CommentForm(post, data=data)
    security_errors = form.security_errors()
    if "honeypot" in security_errors:
        return _problem_page(
            request,
            post,
            text,
            _("Your comment was not saved"),
            _("A field meant to stay empty was filled in, as spam robots do."),
            status=400,
        )
    if security_errors:
        return _form_page(
            request,
            post,
            form.with_fresh_security_data(),
            notice=_(
                "This form was open for too long or was changed on the way, so nothing was "
                "saved. Your text is below: check it and send it again."
            ),
            status=400,
        )
    if form.errors:
        return _form_page(request, post, form.with_fresh_security_data())
    if "preview" in data:
        preview = Node(_new_comment(form, request))
        return _form_page(request, post, form.with_fresh_security_data(), preview=preview)
    is_author = request.user.is_authenticated and request.user.is_staff
    elapsed = form.seconds_since_displayed()
    if not is_author and elapsed is not None and elapsed < settings.COMMENTS_MIN_FILL_SECONDS:
        return _form_page(
            request,
            post,
            form.with_fresh_security_data(),
            notice=_("That was quick! Take a moment to read your comment again, then send it."),
            status=400,
        )

    comment = _new_comment(form, request)
    with transaction.atomic():
        lock_per_address("comments", comment.ip_address)
        # The author answering several comments in a row is not a flood.
        flooding = not is_author and is_flooding(comment.ip_address)
        # A double click lands on the first one, flooding or not: nothing new is written.
        duplicate = _duplicate_of(comment, cookies.pending_ids(request))
        if duplicate is not None:
            comment = duplicate
            flooding = False
        elif not flooding:
            user = request.user if request.user.is_authenticated else None
            verdict = judge(comment, user, emails_proven_by(request))
            comment.is_public = verdict.is_public
            comment.save()
            if not verdict.is_public:
                CommentReview.objects.create(
                    comment=comment, is_spam=verdict.is_spam, reason=verdict.reason
                )
            if not verdict.is_public and not verdict.is_spam:
                saved = comment
                transaction.on_commit(lambda: notify.notify_author(saved))
    if flooding:
        return _form_page(
            request,
            post,
            form.with_fresh_security_data(),
            notice=_(
                "You are sending comments too fast. Wait %(seconds)s seconds, then send it again."
            )
            % {"seconds": settings.COMMENTS_FLOOD_SECONDS},
            status=429,
        )

    forget_old_ip_addresses()
    response = redirect(comment_url(comment, post))
    if not comment.is_public:
        cookies.add_pending(request, response, comment.pk)
    elif not is_author:
        cookies.set_approved(response, comment.pk, reverse("comments:post"))
    if form.cleaned_data["remember"]:
        data = form.cleaned_data
        cookies.remember_commenter(response, data["name"], data["email"], data["url"])
    elif cookies.COMMENTER_COOKIE in request.COOKIES:
        cookies.forget_commenter(response)
    return response


def _public_comment_or_404(comment_id):
    comment = get_object_or_404(
        Comment.objects.visible().select_related("content_type"),
        pk=comment_id,
        content_type__app_label="blog",
        content_type__model="post",
    )
    post = Post.objects.published().filter(pk=comment.object_pk).first()
    if post is None:
        raise Http404
    return comment, post


def permalink(request, comment_id):
    """A link to one comment that never goes stale: to the comment page holding it now.

    Page numbers shift as threads arrive (newest first) or the page size changes;
    this address does not. A redirect, so the page itself stays the cached one.
    """
    comment, post = _public_comment_or_404(comment_id)
    return redirect(comment_url(comment, post))


def reply(request, comment_id):
    """The reply form under one comment, for browsers without JavaScript."""
    parent, post = _public_comment_or_404(comment_id)
    form = None
    if comments_are_open(post) and parent.allow_thread():
        form = CommentForm(post, initial={"reply_to": parent.pk})
    return render(
        request,
        "comments/reply.html",
        {
            "post": post,
            "node": Node(parent),
            "form": form,
            "is_open": comments_are_open(post),
            "comment_url": comment_url(parent, post),
        },
    )


def report(request, comment_id):
    """Ask, then tell the author that a visitor finds a published comment abusive.

    A report hides nothing: hiding on reports, even on several from distinct
    addresses, lets anyone with a few addresses silence a thread, while the
    author, alerted by email and the "reported" queue, decides within hours.
    A comment the author kept after a report takes no more until it is edited.
    """
    comment, post = _public_comment_or_404(comment_id)
    if request.method != "POST":
        return render(
            request,
            "comments/report.html",
            {"post": post, "node": Node(comment), "comment_url": comment_url(comment, post)},
        )
    ip_address = _valid_ip(client_ip(request))
    now = timezone.now()
    with transaction.atomic():
        # One report a minute per address, counted in the transaction that writes it.
        lock_per_address("comments:report", ip_address)
        review, _created = CommentReview.objects.get_or_create(comment=comment)
        too_soon = not review.is_cleared and (
            CommentReport.objects.recent_from_address(ip_address, now - REPORT_INTERVAL).exists()
        )
        if not review.is_cleared and not too_soon:
            CommentReport.objects.create(comment=comment, ip_address=ip_address, reported_at=now)
            CommentReview.objects.filter(pk=review.pk).update(
                report_count=F("report_count") + 1, reported_at=now
            )
            if review.report_count == 0:  # the first since the author's last look
                transaction.on_commit(lambda: notify.notify_reported(comment))
    if too_soon:
        return render(
            request,
            "comments/report.html",
            {
                "post": post,
                "node": Node(comment),
                "comment_url": comment_url(comment, post),
                "notice": _("You reported a comment a moment ago. Wait a minute, then try again."),
            },
            status=429,
        )
    return render(request, "comments/reported.html", {"post": post, "review": review})


@never_cache  # the page names the follower: no shared cache, ours included, may keep it
def unsubscribe(request, token):
    """Stop the follow-up emails of one post for one address (asks first)."""
    try:
        follower = notify.follower_of(token)
    except signing.SignatureExpired:
        return render(request, "comments/unsubscribe_expired.html", status=410)
    post = follower and Post.objects.filter(pk=follower.object_pk).first()
    if not post:
        return render(request, "comments/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        Comment.objects.for_post(post).filter(user_email__iexact=follower.user_email).update(
            followup=False
        )
        return render(request, "comments/unsubscribed.html", {"post": post})
    return render(
        request, "comments/unsubscribe.html", {"post": post, "email": follower.user_email}
    )
