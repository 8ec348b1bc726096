import atexit

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portfolio.core import page_cache
from portfolio.core.stats import counting


class StatsConfig(AppConfig):
    name = "portfolio.core.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self):
        # Counting a view changes no page.
        page_cache.ignore_changes_to(self.get_model("DailyCount"))
        # The views counted since the last flush, when a worker stops.
        atexit.register(counting.flush)
