from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _

from portfolio import signals
from portfolio.core import page_cache
from portfolio.core.stats import counting


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = _("Profile")

    def ready(self):
        signals.connect_profile_lists(self)
        # Messages are read in the admin only: receiving one leaves every page as it was.
        page_cache.ignore_changes_to(self.get_model("ContactMessage"))
        # Tailored CVs are private pages, never cached: creating or reading one changes no page.
        tailored_cv = self.get_model("TailoredCV")
        page_cache.ignore_changes_to(tailored_cv)
        for field in tailored_cv._meta.many_to_many:
            page_cache.ignore_changes_to(field.remote_field.through)
        count_profile_views()


def count_profile_views():
    """What the statistics count of this app's pages (portfolio/core/stats/)."""
    counting.count_views("portfolio:home", "page", key="")
    counting.count_views("portfolio:profile", "profile")
    counting.count_views("portfolio:tailored_cv", "cv_link", argument="token")
    for url_name, file_type in (
        ("cv_pdf", "pdf"),
        ("cv_docx", "docx"),
        ("resume_json", "json"),
        ("vcard", "vcard"),
        ("tailored_cv_pdf", "pdf"),
        ("tailored_cv_docx", "docx"),
    ):
        counting.count_views(f"portfolio:{url_name}", counting.DOWNLOAD, key=file_type)


class VitrineAdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site (portfolio/admin_site.py): the dashboard as its home."""

    default = False  # PortfolioConfig stays the profile app's config
    default_site = "portfolio.admin_site.VitrineAdminSite"
