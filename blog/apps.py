from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _

from portfolio.core import page_cache
from portfolio.core.stats import counting


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = _("Blog")

    def ready(self):
        # Signal modules import the models, which exist only once the registry is ready.
        from blog import search_signals, signals

        post = self.get_model("Post")
        pre_save.connect(
            signals.remember_old_slug, sender=post, dispatch_uid="blog_remember_old_slug"
        )
        search_signals.connect(self)
        # A page stored now expires when the next scheduled post appears.
        page_cache.expire_before(post.objects.next_publication_after)
        # What the statistics count (portfolio/core/stats/): posts, pages, searches.
        counting.count_views("blog:post_detail", "post", argument="slug")
        counting.count_views("pages:detail", "page", argument="path")
        counting.count_views("blog:search", counting.SEARCH, key=counting.search_term)
