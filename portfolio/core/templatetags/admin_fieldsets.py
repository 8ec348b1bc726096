"""The admin's fieldset (admin/includes/fieldset.html), written in Python.

Every admin form and stacked inline goes through that template once per fieldset: the
post form with 60 blocks did so 66 times, walking some 500 fields through `{% if %}`s
and `{% for %}`s (issue 15: the largest cost left once the form renderer had its small
templates in Python). templates/admin/includes/fieldset.html calls this tag instead;
the markup is the template's, tag for tag, and tests/test_admin_fieldsets.py compares
the two on the admin's forms, so a Django upgrade that changes the template fails there.
Widgets, labels and errors still come from the form's renderer.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def admin_fieldset(fieldset, heading_level="", prefix="", id_prefix="", id_suffix=""):
    """One fieldset of an admin form: its heading, then a row per line of fields."""
    heading_level = heading_level or 2
    heading_id = f"{prefix}-{id_prefix}-{id_suffix}-heading"
    collapsible = bool(fieldset.name) and fieldset.is_collapsible
    parts = [format_html('<fieldset class="module aligned {}"', fieldset.classes)]
    if fieldset.name:
        parts.append(format_html(' aria-labelledby="{}"', heading_id))
    parts.append(">")
    if fieldset.name:
        parts.append(
            format_html(
                '{}<h{} id="{}" class="fieldset-heading">{}</h{}>{}',
                mark_safe("<details><summary>") if collapsible else "",
                heading_level,
                heading_id,
                fieldset.name,
                heading_level,
                mark_safe("</summary>") if collapsible else "",
            )
        )
    if fieldset.description:
        parts.append(
            format_html('<div class="description">{}</div>', mark_safe(fieldset.description))
        )
    parts += [line_row(line) for line in fieldset]
    if collapsible:
        parts.append("</details>")
    parts.append("</fieldset>")
    return mark_safe("\n".join(parts))


def line_row(line):
    """A `form-row`: one field, or several side by side in a `form-multiline`."""
    fields = list(line)
    is_single = len(line.fields) == 1
    errors = line.errors() if is_single else ""
    classes = ["form-row"]
    if errors:
        classes.append("errors")
    if not line.has_visible_field:
        classes.append("hidden")
    classes += [f"field-{name}" for name in map(field_name, fields) if name]
    parts = [
        format_html('<div class="{}">', " ".join(classes)),
        errors if is_single else '<div class="flex-container form-multiline">',
        *(field_box(field, is_single) for field in fields),
    ]
    if not is_single:
        parts.append("</div>")
    parts.append("</div>")
    return "\n".join(parts)


def field_name(field):
    # A read-only field's `field` is a dict standing in for a bound field.
    return field.field["name"] if field.is_readonly else field.field.name


def field_box(field, is_single):
    """A field's label and widget (or read-only value), then its help text."""
    bound = field.field
    name = field_name(field)
    is_hidden = bound["is_hidden"] if field.is_readonly else bound.is_hidden
    errors = "" if field.is_readonly else field.errors()
    classes = ["flex-container"]
    if not is_single:
        classes.append("fieldBox")
        if name:
            classes.append(f"field-{name}")
        if errors:
            classes.append("errors")
        if is_hidden:
            classes.append("hidden")
    if field.is_checkbox:
        classes.append("checkbox-row")
    parts = ["<div>"]
    if not is_single and not field.is_readonly:
        parts.append(errors)
    parts.append(format_html('<div class="{}">', " ".join(classes)))
    if field.is_checkbox:
        parts.append(f"{bound}{field.label_tag()}")
    else:
        parts.append(field.label_tag())
        if field.is_readonly:
            parts.append(format_html('<div class="readonly">{}</div>', field.contents()))
        else:
            parts.append(str(bound))
    parts.append("</div>")
    help_text = bound["help_text"] if field.is_readonly else bound.help_text
    if help_text:
        id_for_label = None if field.is_readonly else bound.id_for_label
        parts.append(
            format_html(
                '<div class="help{}"{}>\n<div>{}</div>\n</div>',
                " hidden" if is_hidden else "",
                format_html(' id="{}_helptext"', id_for_label) if id_for_label else "",
                mark_safe(help_text),
            )
        )
    parts.append("</div>")
    return "\n".join(parts)
