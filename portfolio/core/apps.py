from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portfolio.core import fragments, ids, media_cleanup, page_cache


class CoreConfig(AppConfig):
    name = "portfolio.core"
    label = "core"
    verbose_name = _("Site")

    def ready(self):
        page_cache.connect_signals()
        fragments.connect_signals()
        ids.register()
        media_cleanup.connect_signals()
