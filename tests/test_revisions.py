"""Revisions (django-reversion): each admin save keeps a version of a post, a page or the
profile with its blocks or lists; the author compares two, restores one, recovers a
deleted post with its blocks."""

import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse
from django_comments_xtd.models import XtdComment
from reversion import is_registered
from reversion.models import Version

from blog.models import Page, PageRichText, Post, RichText
from portfolio.models import Profile
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def form_data(html):
    """What the browser would send for the admin form on `html`, as it stands."""
    form = BeautifulSoup(html, "html.parser").select_one("form[id$=_form]")
    data = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        name = field["name"]
        kind = field.get("type", "text")
        if field.name == "textarea":
            data[name] = field.text.removeprefix("\n")
        elif field.name == "select":
            data[name] = [
                option.get("value", option.text) for option in field.select("option[selected]")
            ]
        elif kind in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        elif kind not in ("submit", "button", "file", "image"):
            data[name] = field.get("value", "")
    return data


def save_in_admin(client, url, **changes):
    data = form_data(client.get(url).content.decode())
    data.update(changes)
    data["_continue"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302, BeautifulSoup(response.content, "html.parser").select(
        ".errorlist"
    )
    return response


def first_block_field(model, field):
    return f"{model._meta.app_label}_{model._meta.model_name}_set-0-{field}"


@pytest.fixture
def post():
    return make_post(slug="un-billet", title="Un billet", text="<p>Premier jet.</p>")


def test_two_edits_compare_and_restore_the_first_version(admin_client, client, post):
    change = reverse("admin:blog_post_change", args=[post.pk])
    text = first_block_field(RichText, "text")
    save_in_admin(
        admin_client, change, standfirst="Chapô d’origine.", **{text: "<p>Premier jet.</p>"}
    )
    save_in_admin(
        admin_client, change, standfirst="Chapô revu.", **{text: "<p>Second jet, tout réécrit.</p>"}
    )
    versions = Version.objects.get_for_object(post)
    assert versions.count() == 2
    # Each version holds the post's blocks too.
    assert versions[0].revision.version_set.filter(content_type__model="richtext").count() == 1

    history = admin_client.get(reverse("admin:blog_post_history", args=[post.pk]))
    assert history.status_code == 200
    newest, first = versions
    compare = admin_client.get(
        reverse("admin:blog_post_compare", args=[post.pk]),
        {"version": [newest.pk, first.pk]},
    )
    html = compare.content.decode()
    assert "<del>d’origine.</del>" in html and "<ins>revu.</ins>" in html
    assert "<del>Premier</del>" in html and "<ins>Second</ins>" in html
    assert "<p>" not in html.split("<dl>")[1].split("</dl>")[0]  # words

    # Restore the first version: its form, pre-filled, saved as it is.
    revision_url = reverse("admin:blog_post_revision", args=[post.pk, first.pk])
    data = form_data(admin_client.get(revision_url).content.decode())
    assert data["standfirst"] == "Chapô d’origine."
    assert admin_client.post(revision_url, data).status_code == 302
    public = client.get(post.get_absolute_url()).content.decode()
    assert "Premier jet." in public and "Second jet" not in public
    assert "Chapô d’origine." in public
    assert Version.objects.get_for_object(post).count() == 3  # the restore is a version too


def test_a_deleted_post_comes_back_with_its_blocks(admin_client, client, post):
    change = reverse("admin:blog_post_change", args=[post.pk])
    save_in_admin(admin_client, change, standfirst="À garder.")
    url = post.get_absolute_url()
    admin_client.post(reverse("admin:blog_post_delete", args=[post.pk]), {"post": "yes"})
    assert not Post.objects.exists() and not RichText.objects.exists()
    assert client.get(url).status_code == 404

    changelist = admin_client.get(reverse("admin:blog_post_changelist")).content.decode()
    recover_list = reverse("admin:blog_post_recoverlist")
    assert recover_list in changelist
    assert "Un billet" in admin_client.get(recover_list).content.decode()
    version = Version.objects.get_deleted(Post).get()
    recover_url = reverse("admin:blog_post_recover", args=[version.pk])
    data = form_data(admin_client.get(recover_url).content.decode())
    assert admin_client.post(recover_url, data).status_code == 302
    restored = Post.objects.get()
    assert restored.standfirst == "À garder."
    assert list(RichText.objects.filter(parent=restored).values_list("text", flat=True)) == [
        "<p>Premier jet.</p>"
    ]
    assert "Premier jet." in client.get(url).content.decode()


def test_a_page_keeps_versions_with_its_blocks(admin_client):
    page = Page.objects.create(title="À propos", slug="a-propos", status=Page.Status.PUBLISHED)
    PageRichText.objects.create(parent=page, region="body", ordering=10, text="<p>Bonjour.</p>")
    save_in_admin(admin_client, reverse("admin:blog_page_change", args=[page.pk]))
    version = Version.objects.get_for_object(page).get()
    assert version.revision.version_set.filter(content_type__model="pagerichtext").count() == 1


def test_the_profile_keeps_versions_with_its_lists(admin_client):
    profile = Profile.objects.create(full_name="Ada Martin", headline="Scrum Master")
    profile.skills.create(category="Agile", name="Kanban", sort_order=0)
    change = reverse("admin:portfolio_profile_change", args=[profile.pk])
    save_in_admin(admin_client, change, headline="Coach agile")
    version = Version.objects.get_for_object(profile).get()
    assert version.field_dict["headline"] == "Coach agile"
    assert version.revision.version_set.filter(content_type__model="skill").count() == 1
    history = admin_client.get(reverse("admin:portfolio_profile_history", args=[profile.pk]))
    assert history.status_code == 200


def test_visitors_comments_keep_no_versions():
    assert not is_registered(XtdComment)


def test_make_run_gives_existing_posts_a_first_version_with_their_blocks(post):
    """Posts made outside the admin (the demo, imports) get one from `make run`."""
    makefile = (Path(__file__).parent.parent / "Makefile").read_text()
    command = re.search(r"^INITIAL_REVISIONS := (.+)$", makefile, re.M)[1].split()
    call_command(*command, stdout=io.StringIO())
    version = Version.objects.get_for_object(post).get()
    assert version.revision.version_set.filter(content_type__model="richtext").count() == 1
    call_command(*command, stdout=io.StringIO())  # a second run adds nothing
    assert Version.objects.get_for_object(post).count() == 1


def test_the_history_of_a_deleted_post_sends_the_author_back_with_a_message(admin_client, post):
    history = reverse("admin:blog_post_history", args=[post.pk])
    post.delete()
    response = admin_client.get(history, follow=True)
    assert response.redirect_chain[0] == (reverse("admin:index"), 302)
    assert "n’existe pas" in response.content.decode()
