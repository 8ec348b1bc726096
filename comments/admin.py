"""The moderation queue: filters, one-click approval, bulk actions, privacy tools."""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import CharField, F, Lookup, Q, Value
from django.db.models.functions import Cast
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy
from django.views.decorators.http import require_POST
from django_comments.models import CommentFlag
from django_comments_xtd.models import BlackListedDomain, XtdComment

from blog.admin import PostAdmin
from blog.models import Post
from comments.models import Comment, CommentQuerySet, CommentReview, is_visible
from comments.moderation import why_comments_are_closed
from portfolio.core.admin_lists import QuickSelectionBoxes

# Each queue is one rule of CommentQuerySet; a comment's status is the first that holds.
QUEUES = {
    "removed": (_("Removed"), CommentQuerySet.removed),
    "spam": (_("Spam"), CommentQuerySet.spam),
    "reported": (_("Reported"), CommentQuerySet.reported),  # shown, so before "approved"
    "approved": (_("Approved"), CommentQuerySet.visible),
    "pending": (_("Pending"), CommentQuerySet.pending),
}
QUEUE_ORDER = ["pending", "reported", "spam", "approved", "removed"]


def queues_of(comments):
    """{pk: the first queue of QUEUES that holds the comment}, in one query."""
    base = Comment.objects.filter(pk__in=[comment.pk for comment in comments]).order_by()
    parts = [rule(base).values_list("pk", Value(name)) for name, (_label, rule) in QUEUES.items()]
    order = list(QUEUES)
    found = {}
    for pk, name in parts[0].union(*parts[1:], all=True):
        if pk not in found or order.index(name) < order.index(found[pk]):
            found[pk] = name
    return found


class InSubquery(Lookup):
    """`lhs IN (subquery)`, written `lhs = ANY(ARRAY(subquery))` on PostgreSQL.

    Inside an OR, PostgreSQL runs `IN (subquery)` as a filter on each row (a hashed
    SubPlan), so the whole OR becomes a scan of the table and the search's trigram indexes
    (migration 0006) go unused; `ARRAY(subquery)` is computed once (an InitPlan) and
    `= ANY` of it reads the column's B-tree, so the OR is a BitmapOr of index scans.
    """

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} IN {rhs}", [*lhs_params, *rhs_params]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]


class QueueFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [(name, QUEUES[name][0]) for name in QUEUE_ORDER]

    def queryset(self, request, queryset):
        if self.value() not in QUEUES:
            return queryset
        return QUEUES[self.value()][1](queryset)


def _save_each(queryset, **changes):
    count = 0
    for comment in queryset:
        for name, value in changes.items():
            setattr(comment, name, value)
        comment.save()
        count += 1
    return count


def clear_reports(pks):
    """The author looked: reported ones are kept and take no more reports until edited."""
    reviews = CommentReview.objects.filter(comment__in=pks)
    reviews.filter(report_count__gt=0).update(is_cleared=True)
    reviews.update(is_spam=False, report_count=0)


def approve(comments):
    """Publish: clears the spam mark and reports; followers are emailed by a signal."""
    clear_reports([c.pk for c in comments])
    return _save_each(comments, is_public=True, is_removed=False)


def mark_spam(comments):
    """Unpublish as spam: kept for review, out of the pending queue and of every email."""
    for comment in comments:
        CommentReview.objects.update_or_create(
            comment=comment, defaults={"is_spam": True, "reason": "marked by the author"}
        )
    return _save_each(comments, is_public=False)


def remove(comments):
    """Hide for good, kept for the record (CommentQuerySet.removed)."""
    return _save_each(comments, is_removed=True)


# One comment in one click, from a row of the queue or from the dashboard:
# the decision's function (the same the bulk actions use) and its message.
DECISIONS = {
    "approve": (approve, _("Comment by %(name)s approved.")),
    "spam": (mark_spam, _("Comment by %(name)s marked as spam.")),
    "remove": (remove, _("Comment by %(name)s removed.")),
}


