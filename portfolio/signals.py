"""Keep `Profile.updated_at` the date of the last change to the profile or any of its lists.

The CV's cache key is built from it, so editing a skill or deleting a position
makes the next download a fresh PDF.
"""

from django.db.models.signals import post_delete, post_save
from django.utils import timezone


def touch_profile(sender, instance, **kwargs):
    from portfolio.models import Profile

    Profile.objects.filter(pk=instance.profile_id).update(updated_at=timezone.now())


def connect_profile_lists():
    from portfolio import models

    for model in (
        models.Language,
        models.Link,
        models.Position,
        models.Period,
        models.Education,
        models.Certification,
        models.Skill,
        models.Sector,
        models.Service,
        models.Recommendation,
    ):
        uid = f"touch_profile_{model._meta.model_name}"
        post_save.connect(touch_profile, sender=model, dispatch_uid=uid + "_save")
        post_delete.connect(touch_profile, sender=model, dispatch_uid=uid + "_delete")
