from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_comments.apps import DjangoCommentsAdminConfig
from django_comments_xtd.apps import CommentsXtdConfig


class CommentsConfig(AppConfig):
    default = True  # this module holds two configs
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        # Django's usual import in ready() (docs: "Connecting receiver functions"):
        # the signals module needs the models, which are loaded only by now.
        from blog import notices
        from comments import cookies, signals

        signals.connect()
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
        notices.declare_cookie(
            cookies.APPROVED_COOKIE,
            _(
                "Proves that a comment sent from this browser was published, so your next "
                "ones under the same email are published at once. Sent only with comments."
            ),
            cookies.APPROVED_MAX_AGE,
        )


class CommentLibraryConfig(CommentsXtdConfig):
    """django-comments-xtd under a name the author understands in the admin."""

    default = False
    verbose_name = _("Comment moderation")


class CommentFlagsConfig(DjangoCommentsAdminConfig):
    """django-comments (its flags, in the dashboard's technical part) under a French name."""

    default = False
    verbose_name = _("Comment flags")
