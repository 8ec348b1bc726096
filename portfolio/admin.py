from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.forms import CheckboxSelectMultiple
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portfolio.core.admin_lists import QuickSelectionBoxes
from portfolio.core.revisions import RevisionAdmin
from portfolio.core.site_url import absolute
from portfolio.forms import ProfileAdminForm
from portfolio.models import (
    Certification,
    ContactMessage,
    Education,
    Language,
    Link,
    Period,
    Position,
    PressMention,
    Profile,
    Recommendation,
    Sector,
    Service,
    Skill,
    TailoredCV,
)
from portfolio.signals import touch_profile

# In the order the profile's form shows them.
PROFILE_LIST_MODELS = [
    Position,
    Period,
    Education,
    Certification,
    Skill,
    Language,
    Sector,
    Service,
    Recommendation,
    PressMention,
    Link,
]


def list_anchor(model):
    return f"list-{model._meta.model_name}"


class ProfileListAdmin(RevisionAdmin):
    """One list of the profile on its own screen, reached from the profile's form.

    The profile's form shows every list as a short table (with the order buttons), so the
    lists stay out of the app index and their change list leads back to it.
    """

    exclude = ["profile", "sort_order"]
    # A new position is the latest job and goes first; other lists grow at the end.
    is_new_at_top = False

    class Media:
        css = {"all": ["css/admin-profile.css"]}

    def has_module_permission(self, request):
        return False

    def has_add_permission(self, request):
        return super().has_add_permission(request) and Profile.objects.exists()

    def profile_url(self):
        profile = Profile.objects.current()
        if profile is None:
            return reverse("admin:index")
        url = reverse("admin:portfolio_profile_change", args=[profile.pk])
        return f"{url}#{list_anchor(self.model)}"

    def changelist_view(self, request, extra_context=None):
        return redirect(self.profile_url())

    def save_model(self, request, obj, form, change):
        if not change:
            obj.profile = Profile.objects.current()
            siblings = self.model.objects.filter(profile=obj.profile)
            if self.is_new_at_top:
                siblings.update(sort_order=F("sort_order") + 1)
                obj.sort_order = 0
            else:
                last = siblings.aggregate(last=Max("sort_order"))["last"]
                obj.sort_order = 0 if last is None else last + 1
        super().save_model(request, obj, form, change)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/move/",
                self.admin_site.admin_view(self.move_view),
                name="{}_{}_move".format(*info),
            ),
            *super().get_urls(),
        ]

    def move_view(self, request, object_id):
        """Swap an item with its neighbour above or below (POST, from the profile's form)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        item = get_object_or_404(self.model, pk=object_id)
        direction = request.POST.get("direction")
        if direction not in ("up", "down"):
            return HttpResponseBadRequest()
        if not self.has_change_permission(request, item):
            raise PermissionDenied
        with transaction.atomic():
            siblings = list(self.model.objects.select_for_update().filter(profile=item.profile))
            index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
            other = index - 1 if direction == "up" else index + 1
            if 0 <= other < len(siblings):
                siblings[index], siblings[other] = siblings[other], siblings[index]
                # Numbered afresh: items never moved all share 0 until the first move.
                for order, sibling in enumerate(siblings):
                    sibling.sort_order = order
                self.model.objects.bulk_update(siblings, ["sort_order"])
                touch_profile(self.model, item)
        return redirect(self.profile_url())

    def detail(self, item):
        """A short second line under the item in the profile's table."""
        return ""


@admin.register(Language)
class LanguageAdmin(ProfileListAdmin):
    pass


@admin.register(Link)
class LinkAdmin(ProfileListAdmin):
    def detail(self, item):
        return item.url


