from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedObject(models.Model):
    """What an object of another site became here: the key that makes an import safe to rerun.

    `source` is the other site's address (WordPress's `base_site_url`), `kind`
    what the id counts (post, page, comment, media), `source_id` its id there.
    `fingerprint` is a hash of what was read: an unchanged item is left alone.
    A stored image has no object, only its `stored_name`.
    """

    source = models.CharField(_("source site"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20)
    source_id = models.CharField(_("id at the source"), max_length=255)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    stored_name = models.CharField(_("stored file"), max_length=300, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    # WordPress's `post_modified_gmt`, also Post.updated_on (shown once the author ticks it).
    source_modified_at = models.DateTimeField(_("modified at the source"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["source", "kind", "source_id"]
        verbose_name = _("imported object")
        verbose_name_plural = _("imported objects")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "source_id"], name="importers_one_object_per_source_id"
            )
        ]

    def __str__(self):
        return f"{self.source} {self.kind} {self.source_id}"