class CommentModerationAdmin(QuickSelectionBoxes, admin.ModelAdmin):
    # Four columns, so the buttons stay in sight beside the filters at 1,280 px; on a
    # phone the rows stack into cards (static/css/admin.css).
    list_display = ["user_name", "excerpt", "status", "decision_buttons"]
    list_filter = [QueueFilter, "submit_date"]
    list_select_related = ["review", "user"]
    search_fields = ["user_name", "user_email", "comment"]
    # No date_hierarchy: its years or months are a DISTINCT over every comment's date in
    # the author's time zone, which SQLite computes in Python row by row (1.0-1.4 s at
    # 100,000 comments). The submit_date filter above gives today / 7 days / this month
    # / this year without a query.
    ordering = ["-submit_date"]
    # "N of M": M is a count of the whole table, of no use beside the queue's own count.
    show_full_result_count = False
    actions = ["approve_selected", "mark_spam", "remove", "export_for_emails", "erase_for_emails"]
    readonly_fields = ["submit_date", "ip_address", "content_type", "object_pk", "site"]
    fields = [
        "user_name",
        "user_email",
        "user_url",
        "comment",
        "followup",
        "is_public",
        "is_removed",
        "submit_date",
        "ip_address",
        "content_type",
        "object_pk",
        "site",
    ]

    def get_queryset(self, request):
        return Comment.objects.select_related("review", "user")

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        titles = dict(
            Post.objects.filter(
                pk__in=[int(c.object_pk) for c in changelist.result_list if c.object_pk.isdigit()]
            ).values_list("pk", "title")
        )
        queues = queues_of(changelist.result_list) if changelist.result_list else {}
        for comment in changelist.result_list:
            comment.post_title_cache = titles.get(int(comment.object_pk or 0), "")
            comment.queue = queues.get(comment.pk)
        return changelist

    def get_search_results(self, request, queryset, search_term):
        """The words in the name, email or text (search_fields), or the post's title.

        Both arms start from `queryset`, which arrives with the queue's filters: a title
        match in the pending queue shows only pending comments.
        """
        in_comments, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        if not search_term:
            return in_comments, may_have_duplicates
        # A subquery, not a list of ids: a word found in 10,000 post titles would put
        # 10,000 parameters in the query. object_pk is text: the key is cast to text.
        posts = (
            Post.objects.filter(title__icontains=search_term)
            .order_by()
            .values(key=Cast("pk", CharField()))
        )
        on_posts = queryset.filter(InSubquery(F("object_pk"), posts))
        return in_comments | on_posts, may_have_duplicates

    @admin.display(description=_("comment"), ordering="submit_date")
    def excerpt(self, obj):
        """The words, then on which post and when."""
        return format_html(
            '{}<span class="comment-context">{} · {}</span>',
            Truncator(obj.comment).chars(120),
            self.post_title(obj),
            date_format(timezone.localtime(obj.submit_date), "SHORT_DATETIME_FORMAT"),
        )

    @admin.display(description=_("post"))
    def post_title(self, obj):
        return getattr(obj, "post_title_cache", "")

    @admin.display(description=_("status"))
    def status(self, obj):
        """The comment's queue, and why it was held or reported."""
        label = QUEUES[obj.queue][0] if getattr(obj, "queue", None) else ""
        why = self.held_because(obj)
        return (
            format_html('{}<span class="comment-context">{}</span>', label, why) if why else label
        )

    @admin.display(description=_("why it was held"))
    def held_because(self, obj):
        """The moderation's reason, e.g. the disallowed word that marked it as spam."""
        review = getattr(obj, "review", None)
        if review is None:
            return ""
        if review.report_count and not obj.is_removed:
            count = review.report_count
            return ngettext("reported once", "reported %(count)d times", count) % {"count": count}
        return review.reason if not is_visible(obj) else ""

    @admin.display(description=_("approve"))
    def approve_button(self, obj):
        review = getattr(obj, "review", None)
        if is_visible(obj) and not (review is not None and review.report_count):
            return ""
        url = reverse("admin:comments_approve", args=[obj.pk])
        # A button of the changelist form: it posts the form (and its CSRF token) here.
        return format_html(
            '<button type="submit" class="button" formaction="{}">{}</button>', url, _("Approve")
        )

    @admin.display(description=_("moderate"))
    def decision_buttons(self, obj):
        """Approve (when there is something to approve), spam, remove: one click each."""
        others = [
            (reverse(f"admin:comments_{name}", args=[obj.pk]), label)
            for name, label, done in (
                (
                    "spam",
                    pgettext_lazy("moderation button", "Spam"),
                    getattr(obj, "queue", None) == "spam",
                ),
                ("remove", _("Remove"), obj.is_removed),
            )
            if not done
        ]
        # Buttons of the changelist form, like approve_button's.
        return format_html(
            "{}{}",
            self.approve_button(obj),
            format_html_join(
                "", '<button type="submit" class="button" formaction="{}">{}</button>', others
            ),
        )

    def view_on_site(self, obj):
        post = Post.objects.filter(pk=obj.object_pk).first() if obj.object_pk.isdigit() else None
        return f"{post.get_absolute_url()}#c{obj.pk}" if post else None

    def get_urls(self):
        return [
            *(
                path(
                    f"<id:comment_id>/{decision}/",
                    self.admin_site.admin_view(require_POST(self.moderate_view)),
                    {"decision": decision},
                    name=f"comments_{decision}",
                )
                for decision in DECISIONS
            ),
            *super().get_urls(),
        ]

    def moderate_view(self, request, comment_id, decision):
        if not self.has_change_permission(request):
            return HttpResponse(status=403)
        comment = get_object_or_404(Comment.objects, pk=comment_id)
        decide, message = DECISIONS[decision]
        decide([comment])
        if decision == "approve":
            CommentFlag.objects.get_or_create(
                comment=comment, user=request.user, flag=CommentFlag.MODERATOR_APPROVAL
            )
        self.message_user(request, message % {"name": comment.user_name}, messages.SUCCESS)
        return HttpResponseRedirect(self._back_to_queue(request))

    def _back_to_queue(self, request):
        """Where the author clicked (the queue with its filters, or the dashboard), if ours."""
        changelist = reverse("admin:comments_comment_changelist")
        referer = request.META.get("HTTP_REFERER", "")
        safe = url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        ours = {changelist, reverse("admin:index")}
        return referer if safe and urlsplit(referer).path in ours else changelist

    def save_model(self, request, obj, form, change):
        # Published from the change form is approved: never spam nor reported
        # while visible (CommentQuerySet.visible() relies on it).
        if change and is_visible(obj):
            clear_reports([obj.pk])
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Approve the selected comments"), permissions=["change"])
    def approve_selected(self, request, queryset):
        count = approve(list(queryset))
        self.message_user(
            request,
            ngettext("%d comment approved.", "%d comments approved.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark the selected comments as spam"), permissions=["change"])
    def mark_spam(self, request, queryset):
        count = mark_spam(list(queryset))
        self.message_user(
            request,
            ngettext("%d comment marked as spam.", "%d comments marked as spam.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Remove the selected comments"), permissions=["change"])
    def remove(self, request, queryset):
        count = remove(list(queryset))
        self.message_user(
            request,
            ngettext("%d comment removed.", "%d comments removed.", count) % count,
            messages.SUCCESS,
        )

    def _everything_for(self, queryset):
        emails = {email.lower() for email in queryset.values_list("user_email", flat=True) if email}
        condition = Q(pk__in=[])
        for email in emails:
            condition |= Q(user_email__iexact=email)
        return emails, Comment.objects.filter(condition).order_by("submit_date")

    @admin.action(
        description=_("Export everything stored for these commenters’ emails"),
        permissions=["view"],
    )
    def export_for_emails(self, request, queryset):
        emails, comments = self._everything_for(queryset)
        data = {
            "emails": sorted(emails),
            "exported_at": timezone.now().isoformat(),
            "comments": [
                {
                    "id": c.pk,
                    "post": c.object_pk,
                    "name": c.user_name,
                    "email": c.user_email,
                    "website": c.user_url,
                    "comment": c.comment,
                    "submitted_at": c.submit_date.isoformat(),
                    "ip_address": c.ip_address,
                    "follows_replies": c.followup,
                    "is_public": c.is_public,
                    "is_removed": c.is_removed,
                }
                for c in comments
            ],
        }
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="comments-personal-data.json"'
        return response

    @admin.action(
        description=_("Erase everything stored for these commenters’ emails"),
        permissions=["delete"],
    )
    def erase_for_emails(self, request, queryset):
        """Delete their comments; replies by others stay, hidden with their parent."""
        emails, comments = self._everything_for(queryset)
        count = comments.count()
        comments.delete()
        self.message_user(
            request,
            ngettext(
                "%(count)d comment erased for %(emails)s.",
                "%(count)d comments erased for %(emails)s.",
                count,
            )
            % {"count": count, "emails": ", ".join(sorted(emails))},
            messages.SUCCESS,
        )


