"""The admin speaks French to the author: its header, the body editor and its toolbar."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from blog.models import Question, RichText
from tests.conftest import pass_second_factor
from tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def author_client(client):
    user = get_user_model().objects.create_superuser("autrice", "a@example.org", "pw-123456789")
    return pass_second_factor(client, user)


def test_a_block_title_is_plain_text_with_its_words_apart():
    post = make_post(text="")
    block = RichText.objects.create(
        parent=post,
        region="body",
        ordering=10,
        text="<h2>Le «&nbsp;digitale&nbsp;» tue</h2><p>Un ticket fermé&#8239;: rien.</p>",
    )
    assert str(block) == "Le «\u00a0digitale\u00a0» tue Un ticket fermé\u202f: rien."
    answer = Question(parent=post, question="Pourquoi ?", answer="<p>Parce&nbsp;que.</p>")
    assert str(answer) == "Pourquoi ?"


def test_the_admin_is_titled_with_the_site_name(author_client):
    # The admin is outside the language prefixes: always the site's language, French.
    html = author_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Django" not in html
    assert f'<div id="site-name"><a href="{reverse("admin:index")}">Vitrine</a></div>' in html
    assert "<title>Tableau de bord | Vitrine</title>" in html
    assert "<h1>Tableau de bord</h1>" in html


def test_the_body_editor_speaks_french(author_client):
    post = make_post(text="<p>Bonjour.</p>")
    html = author_client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    for english in [
        "New item",
        "Collapse all items",
        "No items.",
        "Use Ctrl-Click to select and move multiple items.",
    ]:
        assert english not in html
    for french in ["Nouvel élément", "Replier tous les éléments", "Aucun élément."]:
        assert json.dumps(french) in html  # in the editor's JSON context


def test_the_editors_javascript_strings_are_in_the_admin_catalog(author_client):
    """The catalog the change form loads holds the editors' strings (CSP-safe: a file)."""
    response = author_client.get(reverse("admin:jsi18n"))
    catalog = response.content.decode()
    assert response["Content-Type"].startswith("text/javascript")
    for english, french in [
        ("Hide", "Masquer"),  # django-content-editor's "(Hide)"
        ("bold", "gras"),  # django-prose-editor's toolbar, via static/js/admin-editors.js
        ("unordered list", "liste à puces"),
        ("Heading %s", "Titre %s"),
        ("Paragraph", "Paragraphe"),
        ("List properties", "Propriétés de la liste"),  # django-prose-editor's own catalog
    ]:
        assert f'"{english}": {json.dumps(french)}' in catalog
