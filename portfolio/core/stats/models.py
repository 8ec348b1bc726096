from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyCount(models.Model):
    """How many times something happened on one day: the only thing statistics store.

    No row says who: there is no visitor, address or session in it. An aggregate has no
    page of its own, hence no get_absolute_url().
    """

    class Metric(models.TextChoices):
        PROFILE = "profile", _("profile")
        POST = "post", _("post")
        PAGE = "page", _("page")
        TAILORED_CV = "cv_link", _("tailored CV")
        DOWNLOAD = "download", _("download")
        REFERRER = "referrer", _("referring site")
        SEARCH = "search", _("search")

    day = models.DateField(_("day"))
    metric = models.CharField(_("metric"), max_length=16, choices=Metric.choices)
    # Which one: a post's slug, a page's path, a file type, a domain, a search term.
    key = models.CharField(_("key"), max_length=255, blank=True)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        ordering = ["-day", "metric", "key"]
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        constraints = [
            models.UniqueConstraint(fields=["day", "metric", "key"], name="stats_one_count_a_day")
        ]

    def __str__(self):
        return f"{self.day} {self.metric} {self.key}: {self.count}"
