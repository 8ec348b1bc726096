"""The moderation queue: filters, one-click approval, bulk actions, privacy tools."""

import json

from django.contrib import admin, messages
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_comments.models import CommentFlag
from django_comments_xtd.models import BlackListedDomain, XtdComment

from blog.models import Post
from comments.models import Comment, CommentReview

PENDING = Q(is_public=False, is_removed=False) & ~Q(review__is_spam=True)
QUEUES = {
    "pending": PENDING,
    "reported": Q(review__report_count__gt=0, is_removed=False) & ~Q(review__is_spam=True),
    "spam": Q(review__is_spam=True, is_removed=False),
    "approved": Q(is_public=True, is_removed=False),
    "removed": Q(is_removed=True),
}


def pending_count():
    return XtdComment.norel_objects.filter(PENDING).count()


class QueueFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("pending", _("Pending")),
            ("reported", _("Reported")),
            ("spam", _("Spam")),
            ("approved", _("Approved")),
            ("removed", _("Removed")),
        ]

    def queryset(self, request, queryset):
        condition = QUEUES.get(self.value())
        return queryset.filter(condition) if condition is not None else queryset


def _save_each(queryset, **changes):
    count = 0
    for comment in queryset:
        for name, value in changes.items():
            setattr(comment, name, value)
        comment.save()
        count += 1
    return count


def approve(comments):
    """Publish: clears the spam mark and reports; followers are emailed by a signal."""
    CommentReview.objects.filter(comment__in=[c.pk for c in comments]).update(
        is_spam=False, report_count=0
    )
    return _save_each(comments, is_public=True, is_removed=False)


class CommentModerationAdmin(admin.ModelAdmin):
    list_display = [
        "user_name",
        "excerpt",
        "post_title",
        "submit_date",
        "status",
        "approve_button",
    ]
    list_filter = [QueueFilter, "submit_date"]
    list_select_related = ["review", "user"]
    search_fields = ["user_name", "user_email", "comment"]
    date_hierarchy = "submit_date"
    ordering = ["-submit_date"]
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
        return Comment.norel_objects.select_related("review", "user")

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        titles = dict(
            Post.objects.filter(
                pk__in=[int(c.object_pk) for c in changelist.result_list if c.object_pk.isdigit()]
            ).values_list("pk", "title")
        )
        for comment in changelist.result_list:
            comment.post_title_cache = titles.get(int(comment.object_pk or 0), "")
        return changelist

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            post_ids = Post.objects.filter(title__icontains=search_term).values_list(
                "pk", flat=True
            )
            queryset |= self.get_queryset(request).filter(
                object_pk__in=[str(pk) for pk in post_ids]
            )
        return queryset, may_have_duplicates

    @admin.display(description=_("comment"))
    def excerpt(self, obj):
        return Truncator(obj.comment).chars(120)

    @admin.display(description=_("post"))
    def post_title(self, obj):
        return getattr(obj, "post_title_cache", "")

    @admin.display(description=_("status"))
    def status(self, obj):
        review = getattr(obj, "review", None)
        if obj.is_removed:
            return _("Removed")
        if review is not None and review.is_spam:
            return _("Spam")
        if obj.is_public:
            return _("Approved")
        if review is not None and review.report_count:
            return _("Reported")
        return _("Pending")

    @admin.display(description=_("approve"))
    def approve_button(self, obj):
        if obj.is_public and not obj.is_removed:
            return ""
        url = reverse("admin:comments_approve", args=[obj.pk])
        # A button of the changelist form: it posts the form (and its CSRF token) here.
        return format_html(
            '<button type="submit" class="button" formaction="{}">{}</button>', url, _("Approve")
        )

    def view_on_site(self, obj):
        post = Post.objects.filter(pk=obj.object_pk).first() if obj.object_pk.isdigit() else None
        return f"{post.get_absolute_url()}#c{obj.pk}" if post else None

    def get_urls(self):
        return [
            path(
                "<int:comment_id>/approve/",
                self.admin_site.admin_view(require_POST(self.approve_view)),
                name="comments_approve",
            ),
            *super().get_urls(),
        ]

    def approve_view(self, request, comment_id):
        if not self.has_change_permission(request):
            return HttpResponse(status=403)
        comment = get_object_or_404(XtdComment.norel_objects, pk=comment_id)
        approve([comment])
        CommentFlag.objects.get_or_create(
            comment=comment, user=request.user, flag=CommentFlag.MODERATOR_APPROVAL
        )
        self.message_user(request, _("Comment by %(name)s approved.") % {"name": comment.user_name})
        changelist = reverse("admin:comments_comment_changelist")
        referer = request.META.get("HTTP_REFERER", "")
        return HttpResponseRedirect(referer if changelist in referer else changelist)

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
        comments = list(queryset)
        for comment in comments:
            CommentReview.objects.update_or_create(
                comment=comment, defaults={"is_spam": True, "reason": "marked by the author"}
            )
        count = _save_each(comments, is_public=False)
        self.message_user(
            request,
            ngettext("%d comment marked as spam.", "%d comments marked as spam.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Remove the selected comments"), permissions=["change"])
    def remove(self, request, queryset):
        count = _save_each(list(queryset), is_removed=True)
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
        return emails, XtdComment.norel_objects.filter(condition).order_by("submit_date")

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