class LibraryAddressesAdmin(admin.ModelAdmin):
    """The library's admin addresses, kept as redirects to our queue (off the index)."""

    def get_model_perms(self, request):
        return {}

    def _to(self, name, request, *args):
        url = reverse(f"admin:comments_comment_{name}", args=args)
        query = request.META.get("QUERY_STRING")
        return HttpResponseRedirect(f"{url}?{query}" if query else url)

    def changelist_view(self, request, extra_context=None):
        return self._to("changelist", request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._to("change", request, object_id)


# One queue, under our name: the library's own admin is replaced, not duplicated.
admin.site.unregister(XtdComment)
admin.site.register(Comment, CommentModerationAdmin)
admin.site.register(XtdComment, LibraryAddressesAdmin)
for model in (BlackListedDomain,):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class PostAdminWithCommentState(PostAdmin):
    """The blog's post admin, told by the comments' one rule whether a post takes comments.

    Here rather than in blog/admin.py: the blog does not import the comments (layers in
    pyproject.toml). The list column appears only when comments close by age
    (COMMENTS_CLOSE_AFTER_DAYS), the only case where the tick box alone can mislead.
    """

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "comment_state"]

    def get_fieldsets(self, request, obj=None):
        return [
            (name, {**options, "fields": [*options["fields"], "comment_state"]})
            if "is_open_for_comments" in options["fields"]
            else (name, options)
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        if settings.COMMENTS_CLOSE_AFTER_DAYS:
            shown.insert(
                shown.index("preview_link") if "preview_link" in shown else len(shown),
                "comment_state",
            )
        return shown

    @admin.display(description=_("comments"))
    def comment_state(self, post):
        if not post.pk:
            return "–"
        reason = why_comments_are_closed(post)
        return capfirst(reason) if reason else pgettext("comments", "Open")


admin.site.unregister(Post)
admin.site.register(Post, PostAdminWithCommentState)
