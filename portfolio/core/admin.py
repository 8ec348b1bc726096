"""The email queue in the admin: what is still unsent, why, and when the worker tries again.

Read-only: the worker alone writes the queue. It replaces the queue library's own
admin (django_tasks_db), which lists every task in English.
"""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_tasks_db.models import DBTaskResult

from portfolio.core.models import READY, RUNNING, SUCCESSFUL, OutgoingEmail

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


class SentFilter(admin.SimpleListFilter):
    """Unsent emails by default: the ones that need an eye."""

    title = _("sending")
    parameter_name = "sent"

    def lookups(self, request, model_admin):
        return [
            ("no", _("Not sent")),
            ("yes", pgettext_lazy("outgoing emails", "Sent")),
            ("all", _("All attempts")),
        ]

    def choices(self, changelist):
        current = self.value() or "no"
        for value, title in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status=SUCCESSFUL)
        if self.value() == "all":
            return queryset
        return queryset.unsent()


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["label", "state", "failed_attempts", "last_error", "next_try", "enqueued_at"]
    list_filter = [SentFilter]
    fields = [
        "label",
        "state",
        "failed_attempts",
        "last_error",
        "next_try",
        "enqueued_at",
        "started_at",
        "finished_at",
        "arguments",
        "formatted_traceback",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("email"))
    def label(self, email):
        return email.label

    @admin.display(description=_("state"))
    def state(self, email):
        if email.status == READY:
            return _("Retry planned") if email.failed_attempts else _("Waiting")
        if email.status == RUNNING:
            return _("Being sent")
        if email.status == SUCCESSFUL:
            return _("Sent")
        if email.is_given_up:
            return _("Given up")
        return _("Failed, tried again later")

    @admin.display(description=_("failed attempts"))
    def failed_attempts(self, email):
        return email.failed_attempts

    @admin.display(description=_("last error"))
    def last_error(self, email):
        return email.last_error or "—"

    @admin.display(description=_("next try"))
    def next_try(self, email):
        return email.next_try or "—"

    @admin.display(description=_("arguments"))
    def arguments(self, email):
        return ", ".join(str(arg) for arg in email.args_kwargs.get("args", []))

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, email):
        return format_html("<pre>{}</pre>", email.traceback) if email.traceback else "—"
