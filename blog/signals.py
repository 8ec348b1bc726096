"""Receivers registered in BlogConfig.ready()."""

from blog.models import OldSlug, Post


def remember_old_slug(sender, instance, raw=False, **kwargs):
    """Keep the slug a post is leaving, so links to it keep working (301 to the new one)."""
    if raw or not instance.pk:
        return
    previous = Post.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if previous and previous != instance.slug:
        OldSlug.objects.update_or_create(slug=previous, defaults={"post": instance})
    # A post taking back one of its old slugs (or another post's) no longer redirects.
    OldSlug.objects.filter(slug=instance.slug).delete()
