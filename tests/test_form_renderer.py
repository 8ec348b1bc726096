"""Our form renderer writes the same bytes as Django's templates (portfolio/core/form_renderer.py).

Its functions stand for Django's smallest form templates; if a Django upgrade changes one
of those templates, these comparisons fail and the function must follow.
"""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from portfolio.core.form_renderer import IN_PYTHON, FormRenderer

DJANGO = DjangoTemplates()
OURS = FormRenderer()

TRICKY_TEXT = ['Un "titre" <b>gras</b> & l’été', mark_safe("<em>déjà sûr</em>"), "", None]
TRICKY_ATTRS = [
    {},
    {"class": "vTextField", "data-limit": "200", "data-limit-text": gettext_lazy("Title")},
    {"required": True, "disabled": False, "autofocus": True, "data-x": 'a"b<c>&'},
    {"aria-describedby": "id_title_helptext", "maxlength": 200, "data-none": None},
]
INPUTS = [
    forms.TextInput,
    forms.HiddenInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
    forms.CheckboxInput,
    forms.Textarea,
]


def both(widget, name, value, attrs):
    return [widget.render(name, value, attrs, renderer=r) for r in (DJANGO, OURS)]


def test_django_renders_the_site_forms_with_our_renderer():
    assert isinstance(get_default_renderer(), FormRenderer)
    assert OURS.in_python == IN_PYTHON


@pytest.mark.parametrize("widget_class", INPUTS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("attrs", TRICKY_ATTRS)
def test_each_widget_is_written_as_djangos_template_writes_it(widget_class, attrs):
    widget = widget_class(attrs={"class": "from-widget"})
    values = [*TRICKY_TEXT, 0, 12.5, True, False, datetime.date(2026, 3, 9)]
    for value in values:
        django_html, our_html = both(widget, 'blocks-0-"text"', value, attrs)
        assert our_html == django_html, (widget_class, value, attrs)


class EveryKindOfField(forms.Form):
    title = forms.CharField(max_length=5, help_text="Court <em>s’il vous plaît</em>.")
    body = forms.CharField(widget=forms.Textarea, label=gettext_lazy("Text"))
    count = forms.IntegerField(min_value=1)
    is_open = forms.BooleanField(required=False, label='Ouvert "aux" <lecteurs>')
    email = forms.EmailField()
    secret = forms.CharField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])

    def clean(self):
        raise forms.ValidationError(["Le formulaire <entier> est faux.", "Et de deux."])


@pytest.mark.parametrize(
    "data",
    [None, {"title": "Bien trop long", "count": "0", "email": "pas-un-courriel", "secret": ""}],
    ids=["unbound", "with errors"],
)
def test_a_whole_form_with_its_labels_and_errors_is_the_same(data):
    django_form = EveryKindOfField(data, renderer=DJANGO, auto_id="id_%s")
    our_form = EveryKindOfField(data, renderer=OURS, auto_id="id_%s")
    assert our_form.render() == django_form.render()
    assert str(our_form.non_field_errors()) == str(django_form.non_field_errors())
    for name in our_form.fields:
        assert our_form[name].label_tag() == django_form[name].label_tag()
        assert str(our_form[name].errors) == str(django_form[name].errors)
    without_ids = [EveryKindOfField(data, renderer=r, auto_id=False) for r in (DJANGO, OURS)]
    assert without_ids[1].render() == without_ids[0].render()
