from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts a visitor may read: published, and whose publication time has come.

        The time is compared at query time, so a scheduled post appears by
        itself at its hour with no job to run.
        """
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def with_comment_count(self):
        """Annotate `comment_count`: the published comments, counted in the same query.

        A subquery rather than a GenericRelation join: django-comments keys
        objects by a text `object_pk`, which PostgreSQL will not compare to an
        integer id without a cast.
        """
        from django_comments_xtd.models import XtdComment

        public_comments = (
            XtdComment.objects.filter(
                content_type__app_label="blog",
                content_type__model="post",
                object_pk=Cast(OuterRef("pk"), models.CharField()),
                is_public=True,
                is_removed=False,
            )
            .order_by()
            .values("object_pk")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return self.annotate(
            comment_count=Coalesce(Subquery(public_comments), 0),
        )


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    standfirst = models.CharField(_("standfirst"), max_length=300, blank=True)
    body = models.TextField(_("body"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("publication date"), default=timezone.now)
    is_open_for_comments = models.BooleanField(_("comments open"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    modified_at = models.DateTimeField(_("modified"), auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="post_status_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("blog:post_detail", kwargs={"slug": self.slug})
