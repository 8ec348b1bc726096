from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = _("Profile")

    def ready(self):
        from portfolio import page_cache
        from portfolio.signals import connect_profile_lists

        page_cache.connect_signals()
        connect_profile_lists()