@admin.register(Position)
class PositionAdmin(ProfileListAdmin):
    is_new_at_top = True
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "kind",
                    "role",
                    "organization",
                    "url",
                    "location",
                    "sector",
                    ("start_date", "end_date"),
                    "description",
                ]
            },
        ),
        (_("CV"), {"fields": ["is_on_cv", "cv_description"]}),
    ]

    def detail(self, item):
        start = date_format(item.start_date, "YEAR_MONTH_FORMAT")
        end = date_format(item.end_date, "YEAR_MONTH_FORMAT") if item.end_date else _("present")
        dates = f"{start} – {end}"
        return dates if item.is_on_cv else f"{dates} · {_('not on the CV')}"


@admin.register(Period)
class PeriodAdmin(ProfileListAdmin):
    pass


@admin.register(Education)
class EducationAdmin(ProfileListAdmin):
    pass


@admin.register(Certification)
class CertificationAdmin(ProfileListAdmin):
    pass


@admin.register(Skill)
class SkillAdmin(ProfileListAdmin):
    pass


@admin.register(Sector)
class SectorAdmin(ProfileListAdmin):
    pass


@admin.register(Service)
class ServiceAdmin(ProfileListAdmin):
    pass


@admin.register(Recommendation)
class RecommendationAdmin(ProfileListAdmin):
    def detail(self, item):
        return "" if item.has_consent else _("private: no consent to publication")


@admin.register(PressMention)
class PressMentionAdmin(ProfileListAdmin):
    def detail(self, item):
        if item.published_on:
            return f"{item.publication} · {date_format(item.published_on, 'DATE_FORMAT')}"
        return item.publication


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
        (
            _("Sections of the CV"),
            {
                "classes": ["collapse"],
                "description": _(
                    "Leave sections out to keep the CV to one or two pages. Which positions "
                    "it shows is ticked on each position."
                ),
                "fields": [
                    "is_periods_on_cv",
                    "is_education_on_cv",
                    "is_certifications_on_cv",
                    "is_skills_on_cv",
                    "is_languages_on_cv",
                    "is_sectors_on_cv",
                    "is_services_on_cv",
                    "is_recommendations_on_cv",
                ],
            },
        ),
    ]
    readonly_fields = ["photo_preview"]

    class Media:
        css = {"all": ["css/admin-profile.css"]}

    def reversion_register(self, model, **kwargs):
        # The lists have their own screens, not inlines: each version still carries them.
        if model is Profile:
            kwargs["follow"] = [
                list_model._meta.get_field("profile").remote_field.get_accessor_name()
                for list_model in PROFILE_LIST_MODELS
            ]
        super().reversion_register(model, **kwargs)

    def has_add_permission(self, request):
        # One profile per site: the database refuses a second one, the admin does not offer it.
        return super().has_add_permission(request) and not Profile.objects.exists()

    def changelist_view(self, request, extra_context=None):
        # A list of one is a detour: go straight to the profile.
        profile = Profile.objects.current()
        if profile and not request.GET:
            return redirect("admin:portfolio_profile_change", profile.pk)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        profile = self.get_object(request, object_id)
        lists = self.profile_lists(request, profile) if profile else []
        return super().change_view(
            request, object_id, form_url, {"profile_lists": lists, **(extra_context or {})}
        )

    def profile_lists(self, request, profile):
        """Each list of the profile as its table on the form shows it: rows, links, buttons."""
        lists = []
        for model in PROFILE_LIST_MODELS:
            model_admin = self.admin_site.get_model_admin(model)
            info = model._meta.app_label, model._meta.model_name
            items = list(model.objects.filter(profile=profile))
            rows = [
                {
                    "item": item,
                    "detail": model_admin.detail(item),
                    "change_url": reverse("admin:{}_{}_change".format(*info), args=[item.pk]),
                    "move_url": reverse("admin:{}_{}_move".format(*info), args=[item.pk]),
                    "is_first": index == 0,
                    "is_last": index == len(items) - 1,
                }
                for index, item in enumerate(items)
            ]
            lists.append(
                {
                    "title": model._meta.verbose_name_plural,
                    "name": model._meta.verbose_name,
                    "anchor": list_anchor(model),
                    "rows": rows,
                    "add_url": reverse("admin:{}_{}_add".format(*info)),
                    "can_change": model_admin.has_change_permission(request),
                    "can_add": model_admin.has_add_permission(request),
                }
            )
        return lists

    @admin.display(description=_("preview"))
    def photo_preview(self, profile):
        if not profile.photo:
            return "—"
        return format_html('<img src="{}" width="96" height="96" alt="">', profile.photo_160.url)


