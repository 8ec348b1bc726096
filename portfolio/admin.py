from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portfolio.core.revisions import RevisionAdmin
from portfolio.forms import ProfileAdminForm
from portfolio.models import (
    Certification,
    ContactMessage,
    Education,
    Language,
    Link,
    Period,
    Position,
    Profile,
    Recommendation,
    Sector,
    Service,
    Skill,
)


class OrderedInline(admin.TabularInline):
    extra = 0


class LanguageInline(OrderedInline):
    model = Language


class LinkInline(OrderedInline):
    model = Link


class PositionInline(admin.StackedInline):
    model = Position
    extra = 0
    fields = [
        ("kind", "role"),
        ("organization", "url"),
        ("location", "sector"),
        ("start_date", "end_date"),
        "description",
    ]


class PeriodInline(OrderedInline):
    model = Period


class EducationInline(OrderedInline):
    model = Education


class CertificationInline(OrderedInline):
    model = Certification


class SkillInline(OrderedInline):
    model = Skill


class SectorInline(OrderedInline):
    model = Sector


class ServiceInline(admin.StackedInline):
    model = Service
    extra = 0


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0
    fields = [
        "quote",
        ("author", "author_role", "company"),
        ("given_on", "source_url"),
        ("has_consent", "sort_order"),
    ]


@admin.register(Profile)
class ProfileAdmin(RevisionAdmin):
    form = ProfileAdminForm
    list_display = ["full_name", "headline", "availability", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "full_name",
                    "headline",
                    ("photo", "photo_preview"),
                    "photo_alt",
                    "location",
                ]
            },
        ),
        (
            _("Availability"),
            {
                "fields": [
                    ("availability", "available_from"),
                    ("work_mode", "days_per_week"),
                    "availability_note",
                ]
            },
        ),
        (_("Presentation"), {"fields": ["pitch", "summary"]}),
        (_("Private"), {"fields": ["contact_email", "is_email_in_vcard"]}),
    ]
    inlines = [
        LanguageInline,
        LinkInline,
        PositionInline,
        PeriodInline,
        EducationInline,
        CertificationInline,
        SkillInline,
        SectorInline,
        ServiceInline,
        RecommendationInline,
    ]

    readonly_fields = ["photo_preview"]

    def has_add_permission(self, request):
        # One profile per site: the database refuses a second one, the admin does not offer it.
        return super().has_add_permission(request) and not Profile.objects.exists()

    def changelist_view(self, request, extra_context=None):
        # A list of one is a detour: go straight to the profile.
        profile = Profile.objects.current()
        if profile and not request.GET:
            return redirect("admin:portfolio_profile_change", profile.pk)
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("preview"))
    def photo_preview(self, profile):
        if not profile.photo:
            return "—"
        return format_html('<img src="{}" width="96" height="96" alt="">', profile.photo_160.url)


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "name", "organization", "created_at", "status", "is_notified"]
    list_display_links = ["subject"]
    list_filter = ["status", "is_notified", "created_at"]
    search_fields = ["name", "email", "organization", "subject", "message"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "name",
        "email",
        "organization",
        "subject",
        "message",
        "ip_address",
        "created_at",
        "is_notified",
    ]
    fields = [
        ("name", "email"),
        "organization",
        "subject",
        "message",
        ("created_at", "ip_address"),
        ("status", "is_notified"),
    ]
    actions = ["mark_read", "mark_unread", "archive"]
    view_on_site = False

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        # The change page's "Mark as read" button (a POST: opening the page changes nothing).
        if "_mark_read" in request.POST:
            obj.status = ContactMessage.Status.READ
        super().save_model(request, obj, form, change)

    def set_status(self, request, queryset, status):
        count = queryset.update(status=status)
        label = ContactMessage.Status(status).label
        self.message_user(
            request,
            ngettext(
                "%(count)d message marked “%(status)s”.",
                "%(count)d messages marked “%(status)s”.",
                count,
            )
            % {"count": count, "status": label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark as read"))
    def mark_read(self, request, queryset):
        self.set_status(request, queryset, ContactMessage.Status.READ)

    @admin.action(description=_("Mark as unread"))
    def mark_unread(self, request, queryset):
        self.set_status(request, queryset, ContactMessage.Status.UNREAD)

    @admin.action(description=_("Archive"))
    def archive(self, request, queryset):
        self.set_status(request, queryset, ContactMessage.Status.ARCHIVED)
