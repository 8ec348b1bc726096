"""Revisions of what the author writes (django-reversion), and a page comparing two of them.

`RevisionAdmin` is django-reversion's `VersionAdmin`: each save through the admin keeps a
version of the object and of its inlines (blocks, profile lists), the history lists them,
a version opens pre-filled to be restored, and "Recover deleted" brings a deleted object
back with its inlines. django-reversion-compare would add the comparison, but its releases
for our Python 3.11 stop at 0.19; this is ours, in words rather than in HTML: the author
compares what they wrote, not the markup.
"""

import difflib
import re
from datetime import datetime

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from reversion.admin import VersionAdmin
from reversion.models import Version

# Fields no author typed: keys, positions and timestamps.
SKIPPED_FIELDS = {"id", "region", "ordering", "sort_order", "created_at", "updated_at"}


def readable(field, value):
    if value in (None, ""):
        return ""
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return localize(template_localtime(value))
    # Rich text: its words, one paragraph a line.
    text = re.sub(r"</(p|h\d|li|blockquote)>", "\n", str(value))
    return strip_tags(text).strip()


def fields_of(model, data):
    """(label, text) of each field the author can change, in the model's order."""
    for field in model._meta.concrete_fields:
        if (
            field.name in SKIPPED_FIELDS
            or not field.editable
            or getattr(field, "auto_now", False)
            or (field.is_relation and field.many_to_one)
        ):
            continue
        if field.attname in data:
            yield capfirst(str(field.verbose_name)), readable(field, data[field.attname])


def texts_of(version):
    """{label: text} of one version: its own fields, then each followed object (blocks,
    list items), numbered in their order."""
    texts = dict(fields_of(version._model, version.field_dict))
    followed = [
        other
        for other in version.revision.version_set.select_related("content_type")
        if other.pk != version.pk
    ]
    followed.sort(
        key=lambda other: (
            other.content_type_id,
            other.field_dict.get("ordering", other.field_dict.get("sort_order", 0)) or 0,
            str(other.object_id),
        )
    )
    counts = {}
    for other in followed:
        model = other._model
        counts[model] = counts.get(model, 0) + 1
        label = f"{capfirst(str(model._meta.verbose_name))} {counts[model]}"
        lines = [text for _label, text in fields_of(model, other.field_dict) if text]
        texts[label] = "\n".join(lines)
    return texts


def word_diff(old, new):
    """HTML of `new` against `old`, removed words in <del>, added ones in <ins>, escaped."""
    old_words, new_words = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        removed, added = "".join(old_words[a1:a2]), "".join(new_words[b1:b2])
        if tag == "equal":
            parts.append(format_html("{}", added))
            continue
        if removed:
            parts.append(format_html("<del>{}</del>", removed))
        if added:
            parts.append(format_html("<ins>{}</ins>", added))
    # Paragraphs stay on their own lines.
    return mark_safe(format_html_join("", "{}", ((part,) for part in parts)).replace("\n", "<br>"))


def compare(old, new):
    """[(label, html)] of what differs between two versions, in the object's order."""
    old_texts, new_texts = texts_of(old), texts_of(new)
    labels = list(old_texts) + [label for label in new_texts if label not in old_texts]
    return [
        (label, word_diff(old_texts.get(label, ""), new_texts.get(label, "")))
        for label in labels
        if old_texts.get(label, "") != new_texts.get(label, "")
    ]


class RevisionAdmin(VersionAdmin):
    """VersionAdmin with a "compare" page, linked from the history."""

    object_history_template = "reversion/object_history_compare.html"

    def get_urls(self):
        compare_url = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name=f"{self.model._meta.app_label}_{self.model._meta.model_name}_compare",
        )
        return [compare_url, *super().get_urls()]

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if not hasattr(response, "context_data"):
            # A missing object: Django's redirect to the admin's index, with its message.
            return response
        versions = Version.objects.get_for_object_reference(self.model, unquote(object_id))
        version_of = dict(versions.values_list("revision_id", "pk"))
        for action in response.context_data["action_list"]:
            action["version_id"] = version_of[action["revision"].pk]
        opts = self.model._meta
        response.context_data["compare_url_name"] = (
            f"admin:{opts.app_label}_{opts.model_name}_compare"
        )
        return response

    def compare_view(self, request, object_id):
        obj = get_object_or_404(self.model, pk=unquote(object_id))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = Version.objects.get_for_object(obj)
        chosen = sorted(
            (get_object_or_404(versions, pk=pk) for pk in request.GET.getlist("version")[:2]),
            key=lambda version: version.revision.date_created,
        )
        if len(chosen) != 2:
            chosen = list(reversed(versions[:2]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "object": obj,
            "title": _("Compare two versions of “%s”") % obj,
            "old": chosen[0] if len(chosen) == 2 else None,
            "new": chosen[1] if len(chosen) == 2 else None,
            "changes": compare(*chosen) if len(chosen) == 2 else [],
        }
        return TemplateResponse(request, "reversion/compare.html", context)
