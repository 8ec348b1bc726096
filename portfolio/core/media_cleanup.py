"""Uploaded files go when nothing uses them any more: the original and its renditions.

A file is deleted after the commit that deleted or replaced the row using it, and only if
no row of any model still names it: the importers store a photo once however many posts
show it, which is why django-cleanup (it deletes a row's files unconditionally) is not used.
imagekit's renditions of a file live in a folder named after it
(`IMAGEKIT_CACHEFILE_DIR/<name without extension>/`, its `source_name_as_path` namer) and go
with it. Everything goes through the storage API: media may be on a bucket.
`manage.py find_orphan_media` finds what was left behind before this existed.
"""

import posixpath

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.signals import post_delete, pre_save
from imagekit.utils import get_storage as rendition_storage


def file_fields(model):
    return [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


def all_file_fields():
    """(model, field) for every file field of every installed model."""
    return [(model, field) for model in apps.get_models() for field in file_fields(model)]


def referenced_names():
    """Every stored name some row uses."""
    names = set()
    for model, field in all_file_fields():
        names.update(
            model._base_manager.exclude(**{field.name: ""})
            .exclude(**{f"{field.name}__isnull": True})
            .values_list(field.name, flat=True)
        )
    return names


def is_referenced(name):
    return any(
        model._base_manager.filter(**{field.name: name}).exists()
        for model, field in all_file_fields()
    )


def rendition_folder(name):
    return posixpath.join(settings.IMAGEKIT_CACHEFILE_DIR, posixpath.splitext(name)[0])


def walk(storage, folder=""):
    """Every file name under `folder` of `storage`."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for file in files:
        yield posixpath.join(folder, file)
    for child in folders:
        yield from walk(storage, posixpath.join(folder, child))


def delete_with_renditions(storage, name):
    storage.delete(name)
    renditions = rendition_storage()
    for rendition in list(walk(renditions, rendition_folder(name))):
        renditions.delete(rendition)


def delete_when_unused(storage, name):
    """After the commit, delete `name` and its renditions unless a row still uses it."""

    def delete():
        if not is_referenced(name):
            delete_with_renditions(storage, name)

    if name:
        transaction.on_commit(delete)


def _files_of_deleted_row(sender, instance, **kwargs):
    for field in file_fields(sender):
        file = getattr(instance, field.attname)
        if file:
            delete_when_unused(file.storage, file.name)


def _files_replaced_on_save(sender, instance, raw=False, **kwargs):
    fields = file_fields(sender)
    if raw or not fields or instance._state.adding or instance.pk is None:
        return
    before = sender._base_manager.filter(pk=instance.pk).values(*[f.attname for f in fields])
    before = before.first()
    if before is None:
        return
    for field in fields:
        old, new = before[field.attname], getattr(instance, field.attname)
        if old and old != (new.name if new else ""):
            delete_when_unused(field.storage, old)


def connect_signals():
    post_delete.connect(_files_of_deleted_row, dispatch_uid="media_cleanup_delete")
    pre_save.connect(_files_replaced_on_save, dispatch_uid="media_cleanup_replace")


def upload_folders():
    """The top folders uploads are stored in (`blog/`, `profile/`): where orphans are looked for."""
    folders = set()
    for _model, field in all_file_fields():
        upload_to = getattr(field.upload_to, "folder", field.upload_to)
        if isinstance(upload_to, str) and upload_to.strip("/"):
            folders.add(upload_to.strip("/").split("/")[0])
    return folders


def orphans():
    """Stored files no row uses, and renditions whose original is gone: (storage, name)."""
    used = referenced_names()
    storage = default_storage
    for folder in sorted(upload_folders()):
        for name in walk(storage, folder):
            if name not in used:
                yield storage, name
    used_folders = {rendition_folder(name) for name in used}
    renditions = rendition_storage()
    for name in walk(renditions, settings.IMAGEKIT_CACHEFILE_DIR):
        if posixpath.dirname(name) not in used_folders:
            yield renditions, name
