"""Keep `Profile.updated_at` the date of the last change to the profile or any of its lists.

The CV's cache key is built from it, so editing a skill or deleting a position
makes the next download a fresh PDF.
"""

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

PROFILE_LISTS = (
    "Language",
    "Link",
    "Position",
    "Period",
    "Education",
    "Certification",
    "Skill",
    "Sector",
    "Service",
    "Recommendation",
    "PressMention",
)


def touch_profile(sender, instance, **kwargs):
    profile_model = sender._meta.get_field("profile").related_model
    profile_model.objects.filter(pk=instance.profile_id).update(updated_at=timezone.now())


def connect_profile_lists(app_config):
    """Called from PortfolioConfig.ready()."""
    for name in PROFILE_LISTS:
        model = app_config.get_model(name)
        uid = f"touch_profile_{model._meta.model_name}"
        post_save.connect(touch_profile, sender=model, dispatch_uid=uid + "_save")
        post_delete.connect(touch_profile, sender=model, dispatch_uid=uid + "_delete")