@admin.register(ContactMessage)
class ContactMessageAdmin(QuickSelectionBoxes, admin.ModelAdmin):
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


def reading(count, last_at):
    """“3 · last 14 Oct 2025 09:12”, or a dash when it never happened."""
    if not count:
        return "—"
    return f"{count} · {_('last')} {date_format(localtime(last_at), 'SHORT_DATETIME_FORMAT')}"


@admin.register(TailoredCV)
class TailoredCVAdmin(admin.ModelAdmin):
    """CVs made for one application: a private link each, and whether it was read."""

    list_display = [
        "name",
        "language",
        "status",
        "first_opened_at",
        "last_opened_at",
        "open_count",
        "downloads",
        "private_link",
    ]
    list_filter = ["is_revoked", "language"]
    search_fields = ["name", "pitch"]
    readonly_fields = [
        "private_link",
        "status",
        "first_opened_at",
        "last_opened_at",
        "open_count",
        "pdf_downloads",
        "docx_downloads",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "language", "pitch", "expires_on", "is_revoked"]}),
        (
            _("What this CV shows"),
            {
                "description": _(
                    "Only the positions, skills and certifications ticked here, and the "
                    "sections ticked below. The public profile does not change."
                ),
                "fields": [
                    "positions",
                    "skills",
                    "certifications",
                    "is_summary_on_cv",
                    "is_periods_on_cv",
                    "is_education_on_cv",
                    "is_languages_on_cv",
                    "is_sectors_on_cv",
                    "is_services_on_cv",
                    "is_recommendations_on_cv",
                ],
            },
        ),
        (
            _("Link and readings"),
            {
                "fields": [
                    "private_link",
                    "status",
                    ("first_opened_at", "last_opened_at", "open_count"),
                    ("pdf_downloads", "docx_downloads"),
                    "created_at",
                ]
            },
        ),
    ]
    actions = ["revoke"]
    view_on_site = False

    class Media:
        css = {"all": ["css/admin-profile.css"]}

    def has_add_permission(self, request):
        return super().has_add_permission(request) and Profile.objects.exists()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # The profile's own entries, as ticks: a handful each, all visible at once.
        kwargs["queryset"] = db_field.related_model.objects.filter(
            profile=Profile.objects.current()
        )
        kwargs["widget"] = CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.profile = Profile.objects.current()
        super().save_model(request, obj, form, change)

    @admin.display(description=_("private link"))
    def private_link(self, link):
        if not link.pk:
            return _("Given once the CV is saved.")
        url = absolute(link.get_absolute_url())
        return format_html('<a href="{}" class="tailored-cv-link">{}</a>', url, url)

    @admin.display(description=_("status"))
    def status(self, link):
        if link.is_revoked:
            return _("revoked")
        if link.is_expired:
            return _("expired")
        return _("active")

    @admin.display(description=_("downloads"))
    def downloads(self, link):
        return format_html(
            "PDF: {}<br>Word: {}",
            reading(link.pdf_count, link.pdf_last_at),
            reading(link.docx_count, link.docx_last_at),
        )

    @admin.display(description=_("PDF downloads"))
    def pdf_downloads(self, link):
        return reading(link.pdf_count, link.pdf_last_at)

    @admin.display(description=_("Word downloads"))
    def docx_downloads(self, link):
        return reading(link.docx_count, link.docx_last_at)

    @admin.action(description=_("Revoke the selected links"))
    def revoke(self, request, queryset):
        count = queryset.update(is_revoked=True)
        self.message_user(
            request,
            ngettext("%(count)d link revoked.", "%(count)d links revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
