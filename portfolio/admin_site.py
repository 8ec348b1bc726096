"""Vitrine's admin site: the dashboard as its home, under the site's name, in French.

Set as Django's default site (`VitrineAdminConfig` in portfolio/apps.py), so every
`admin.site.register()` and `{% url 'admin:…' %}` keeps working unchanged.
"""

import functools

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django.views.i18n import JavaScriptCatalog

from portfolio import dashboard
from portfolio.core.ids import is_malformed_pk

# The editors' JavaScript strings: django-prose-editor ships a `djangojs` catalog, which the
# admin's own catalog view leaves out; ours (LOCALE_PATHS) is always merged in.
JAVASCRIPT_PACKAGES = ["django.contrib.admin", "django_prose_editor"]

# django-content-editor 9.1's French catalog marks these fuzzy (wrong) or leaves them
# empty, so the body editor showed them in English: our catalog translates them, and this
# list keeps them there when `makemessages` runs.
CONTENT_EDITOR_STRINGS = [
    gettext_noop("Add new item"),
    gettext_noop("No items."),
    gettext_noop("No items. Region may inherit content."),
    gettext_noop("No regions available."),
    gettext_noop("No plugins allowed in this region."),
    gettext_noop("New item"),
    gettext_noop("Unknown region"),
    gettext_noop("Collapse all items"),
    gettext_noop("Uncollapse all items"),
    gettext_noop("marked for deletion"),
    gettext_noop("Use Ctrl-Click to select and move multiple items."),
    gettext_noop("Clone from region"),
    gettext_noop("Didn't find anything to clone"),
    gettext_noop("Select all"),
    gettext_noop("Cloning {} plugins succeeded."),
    gettext_noop("Cloning plugins failed: {}"),
]


class VitrineAdminSite(admin.AdminSite):
    site_header = settings.SITE_NAME
    site_title = settings.SITE_NAME
    index_title = _("Dashboard")

    def admin_view(self, view, cacheable=False):
        # A malformed object id (text for an integer key, one past 2**63, a NUL) is a 404
        # before any model admin, ours or a library's, looks it up: Django catches ValueError
        # in its own views but not SQLite's OverflowError, and added views catch neither.
        model_admin = getattr(view, "__self__", None)
        model = getattr(model_admin, "model", None)
        if model is None:
            return super().admin_view(view, cacheable)

        def refusing_malformed_ids(request, *args, **kwargs):
            object_id = kwargs.get("object_id")
            if object_id is not None and is_malformed_pk(model, unquote(object_id)):
                raise Http404
            return view(request, *args, **kwargs)

        return super().admin_view(functools.wraps(view)(refusing_malformed_ids), cacheable)

    def get_app_list(self, request, app_label=None):
        # The author's apps first, the technical ones after (the side menu too).
        author, technical = dashboard.split_technical(super().get_app_list(request, app_label))
        return author + technical

    def index(self, request, extra_context=None):
        # Django's index, with the dashboard's context and the app list it already built
        # for the side menu (super().index() would build it once more).
        context = self.each_context(request)
        author, technical = dashboard.split_technical(context["available_apps"])
        context.update(
            title=self.index_title,
            subtitle=None,
            app_list=author,
            technical_app_list=technical,
            **dashboard.dashboard(request),
            **(extra_context or {}),
        )
        request.current_app = self.name
        return TemplateResponse(request, self.index_template or "admin/index.html", context)

    def i18n_javascript(self, request, extra_context=None):
        return JavaScriptCatalog.as_view(packages=JAVASCRIPT_PACKAGES)(request)
