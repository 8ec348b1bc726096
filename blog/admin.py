import base64
import hashlib
import re

from content_editor.admin import ContentEditor, ContentEditorInline
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTextareaWidget
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blog.models import (
    Author,
    Category,
    Figure,
    GalleryImage,
    OldSlug,
    Page,
    PageFigure,
    PageGalleryImage,
    PagePullQuote,
    PageQuestion,
    PageRichText,
    Post,
    PullQuote,
    Question,
    RichText,
    Series,
    Tag,
)
from portfolio.core.admin_fields import VisibleLimits
from portfolio.core.admin_lists import QuickSelectionBoxes
from portfolio.core.revisions import RevisionAdmin

# Multi-line texts (standfirsts, notes, captions, questions) start a few lines high.
SHORT_TEXTAREAS = {models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 3})}}


@admin.register(Category)
class CategoryAdmin(VisibleLimits, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(VisibleLimits, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Series)
class SeriesAdmin(VisibleLimits, admin.ModelAdmin):
    list_display = ["name", "item_label", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(VisibleLimits, admin.ModelAdmin):
    list_display = ["name", "is_site_owner"]
    search_fields = ["name"]


class OldSlugInline(VisibleLimits, admin.TabularInline):
    model = OldSlug
    extra = 0
    fields = ["slug", "created_at"]
    readonly_fields = ["created_at"]
    verbose_name_plural = _("Old addresses (redirect here)")


def allow_import_map(response, media):
    """Let this one page run the editors' import map under our CSP, by its hash.

    django-content-editor and django-prose-editor load ES modules through an inline
    `<script type="importmap">`, which `script-src 'self'` blocks. Its content is
    fixed (static URLs), so its sha256 is allowed on the post forms only: no
    'unsafe-inline', no nonce, and the public pages keep the strict policy.
    """
    import_map = getattr(media, "_importmap", None)
    if not import_map:
        return
    content = re.search(r">(.*)</script>", import_map.render(), re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(content.encode()).digest()).decode()
    # content-editor also appends a <style> it builds in the browser (labels in the
    # admin's language): inline styles are allowed on this admin form only.
    response._csp_update = {
        "script-src": [f"'sha256-{digest}'"],
        "style-src": ["'unsafe-inline'"],
    }


class VisibilityFilter(admin.SimpleListFilter):
    title = _("visibility")
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return [("online", _("Online")), ("scheduled", _("Scheduled")), ("draft", _("Draft"))]

    def queryset(self, request, queryset):
        if self.value() == "online":
            return queryset.published()
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "draft":
            return queryset.drafts()
        return queryset


class BlockInline(VisibleLimits, ContentEditorInline):
    formfield_overrides = SHORT_TEXTAREAS


def _block(model, **options):
    return BlockInline.create(model, **options)


@admin.register(Post)
class PostAdmin(QuickSelectionBoxes, VisibleLimits, RevisionAdmin, ContentEditor):
    list_display = ["title", "status_label", "published_at", "category", "series", "preview_link"]
    list_filter = [VisibilityFilter, "category", "series", "language", "tags"]
    list_select_related = ["category", "series"]
    search_fields = ["title", "standfirst", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = SHORT_TEXTAREAS
    limits_shown = ["meta_description"]
    date_hierarchy = "published_at"
    # Our counts of drafts and scheduled posts, over django-reversion's "Recover deleted".
    change_list_template = "admin/blog/post/change_list.html"
    autocomplete_fields = ["tags", "category", "series", "author"]
    actions = ["publish", "unpublish"]
    readonly_fields = ["preview_link"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "standfirst", "slug", "status", "published_at", "preview_link"]},
        ),
        (
            _("Classification"),
            {"fields": ["author", "language", "category", "tags", "series", "series_number"]},
        ),
        (_("Cover image"), {"fields": ["cover", "cover_alt", "cover_caption", "cover_credit"]}),
        (
            _("Update note"),
            {"fields": ["updated_on", "update_note", "is_update_shown"], "classes": ["collapse"]},
        ),
        (
            _("First published elsewhere"),
            {
                "fields": ["first_published_in", "first_published_url", "first_published_at"],
                "classes": ["collapse"],
            },
        ),
        (
            _("Search engines and sharing"),
            {"fields": ["meta_description", "social_image"], "classes": ["collapse"]},
        ),
        (_("Comments"), {"fields": ["is_open_for_comments"]}),
    ]
    inlines = [
        _block(RichText, icon="notes"),
        _block(Figure, icon="image"),
        _block(GalleryImage, icon="photo_library"),
        _block(PullQuote, icon="format_quote"),
        _block(Question, icon="question_answer"),
        OldSlugInline,
    ]

    def render_change_form(self, request, context, **kwargs):
        response = super().render_change_form(request, context, **kwargs)
        allow_import_map(response, response.context_data["media"])
        return response

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        owner = Author.objects.filter(is_site_owner=True).first()
        if owner and "author" not in initial:
            initial["author"] = owner.pk
        return initial

    def changelist_view(self, request, extra_context=None):
        counts = {
            "drafts": Post.objects.drafts().count(),
            "scheduled": Post.objects.scheduled().count(),
        }
        extra_context = {**(extra_context or {}), "post_counts": counts}
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, post):
        if post.is_scheduled:
            return _("Scheduled")
        return post.get_status_display()

    @admin.display(description=_("preview"))
    def preview_link(self, post):
        if not post.pk:
            return "–"
        if post.is_public:
            return format_html('<a href="{}">{}</a>', post.get_absolute_url(), _("View on site"))
        return format_html('<a href="{}">{}</a>', post.get_preview_url(), _("Preview"))

    def view_on_site(self, post):
        return post.get_absolute_url() if post.is_public else post.get_preview_url()

    @admin.action(description=_("Publish the selected posts"), permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.update(status=Post.Status.PUBLISHED)
        self.message_user(
            request,
            ngettext("%(count)d post published.", "%(count)d posts published.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Unpublish the selected posts (back to draft)"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        count = queryset.update(status=Post.Status.DRAFT)
        self.message_user(
            request,
            ngettext("%(count)d post back to draft.", "%(count)d posts back to draft.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Page)
class PageAdmin(VisibleLimits, RevisionAdmin, ContentEditor):
    list_display = [
        "__str__",
        "kind",
        "status",
        "language",
        "show_in_header",
        "show_in_footer",
        "menu_order",
        "preview_link",
    ]
    list_filter = ["status", "kind", "language", "show_in_header", "show_in_footer"]
    list_select_related = ["parent__parent"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = SHORT_TEXTAREAS
    limits_shown = ["meta_description"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["preview_link"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "standfirst",
                    "slug",
                    "parent",
                    "status",
                    "language",
                    "kind",
                    "preview_link",
                ]
            },
        ),
        (_("Menus"), {"fields": ["show_in_header", "show_in_footer", "menu_order"]}),
        (
            _("Legal notice"),
            {
                "fields": [
                    "publisher_address",
                    "publisher_phone",
                    "publisher_registration",
                    "is_email_shown",
                    "publication_director",
                    "host_name",
                    "host_address",
                    "host_phone",
                ],
                "classes": ["collapse"],
                "description": _(
                    "Used by a page of the kind “Legal notice”: your name comes from the profile."
                ),
            },
        ),
        (
            _("Search engines and sharing"),
            {"fields": ["meta_description"], "classes": ["collapse"]},
        ),
    ]
    inlines = [
        _block(PageRichText, icon="notes"),
        _block(PageFigure, icon="image"),
        _block(PageGalleryImage, icon="photo_library"),
        _block(PagePullQuote, icon="format_quote"),
        _block(PageQuestion, icon="question_answer"),
    ]

    def render_change_form(self, request, context, **kwargs):
        response = super().render_change_form(request, context, **kwargs)
        allow_import_map(response, response.context_data["media"])
        return response

    @admin.display(description=_("preview"))
    def preview_link(self, page):
        if not page.pk:
            return "–"
        if page.is_public:
            return format_html('<a href="{}">{}</a>', page.get_absolute_url(), _("View on site"))
        return format_html('<a href="{}">{}</a>', page.get_preview_url(), _("Preview"))

    def view_on_site(self, page):
        return page.get_absolute_url() if page.is_public else page.get_preview_url()
