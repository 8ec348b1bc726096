"""Admin forms that never cut text silently.

A model field's `max_length` becomes the browser's `maxlength`, which cuts a paste at
the limit without a word: a 359-character standfirst lost its end that way. Here the
attribute goes; the limit is shown by a counter (static/js/admin-fields.js) and, when
passed, the form answers with the field's message and keeps the text as typed.
"""

from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


def field_limit(db_field):
    """The length a model field accepts, from `max_length` or a MaxLengthValidator."""
    limits = [db_field.max_length] if getattr(db_field, "max_length", None) else []
    limits += [v.limit_value for v in db_field.validators if isinstance(v, MaxLengthValidator)]
    return min(limits) if limits else None


def show_limit(db_field, formfield, *, always=False):
    """Replace the browser's silent `maxlength` with a visible counter of `db_field`'s limit.

    The counter appears near the limit, or `always` where the limit is the point of the
    field (a meta description's length for search engines).
    """
    limit = field_limit(db_field)
    if formfield is None or limit is None or not hasattr(formfield.widget, "attrs"):
        return formfield
    attrs = formfield.widget.attrs
    attrs.pop("maxlength", None)
    attrs["data-limit"] = str(limit)
    attrs["data-limit-text"] = _("{count} / {limit} characters")
    if always:
        attrs["data-limit-shown"] = ""
    return formfield


class VisibleLimits:
    """For ModelAdmin and inlines: every limited text field shows its limit, none truncates.

    `limits_shown`: the fields whose counter shows from the first character.
    """

    limits_shown = ()

    class Media:
        js = ["js/admin-fields.js"]
        css = {"all": ["css/admin-fields.css"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        return show_limit(db_field, formfield, always=db_field.name in self.limits_shown)
