from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_comments_xtd.apps import CommentsXtdConfig


class CommentsConfig(AppConfig):
    default = True  # this module holds two configs
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from django.db.models.signals import post_save, pre_save
        from django_comments_xtd.models import XtdComment, publish_or_unpublish_on_pre_save
        from django_comments_xtd.moderation import moderator

        from blog import notices
        from blog.models import Post
        from comments import cookies, signals
        from comments.moderation import PostModerator

        moderator.register(Post, PostModerator)
        # The privacy notice lists our cookies with their real names and lifetimes.
        notices.declare_cookie(
            cookies.PENDING_COOKIE,
            _("Shows you your own comments while they await moderation."),
            cookies.PENDING_MAX_AGE,
        )
        notices.declare_cookie(
            cookies.COMMENTER_COOKIE,
            _("Fills in your name, email and website, only if you ticked “remember me”."),
            cookies.COMMENTER_MAX_AGE,
        )
        # django-comments-xtd republishes every held reply when their parent is
        # saved again and adds to `nested_count` on each save: drop that
        # receiver; replies of a hidden comment are hidden when the tree is built.
        pre_save.disconnect(publish_or_unpublish_on_pre_save, sender=XtdComment._meta.label)
        # The admin saves through our proxy, whose saves carry its own sender.
        for model in (XtdComment, self.get_model("Comment")):
            pre_save.connect(signals.remember_visibility, sender=model)
            post_save.connect(signals.notify_when_published, sender=model)


class CommentLibraryConfig(CommentsXtdConfig):
    """django-comments-xtd under a name the author understands in the admin."""

    default = False
    verbose_name = _("Comment moderation")
