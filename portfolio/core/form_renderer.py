"""The form renderer: Django's, with its six smallest templates written in Python.

The post form with 60 blocks rendered ~1,200 of them per request through the template
engine: hidden inputs, labels and empty error lists, each a template, an include and a
loop over attributes (issue 15: half of the page's CPU time). They print a tag and its
attributes, so here they are f-strings that give the same bytes; every other template
(selects, the admin's widgets, forms as a whole) still goes through Django's templates.

tests/test_form_renderer.py renders each of them both ways, so a Django upgrade that
changes one fails there. An app's template overriding one of them is respected: the
functions are only used while every template they stand for is Django's own.
"""

from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

DJANGO_FORM_TEMPLATES = Path(django.forms.__file__).parent / "templates"


def html_attrs(attrs):
    """django/forms/attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def input_tag(context):
    """django/forms/widgets/input.html, which text, hidden, checkbox... include."""
    widget = context["widget"]
    value = widget["value"]
    value_attr = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}"'
        f' name="{conditional_escape(widget["name"])}"{value_attr}{html_attrs(widget["attrs"])}>'
    )


def textarea_tag(context):
    """django/forms/widgets/textarea.html (the newline after the tag is the template's)."""
    widget = context["widget"]
    text = conditional_escape(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"'
        f"{html_attrs(widget['attrs'])}>\n{text}</textarea>"
    )


def label_tag(context):
    """django/forms/label.html: the label, in a tag when the field has an id."""
    label = conditional_escape(context["label"])
    if not context["use_tag"]:
        return label
    tag = conditional_escape(context["tag"])
    return f"<{tag}{html_attrs(context['attrs'])}>{label}</{tag}>"


def error_list(context):
    """django/forms/errors/list/ul.html: nothing at all for a field without errors."""
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    id_attr = f' id="{conditional_escape(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{conditional_escape(error)}</li>" for error in errors)
    return f'<ul class="{conditional_escape(context["error_class"])}"{id_attr}>{items}</ul>'


# Each of these templates is exactly `{% include "django/forms/widgets/input.html" %}`.
INPUT_WIDGETS = [
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "hidden",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
]
IN_PYTHON = {
    **{f"django/forms/widgets/{name}.html": input_tag for name in INPUT_WIDGETS},
    "django/forms/widgets/textarea.html": textarea_tag,
    "django/forms/label.html": label_tag,
    "django/forms/errors/list/ul.html": error_list,
    "django/forms/errors/list/default.html": error_list,
}


# What those templates include.
INCLUDED = [
    "django/forms/widgets/input.html",
    "django/forms/widgets/attrs.html",
    "django/forms/attrs.html",
]


class FormRenderer(DjangoTemplates):
    """Django's DjangoTemplates renderer, with IN_PYTHON's templates as functions."""

    def __init__(self):
        super().__init__()
        found = [self.get_template(name).origin.name for name in [*IN_PYTHON, *INCLUDED]]
        is_djangos = all(Path(path).is_relative_to(DJANGO_FORM_TEMPLATES) for path in found)
        self.in_python = IN_PYTHON if is_djangos else {}

    def render(self, template_name, context, request=None):
        function = self.in_python.get(template_name)
        if function is None:
            return super().render(template_name, context, request)
        return function(context).strip()
