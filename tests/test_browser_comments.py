"""Two visitors and the author, each in their own browser, around one post's comments."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from blog.models import Post
from tests.conftest import SCREENSHOTS, in_every_view, log_in_to_admin, save_screenshot
from tests.tasks import run_queue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def post(db):
    return Post.objects.create(
        title="Un billet à commenter",
        slug="un-billet-a-commenter",
        status=Post.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=2),
    )


@pytest.fixture
def quick_comments(settings):
    # One address (127.0.0.1) plays every visitor; no human waits 3 s in a test.
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.COMMENTS_MIN_FILL_SECONDS = 0


@pytest.fixture
def new_page(open_page):
    """Like `open_page`; an error response or a failed request fails the test too."""

    def new_page(**options):
        page = open_page(**options)
        page.on(
            "response",
            lambda r: r.status >= 400 and page.console_errors.append(f"{r.status} {r.url}"),
        )
        page.on("requestfailed", lambda r: page.console_errors.append(f"failed {r.url}"))
        return page

    return new_page


def write_comment(page, name, email, text, follow=False):
    page.get_by_role("textbox", name="Nom").fill(name)
    page.get_by_role("textbox", name="E-mail").fill(email)
    page.get_by_role("textbox", name="Commentaire").fill(text)
    if follow:
        page.get_by_label("Me prévenir des réponses par e-mail").check()
    page.get_by_role("button", name="Publier le commentaire").click()


def approve_in_admin(author_page, text):
    author_page.goto("/admin/comments/comment/?queue=pending")
    row = author_page.locator("tr", has_text=text)
    row.get_by_role("button", name="Approuver").click()
    author_page.wait_for_url(re.compile(r"/admin/comments/comment/"))
    assert author_page.get_by_text("approuvé").first.is_visible()


def test_visitor_comments_author_approves_other_visitor_replies(new_page, post, quick_comments):
    user = get_user_model().objects.create_user(
        "auteur", "auteur@example.org", "un-mot-de-passe-solide", is_staff=True, is_superuser=True
    )
    assert user.is_staff
    url = post.get_absolute_url()
    alice = new_page()
    bob = new_page()
    author = new_page()

    # Visitor A comments and sees her comment, marked as awaiting moderation.
    alice.goto(url)
    assert alice.get_by_role("heading", name="0 commentaire").is_visible()
    assert alice.get_by_text("Votre adresse e-mail ne sera pas publiée").is_visible()
    write_comment(alice, "Alice Martin", "alice@example.org", "Bonjour !\nPremière visite.", True)
    alice.wait_for_url(re.compile(r"#c\d+$"))
    assert alice.get_by_text("Votre commentaire est en attente de modération.").is_visible()
    assert alice.get_by_text("Première visite.").is_visible()
    save_screenshot(alice, "comments-pending-own-browser")

    # Visitor B does not see it.
    bob.goto(url)
    assert bob.get_by_text("Première visite.").count() == 0
    assert bob.get_by_role("heading", name="0 commentaire").is_visible()

    # The author logs in and approves it from the queue, in one click.
    log_in_to_admin(author, user, "un-mot-de-passe-solide")
    author.wait_for_url(re.compile(r"/admin/$"))
    assert author.get_by_text("1 commentaire en attente de modération").is_visible()
    approve_in_admin(author, "Première visite.")

    # Both visitors now see it, published.
    for page in (alice, bob):
        page.goto(url)
        assert page.get_by_role("heading", name="1 commentaire").is_visible()
        assert page.get_by_text("Première visite.").is_visible()
        assert page.get_by_text("Votre commentaire est en attente de modération.").count() == 0

    # B replies (held: first comment), the author approves, A is emailed.
    run_queue()  # what the worker had to send so far
    mail.outbox.clear()
    bob.get_by_role("link", name="Répondre à Alice Martin").click()
    bob.wait_for_url(re.compile(r"/comments/reply/\d+/"))
    # Too long: the server says so and keeps the text; Bob shortens it and sends again.
    write_comment(bob, "Bob Durand", "bob@example.org", "Bienvenue ! " + "b" * 3000)
    # Said twice: in the error summary (a link to the field) and under the field itself.
    assert (
        bob.locator("#id_comment_error").get_by_text("Votre commentaire est trop long").is_visible()
    )
    assert bob.locator(".error-summary a[href='#id_comment']").is_visible()
    assert bob.get_by_role("textbox", name="Commentaire").input_value().startswith("Bienvenue !")
    save_screenshot(bob, "comments-form-errors")
    write_comment(bob, "Bob Durand", "bob@example.org", "Bienvenue Alice !")
    bob.wait_for_url(re.compile(r"#c\d+$"))
    assert bob.get_by_text("Votre commentaire est en attente de modération.").is_visible()
    assert mail.outbox == []  # the request sent nothing: the worker does
    run_queue()
    assert [m.to for m in mail.outbox] == [["owner@localhost"]]
    approve_in_admin(author, "Bienvenue Alice !")
    run_queue()
    followups = [m for m in mail.outbox if m.to == ["alice@example.org"]]
    assert len(followups) == 1
    assert "Bienvenue Alice !" in followups[0].body
    reply = XtdComment.objects.get(comment="Bienvenue Alice !")
    assert reply.level == 1 and reply.is_public

    # The unsubscribe link of that email works in a browser.
    link = re.search(r"http://\S+/comments/unsubscribe/\S+/", followups[0].body).group()
    alice.goto(link.replace("http://127.0.0.1:8000", ""))
    alice.get_by_role("button", name="Arrêter les e-mails").click()
    assert alice.get_by_role("heading", name="E-mails arrêtés").is_visible()
    assert not XtdComment.objects.get(user_email="alice@example.org").followup

    # The author replies from the site: published at once, with the badge.
    author.goto(url)
    author.get_by_role("textbox", name="Commentaire").fill("Merci à vous deux.")
    author.get_by_role("button", name="Publier le commentaire").click()
    author.wait_for_url(re.compile(r"#c\d+$"))
    alice.goto(url)
    assert alice.get_by_text("Merci à vous deux.").is_visible()
    assert alice.locator(".comment--author .comment__badge").first.inner_text() == "Auteur"

    for page in (alice, bob, author):
        assert page.console_errors == [], (page.url, page.console_errors)


def test_comment_section_screenshots(new_page, demo):
    post = Post.objects.get(pk=XtdComment.objects.filter(level=2).first().object_pk)

    def check(page, label, width, scheme):
        page.goto(post.get_absolute_url() + "#comments")
        assert page.locator(".comment").count() >= 5
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"comments-{label}-{scheme}.png"
        page.locator("#comments").screenshot(path=str(path))
        assert page.console_errors == []

    in_every_view(new_page, check)
