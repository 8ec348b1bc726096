from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = _("Blog")

    def ready(self):
        from blog.models import Post
        from blog.signals import remember_old_slug

        pre_save.connect(remember_old_slug, sender=Post, dispatch_uid="blog_remember_old_slug")

        from blog import search_signals

        search_signals.connect(self)
