"""The admin's fieldsets, written in Python, are Django's template's markup (issue 15).

templates/admin/includes/fieldset.html hands every admin fieldset to
portfolio/core/templatetags/admin_fieldsets.py. Here each fieldset of the post and page
forms (their blocks too, valid or not) and of a form using every branch of the template
is rendered both ways and compared as HTML: a Django upgrade that changes its
fieldset.html fails here.
"""

from pathlib import Path

import django.contrib.admin
import pytest
from django.contrib import admin
from django.contrib.admin.helpers import AdminForm
from django.template import engines
from django.test import RequestFactory
from django.test.html import parse_html

from blog.models import Page, Post, PullQuote, Question
from portfolio.core.templatetags.admin_fieldsets import admin_fieldset
from tests.factories import make_post

pytestmark = pytest.mark.django_db

DJANGOS_FIELDSET = engines["django"].from_string(
    (
        Path(django.contrib.admin.__file__).parent / "templates/admin/includes/fieldset.html"
    ).read_text()
)


def assert_same_as_djangos(fieldset, **names):
    """`names`: what Django's templates pass to the include (heading level, ids)."""
    djangos = DJANGOS_FIELDSET.render({"fieldset": fieldset, **names})
    ours = admin_fieldset(fieldset, **names)
    assert parse_html(ours) == parse_html(djangos), f"ours:\n{ours}\n\nDjango's:\n{djangos}"


def form_page(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    return response.context


def assert_every_fieldset_is_djangos(context):
    for number, fieldset in enumerate(context["adminform"]):
        names = {"heading_level": 2, "prefix": "fieldset", "id_prefix": 0, "id_suffix": number}
        assert_same_as_djangos(fieldset, **names)
    blocks = 0
    for inline in context["inline_admin_formsets"]:
        for form_number, inline_form in enumerate(inline):
            blocks += 1
            for number, fieldset in enumerate(inline_form):
                names = {"prefix": inline.formset.prefix, "id_prefix": form_number}
                assert_same_as_djangos(fieldset, heading_level=4, id_suffix=number, **names)
    return blocks


def test_the_post_form_and_its_blocks_are_djangos_markup(admin_client):
    post = make_post(text="<p>Premier paragraphe.</p>", cover_caption="Une <légende>")
    PullQuote.objects.create(parent=post, region="body", ordering=20, quote="« Citer »")
    Question.objects.create(
        parent=post, region="body", ordering=30, question="Pourquoi ?", answer="<p>Parce.</p>"
    )
    context = form_page(admin_client, f"/admin/blog/post/{post.pk}/change/")
    # The three blocks, an empty form per kind of block, and the old addresses' one.
    assert assert_every_fieldset_is_djangos(context) == 3 + 5 + 1


def test_the_page_form_with_its_described_fieldset_is_djangos_markup(admin_client):
    page = Page.objects.create(title="Mentions légales", slug="mentions-legales")
    context = form_page(admin_client, f"/admin/blog/page/{page.pk}/change/")
    assert any(fieldset.description for fieldset in context["adminform"])
    assert_every_fieldset_is_djangos(context)


def every_branch_form(admin_user, data=None):
    """The post form laid out with lines of several fields, a read-only one, a checkbox,
    a description and a collapsed fieldset, bound to `data` when given."""
    post = make_post(title="Un titre")
    post_admin = admin.site._registry[Post]
    request = RequestFactory().get("/")
    request.user = admin_user
    form = post_admin.get_form(request, post)(data, instance=post)
    fieldsets = [
        (
            "Tout <ensemble>",
            {
                "fields": [
                    ("title", "slug"),
                    "status",
                    ("is_update_shown", "preview_link"),
                    "is_open_for_comments",
                    "preview_link",
                ],
                "classes": ["collapse", "wide"],
                "description": "Une <em>description</em> en HTML.",
            },
        ),
        (None, {"fields": ["meta_description", "published_at"]}),
    ]
    return AdminForm(form, fieldsets, {}, readonly_fields=["preview_link"], model_admin=post_admin)


@pytest.mark.parametrize(
    "data", [None, {"title": "", "slug": "pas un slug !", "status": "inconnu"}], ids=["", "errors"]
)
def test_lines_of_several_fields_read_only_ones_and_errors_are_djangos_markup(admin_user, data):
    admin_form = every_branch_form(admin_user, data)
    if data:
        assert not admin_form.form.is_valid()
    for number, fieldset in enumerate(admin_form):
        assert_same_as_djangos(fieldset, heading_level=3, prefix="x", id_prefix=1, id_suffix=number)
        assert_same_as_djangos(fieldset)
