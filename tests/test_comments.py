"""Moderated comments: posting, the moderation policy, the traps of django-comments-xtd."""

import base64
import time
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone, translation
from django_comments.forms import CommentSecurityForm
from django_comments_xtd.models import XtdComment

from blog.models import Post
from comments.models import CommentReview
from portfolio.core import page_cache
from portfolio.core.models import OutgoingEmail
from tests.conftest import pass_second_factor
from tests.tasks import run_queue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _french():
    """URLs reversed in tests are the French ones, whatever an earlier test activated."""
    with translation.override("fr"):
        yield


@pytest.fixture
def post(make_post):
    return make_post(title="Un billet", slug="un-billet")


def security_data(post, seconds_ago=60):
    form = CommentSecurityForm(post)
    timestamp = str(int(time.time()) - seconds_ago)
    return {
        "content_type": "blog.post",
        "object_pk": str(post.pk),
        "timestamp": timestamp,
        "security_hash": form.generate_security_hash("blog.post", str(post.pk), timestamp),
    }


def form_data(post, seconds_ago=60, **fields):
    data = {
        **security_data(post, seconds_ago),
        "name": "Alice Martin",
        "email": "alice@example.org",
        "url": "",
        "comment": "Merci pour ce billet.",
        "reply_to": "0",
        "honeypot": "",
    }
    data.update(fields)
    return data


def add_comment(post, **fields):
    values = {
        "content_type_id": __import__(
            "django.contrib.contenttypes.models", fromlist=["ContentType"]
        )
        .ContentType.objects.get_for_model(Post)
        .pk,
        "object_pk": str(post.pk),
        "site_id": 1,
        "user_name": "Bob",
        "user_email": "bob@example.org",
        "comment": "Un commentaire.",
        "submit_date": timezone.now() - timedelta(hours=1),
        "is_public": True,
    }
    values.update(fields)
    return XtdComment.objects.create(**values)


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Post the comment form as a browser would, then let the worker send the emails."""

    def send_form(data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/comments/post/", data, REMOTE_ADDR=extra.pop("ip", "10.0.0.1"), **extra
            )
        run_queue()
        return response

    return send_form


def page(client, post, **extra):
    return client.get(post.get_absolute_url(), **extra).content.decode()


def held(post):
    return XtdComment.objects.filter(object_pk=str(post.pk), is_public=False)


# Visitors ---------------------------------------------------------------------


def test_heading_counts_published_comments_with_plurals(client, post):
    assert "0 commentaire<" in page(client, post)
    add_comment(post)
    assert "1 commentaire<" in page(client, post)
    add_comment(post, user_email="carol@example.org")
    add_comment(post, is_public=False, comment="held")
    add_comment(post, is_removed=True, comment="removed")
    html = page(client, post)
    assert "2 commentaires<" in html
    assert "held" not in html and "removed" not in html
    assert "2 comments<" in client.get(f"/en{post.get_absolute_url()}").content.decode()


def test_form_has_the_fields_and_says_what_is_required(client, post):
    html = page(client, post)
    for name in ("name", "email", "url", "comment", "followup", "remember", "honeypot"):
        assert f'name="{name}"' in html
    assert 'name="remember" id="id_remember">' in html  # unticked
    assert "Votre adresse e-mail ne sera pas publiée" in html
    assert "Les champs obligatoires sont marqués *" in html


def test_first_comment_is_held_and_the_author_is_emailed(client, post, send):
    response = send(form_data(post))
    comment = XtdComment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#c{comment.pk}"
    assert not comment.is_public
    assert comment.ip_address == "10.0.0.1"
    [message] = mail.outbox
    assert message.to == ["owner@localhost"]
    assert "Merci pour ce billet." in message.body
    assert f"http://127.0.0.1:8000/admin/comments/comment/{comment.pk}/change/" in (message.body)


def test_the_visitor_sees_their_pending_comment_and_nobody_else_does(client, post, send):
    send(form_data(post))
    response = client.get(post.get_absolute_url())
    html = response.content.decode()
    assert "Votre commentaire est en attente de modération." in html
    assert "Merci pour ce billet." in html
    assert "0 commentaire<" in html
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    other = Client()
    other_response = other.get(post.get_absolute_url())
    assert "Merci pour ce billet." not in other_response.content.decode()
    assert "private" not in other_response.get("Cache-Control", "")


def test_a_forged_pending_cookie_shows_nothing(client, post):
    add_comment(post, is_public=False, comment="Pas pour vous")
    client.cookies["vitrine_pending"] = "1"
    assert "Pas pour vous" not in page(client, post)


def test_returning_commenter_is_approved_at_once(client, post, send):
    earn_trust(client, post)  # this browser wrote an approved comment under that email
    send(form_data(post, comment="Encore moi"), ip="10.0.0.2")
    assert XtdComment.objects.get(comment="Encore moi").is_public
    assert mail.outbox == []  # nothing to moderate, nobody follows


@override_settings(COMMENTS_AUTO_APPROVE_RETURNING=False)
def test_returning_commenter_can_be_held_by_setting(client, post, send):
    add_comment(post, user_email="alice@example.org")
    send(form_data(post, comment="Encore moi"))
    assert not XtdComment.objects.get(comment="Encore moi").is_public


def test_honeypot_refuses_with_the_text_kept(client, post, send):
    response = send(form_data(post, honeypot="http://spam.example", comment="Texte gardé"))
    assert response.status_code == 400
    assert "Texte gardé" in response.content.decode()
    assert not XtdComment.objects.exists()


def test_too_fast_asks_to_send_again_with_the_text_kept(client, post, send):
    response = send(form_data(post, seconds_ago=0, comment="Trop rapide"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Trop rapide" in html
    assert not XtdComment.objects.exists()
    assert 'name="timestamp"' in html


def test_flood_interval_holds_per_address(client, post, send):
    assert send(form_data(post, comment="Un")).status_code == 302
    response = send(form_data(post, comment="Deux"))
    assert response.status_code == 429
    assert "Deux" in response.content.decode()
    assert send(form_data(post, comment="Trois"), ip="10.0.0.2").status_code == 302
    assert XtdComment.objects.count() == 2


def test_a_double_click_lands_on_the_first_comment(client, post, send):
    first = send(form_data(post))
    second = send(form_data(post))
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert XtdComment.objects.count() == 1


def test_flood_counts_comments_already_in_the_database(client, post, send):
    add_comment(post, ip_address="10.0.0.1", submit_date=timezone.now() - timedelta(seconds=5))
    assert send(form_data(post)).status_code == 429
    XtdComment.objects.update(submit_date=timezone.now() - timedelta(seconds=16))
    assert send(form_data(post)).status_code == 302


def test_too_many_links_hold_even_a_returning_commenter(client, post, send):
    add_comment(post, user_email="alice@example.org")
    text = "https://a.example https://b.example www.c.example"
    send(form_data(post, comment=text))
    comment = XtdComment.objects.get(comment=text)
    assert not comment.is_public
    assert comment.review.reason == "3 links"
    assert len(mail.outbox) == 1


def test_disallowed_word_is_spam_never_shown_nor_emailed(client, post, send):
    send(form_data(post, comment="Best CASINO bonus"))
    comment = XtdComment.objects.get()
    assert not comment.is_public
    assert comment.review.is_spam
    assert mail.outbox == []
    assert "CASINO" not in page(Client(), post)


@pytest.mark.parametrize(
    "text",
    [
        "Je suis spécialiste des réseaux.",
        "A network specialist here.",
        "Bonjour de Pornic !",
        "Cryptographie et casinos : rien à voir.",
    ],
)
def test_a_disallowed_word_inside_another_word_is_not_spam(client, post, send, text):
    send(form_data(post, comment=text))
    comment = XtdComment.objects.get()
    assert not comment.review.is_spam and comment.review.reason == "first comment"
    assert [message.to for message in mail.outbox] == [["owner@localhost"]]


def test_a_whole_disallowed_word_is_spam_in_any_case_and_the_queue_says_which(
    client, post, send, author
):
    send(form_data(post, comment="Du CIALIS, pas cher !"))
    send(form_data(post, comment="Porn-star", email="b@example.org"), ip="10.0.0.2")
    assert [review.is_spam for review in CommentReview.objects.all()] == [True, True]
    pass_second_factor(client, author)
    html = client.get("/admin/comments/comment/?queue=spam").content.decode()
    assert "disallowed word: cialis" in html and "disallowed word: porn" in html


def test_closed_post_shows_a_sentence_and_refuses_with_the_text_kept(client, make_post, send):
    post = make_post(is_open_for_comments=False)
    html = page(client, post)
    assert "Les commentaires sont fermés" in html
    assert 'name="comment"' not in html
    response = send(form_data(post, comment="Trop tard"))
    assert response.status_code == 403
    assert "Trop tard" in response.content.decode()
    assert not XtdComment.objects.exists()


@override_settings(COMMENTS_CLOSE_AFTER_DAYS=30)
def test_comments_close_by_themselves_after_the_set_days(client, make_post, send):
    post = make_post(published_at=timezone.now() - timedelta(days=31))
    assert 'name="comment"' not in page(client, post)
    assert send(form_data(post)).status_code == 403


def test_stale_form_and_bad_hash_give_a_clear_page_with_the_text_kept(client, post, send):
    stale = send(form_data(post, seconds_ago=7 * 3600, comment="Vieux formulaire"))
    assert stale.status_code == 400
    assert "Vieux formulaire" in stale.content.decode()
    assert "trop longtemps" in stale.content.decode()
    forged = send(form_data(post, security_hash="0" * 40, comment="Hash faux"))
    assert forged.status_code == 400
    assert "Hash faux" in forged.content.decode()
    assert not XtdComment.objects.exists()


def test_errors_rerender_the_form_with_the_text_kept(client, post, send):
    response = send(form_data(post, email="pas-un-courriel", comment="Mon texte"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mon texte" in html and 'value="Alice Martin"' in html
    assert "adresse e-mail valide" in html
    assert not XtdComment.objects.exists()


@override_settings(COMMENT_MAX_LENGTH=200)
def test_size_limit_gives_a_clear_message(client, post, send):
    response = send(form_data(post, comment="é" * 250))
    html = response.content.decode()
    assert "trop long" in html and "250" in html and "200" in html
    assert "é" * 250 in html
    assert not XtdComment.objects.exists()


def test_preview_shows_the_comment_without_saving(client, post, send):
    response = send(form_data(post, comment="Ligne 1\nLigne 2", preview="1"))
    assert "Ligne 1<br>Ligne 2" in response.content.decode()
    assert not XtdComment.objects.exists()


def test_plain_text_keeps_lines_links_and_odd_characters(client, post):
    text = "Bonjour à tous ✨ 🎉\nשלום עולם مرحبا\nVoir https://example.org/page?a=1&b=2"
    add_comment(post, comment=text)
    html = page(client, post)
    assert "Bonjour à tous ✨ 🎉<br>שלום עולם مرحبا<br>" in html
    assert (
        '<a href="https://example.org/page?a=1&amp;b=2" rel="nofollow ugc noopener">'
        "https://example.org/page?a=1&amp;b=2</a>" in html
    )


@pytest.mark.parametrize(
    "text",
    [
        "Voir www.example.org, ou example.com/page.",
        "Écrivez à bob@example.org (merci)",
        "HTTPS://EXAMPLE.ORG/Chemin et http://[::1]/",
        "Un lien très long https://example.org/" + "a" * 80,
        "Ni lien ni adresse : a < b & c > d\n'guillemets' \"doubles\" 3.14 fichier.txt",
    ],
)
def test_comment_text_is_linked_exactly_as_urlize_would(client, post, text):
    """Only text that may hold a link goes through urlize: the result is the same."""
    from django.utils.html import urlize

    from blog.typography import french_spaces_html

    add_comment(post, comment=text)
    expected = urlize(text, trim_url_limit=60, nofollow=True, autoescape=True)
    expected = expected.replace('rel="nofollow"', 'rel="nofollow ugc noopener"')
    # The post is French: its comments get French typography's no-break spaces too.
    expected = french_spaces_html(expected).replace("\n", "<br>")
    assert f'<div class="comment__text">{expected}</div>' in page(client, post)


def test_text_without_links_is_escaped_with_its_line_breaks(client, post):
    add_comment(post, comment="a < b & c\n<i>pas d’italique</i> 'x' \"y\"")
    assert (
        '<div class="comment__text">a &lt; b &amp; c<br>&lt;i&gt;pas d’italique&lt;/i&gt; '
        "&#x27;x&#x27; &quot;y&quot;</div>" in page(client, post)
    )


def test_thread_markup_dates_author_and_reply_links(client, post, django_user_model):
    """Nesting, local dates in both languages, the badge and the reply links of the thread."""
    from django.template.defaultfilters import date
    from django.utils.timezone import localtime

    author = django_user_model.objects.create_user("ana", is_staff=True)
    winter = timezone.make_aware(timezone.datetime(2025, 1, 5, 8, 7, 9))
    summer = timezone.make_aware(timezone.datetime(2025, 7, 1, 23, 30))
    top = add_comment(post, user_name="Bob <b>", submit_date=winter, comment="Haut")
    reply = add_comment(post, parent_id=top.pk, user=author, submit_date=summer, comment="Bas")
    html = page(client, post)
    thread = html.split('id="comments"')[1].split('id="comment-form-title"')[0]
    assert thread.count("<ol ") == thread.count("</ol>") == 2
    assert thread.count("<li ") == thread.count("</li>") == 2
    replies = html.split(f'id="c{top.pk}"')[1].split('class="comment-list comment-list--replies"')
    assert f'<li class="comment comment--author" id="c{reply.pk}">' in replies[1]
    assert ">Auteur</span>" in replies[1] and ">Auteur</span>" not in replies[0]
    assert '<time datetime="2025-01-05T08:07:09+0100">5 janvier 2025, 08:07</time>' in html
    assert '<time datetime="2025-07-01T23:30:00+0200">1 juillet 2025, 23:30</time>' in html
    for comment in (top, reply):  # what the `date` filter would show
        local = localtime(comment.submit_date)
        iso, text = date(local, r"Y-m-d\TH:i:sO"), date(local, "j F Y, H:i")
        assert f'<time datetime="{iso}">{text}</time>' in html
    assert (
        f'<a href="/comments/reply/{top.pk}/#comment-form">Répondre'
        '<span class="visually-hidden"> à Bob &lt;b&gt;</span></a>' in html
    )
    assert f'href="/comments/report/{reply.pk}/" rel="nofollow"' in html
    english = client.get(f"/en/blog/{post.slug}/").content.decode()
    assert "5 January 2025, 08:07" in english
    assert f'href="/en/comments/reply/{top.pk}/#comment-form">Reply' in english


XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<b>gras</b>",
    "javascript:alert(1)",
    "'; DROP TABLE--",
    "<svg/onload=alert(1)>",
    "{{ 7|add:7 }}",
]


@pytest.mark.parametrize("payload", XSS)
def test_xss_typed_into_every_field_is_shown_escaped(client, post, send, payload):
    earn_trust(client, post, name=payload[:50])  # returning, from this browser: published at once
    data = form_data(
        post,
        name=payload[:50],
        comment=payload,
        url="https://example.org/?q=" + payload.replace(" ", "%20"),
    )
    send(data, ip="10.0.0.2")
    html = page(client, post)
    comment = XtdComment.objects.get(comment=payload)
    assert comment.is_public
    for dangerous in ("<script>alert", "<img src=x", "<svg/onload", "<b>gras"):
        assert dangerous not in html
    section = html.split('id="comments"')[1]
    if payload.startswith("{{"):
        assert payload in section  # shown as typed, never evaluated


def test_commenter_link_is_nofollow_ugc_without_target(client, post):
    add_comment(post, user_url="https://bob.example")
    html = page(client, post)
    assert '<a href="https://bob.example" rel="nofollow ugc noopener">Bob</a>' in html
    assert "target=" not in html.split('id="comments"')[1]


def test_javascript_url_is_refused(client, post, send):
    response = send(form_data(post, url="javascript:alert(1)"))
    assert response.status_code == 200
    assert not XtdComment.objects.exists()


def test_remember_me_stores_nothing_unless_ticked(client, post, send):
    response = send(form_data(post))
    assert "vitrine_commenter" not in response.cookies
    response = send(form_data(post, remember="on", comment="Deux"), ip="10.0.0.9")
    assert response.cookies["vitrine_commenter"]["httponly"]
    html = page(client, post)
    assert 'value="Alice Martin"' in html and 'value="alice@example.org"' in html
    assert 'name="remember" id="id_remember" checked' in html
    response = send(form_data(post, comment="Trois"), ip="10.0.0.8")
    assert response.cookies["vitrine_commenter"].value == ""  # unticked: forgotten


# Threads and the library's traps -----------------------------------------------


def test_replies_thread_up_to_three_levels(client, post, send):
    top = add_comment(post, user_email="alice@example.org", comment="Niveau 0")
    one = add_comment(post, parent_id=top.pk, comment="Niveau 1")
    two = add_comment(post, parent_id=one.pk, comment="Niveau 2")
    html = page(client, post)
    assert html.index("Niveau 0") < html.index("Niveau 1") < html.index("Niveau 2")
    assert f"/comments/reply/{one.pk}/" in html
    assert f"/comments/reply/{two.pk}/" not in html
    response = client.get(f"/comments/reply/{one.pk}/")
    assert response.status_code == 200
    assert f'name="reply_to" value="{one.pk}"' in response.content.decode()
    send(form_data(post, reply_to=str(one.pk), comment="Réponse"))
    reply = XtdComment.objects.get(comment="Réponse")
    assert (reply.level, reply.thread_id) == (2, top.pk)


def test_tampered_reply_to_beyond_max_depth_is_a_form_error_not_an_orphan(client, post, send):
    top = add_comment(post)
    one = add_comment(post, parent_id=top.pk)
    two = add_comment(post, parent_id=one.pk)
    before = XtdComment.objects.count()
    response = send(form_data(post, reply_to=str(two.pk), comment="Trop profond"))
    assert response.status_code == 200
    assert "Trop profond" in response.content.decode()
    assert XtdComment.objects.count() == before


def test_reply_to_a_comment_of_another_post_or_held_is_refused(client, post, make_post, send):
    other = add_comment(make_post())
    hidden = add_comment(post, is_public=False)
    for parent in (other, hidden):
        response = send(form_data(post, reply_to=str(parent.pk)))
        assert response.status_code == 200
    assert XtdComment.objects.count() == 2


def test_held_reply_stays_held_when_its_parent_is_saved_again(post):
    parent = add_comment(post)
    reply = add_comment(post, parent_id=parent.pk, is_public=False)
    parent.comment = "Modifié"
    parent.save()
    parent.is_public = True
    parent.save()
    reply.refresh_from_db()
    assert not reply.is_public


def test_nested_count_does_not_grow_on_resave(post):
    parent = add_comment(post)
    add_comment(post, parent_id=parent.pk)
    parent.refresh_from_db()
    count = parent.nested_count
    for _ in range(3):
        parent.save()
    parent.refresh_from_db()
    assert parent.nested_count == count == 1


def test_reply_of_a_hidden_comment_is_hidden(client, post):
    parent = add_comment(post, comment="Parent")
    add_comment(post, parent_id=parent.pk, comment="Enfant visible")
    parent.is_removed = True
    parent.save()
    html = page(client, post)
    assert "Enfant visible" not in html
    assert "0 commentaire<" in html


def test_our_templates_avoid_the_library_tags_that_count_held_comments():
    from pathlib import Path

    from django.conf import settings

    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text()
        for tag in (
            "get_xtdcomment_count",
            "render_last_xtdcomments",
            "get_last_xtdcomments",
            "can_receive_comments_from",
            "render_xtdcomment_tree",
            "gravatar",
        ):
            assert tag not in text, f"{template} uses {tag}"


def test_counts_leave_out_held_removed_and_spam_comments(client, post):
    """The heading, the blog's cards and the admin index count the same comments."""
    add_comment(post)
    add_comment(post, is_public=False)
    add_comment(post, is_removed=True)
    spam = add_comment(post, is_public=False)
    CommentReview.objects.create(comment=spam, is_spam=True)
    assert "1 commentaire<" in page(client, post)
    assert Post.objects.with_comment_count().get(pk=post.pk).comment_count == 1


def test_comments_open_unless_closed_by_the_author(client, make_post):
    from comments.moderation import comments_are_open

    assert comments_are_open(make_post())
    closed = make_post(is_open_for_comments=False)
    assert not comments_are_open(closed)
    assert 'name="comment"' not in page(client, closed)


def test_rest_api_and_email_confirmation_are_not_mounted(client, post):
    comment = add_comment(post)
    for url in (
        "/comments/api/comment/",
        f"/comments/api/content-type/blog.post/{post.pk}/",
        "/comments/api/feedback/",
        f"/comments/api/{comment.pk}/flag/",
        "/comments/confirm/abc/",
        "/comments/mute/abc/",
        f"/comments/flag/{comment.pk}/",
        f"/comments/like/{comment.pk}/",
        "/en/comments/api/comment/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"comment": "x"}).status_code == 404, url


def test_our_404_page_wins_over_the_library_one():
    from django.conf import settings
    from django.template.loader import get_template

    origin = get_template("404.html").origin.name
    assert origin.startswith(str(settings.BASE_DIR / "templates"))


def test_library_pages_use_our_markup():
    from django.template.loader import render_to_string

    for name in ("comments/posted.html", "django_comments_xtd/moderated.html"):
        html = render_to_string(name)
        assert "bootstrap" not in html.lower() and "gravatar" not in html.lower()
        assert "style=" not in html


# Reports, emails ---------------------------------------------------------------


def test_reports_are_limited_to_one_a_minute_per_address(client, post):
    first = add_comment(post, comment="Premier")
    second = add_comment(post, comment="Second")
    assert client.post(f"/comments/report/{first.pk}/").status_code == 200
    response = client.post(f"/comments/report/{second.pk}/")
    assert response.status_code == 429
    assert "Attendez une minute" in response.content.decode()
    second.refresh_from_db()
    assert second.is_public


@override_settings(EMAIL_BACKEND="tests.failing_mail.EmailBackend")
def test_a_failing_mail_server_never_loses_a_comment(client, post, send):
    add_comment(post, user_email="follower@example.org", followup=True)
    response = send(form_data(post))
    assert response.status_code == 302
    assert XtdComment.objects.filter(user_email="alice@example.org").exists()
    add_comment(post, user_email="bob2@example.org")
    response = send(form_data(post, email="bob2@example.org"), ip="10.0.0.5")
    assert response.status_code == 302
    assert XtdComment.objects.filter(user_email="bob2@example.org").count() == 2
    # The moderation notice waits for its next attempt (tests/test_outbox.py).
    assert OutgoingEmail.objects.unsent().filter(status="READY").count() == 2


def test_followers_are_emailed_and_can_unsubscribe(client, post, send):
    add_comment(post, user_email="follower@example.org", user_name="Fanny", followup=True)
    earn_trust(client, post)  # Alice is returning, from this browser
    send(form_data(post, comment="Nouvelle réponse"), ip="10.0.0.2")
    [message] = mail.outbox
    assert message.to == ["follower@example.org"]
    assert "Nouvelle réponse" in message.body
    link = next(w for w in message.body.split() if "/comments/unsubscribe/" in w)
    path = link.replace("http://127.0.0.1:8000", "")
    assert "Arrêter" in client.get(path).content.decode()
    assert client.post(path).status_code == 200
    assert not XtdComment.objects.filter(user_email="follower@example.org", followup=True).exists()
    assert client.get("/comments/unsubscribe/abc/").status_code == 400


def test_followers_are_emailed_when_a_held_comment_is_approved_later(post, send):
    add_comment(post, user_email="follower@example.org", followup=True)
    send(form_data(post, comment="Attendait"))
    assert [m.to for m in mail.outbox] == [["owner@localhost"]]
    comment = XtdComment.objects.get(comment="Attendait")
    from comments.admin import approve

    with __import__("django.test", fromlist=["TestCase"]).TestCase.captureOnCommitCallbacks(
        execute=True
    ):
        approve([comment])
    run_queue()
    assert [m.to for m in mail.outbox][-1] == ["follower@example.org"]
    assert "Attendait" in mail.outbox[-1].body


def test_spam_never_reaches_followers(post, send):
    add_comment(post, user_email="follower@example.org", followup=True)
    add_comment(post, user_email="alice@example.org")
    send(form_data(post, comment="viagra pas cher"))
    assert mail.outbox == []


# The author --------------------------------------------------------------------


@pytest.fixture
def author(django_user_model):
    return django_user_model.objects.create_user(
        "auteur", "auteur@example.org", "pw", is_staff=True, is_superuser=True, first_name="Ana"
    )


def test_author_replies_from_the_site_published_with_a_badge(client, post, author, send):
    parent = add_comment(post)
    client.force_login(author)
    html = page(client, post)
    assert 'value="Ana"' in html
    send(form_data(post, name="", email="", reply_to=str(parent.pk), comment="Merci Bob"))
    reply = XtdComment.objects.get(comment="Merci Bob")
    assert reply.is_public and reply.user == author
    html = page(Client(), post)
    assert "Merci Bob" in html and ">Auteur</span>" in html


def test_author_is_not_held_by_the_flood_interval(client, post, author, send):
    client.force_login(author)
    for number in range(3):
        response = send(form_data(post, name="", email="", comment=f"Réponse {number}"))
        assert response.status_code == 302
    assert XtdComment.objects.filter(user=author, is_public=True).count() == 3


def test_a_forged_forwarded_address_is_not_stored(client, post, send):
    response = send(form_data(post), ip="not-an-address")
    assert response.status_code == 302
    assert XtdComment.objects.get().ip_address is None


def test_admin_queue_filters_count_and_one_click_approve(client, post, author):
    held_comment = add_comment(post, is_public=False, comment="Texte-attente")
    spam = add_comment(post, is_public=False, comment="Texte-pourriel")
    CommentReview.objects.create(comment=spam, is_spam=True)
    add_comment(post, is_removed=True, comment="Texte-retiré")
    add_comment(post, comment="Texte-publié")
    pass_second_factor(client, author)
    index = client.get("/admin/").content.decode()
    assert "1 commentaire en attente de modération" in index, index[
        index.find('<div id="content"') :
    ][:600]
    base = "/admin/comments/comment/"
    for queue, shown, hidden in (
        ("pending", "Texte-attente", "Texte-pourriel"),
        ("spam", "Texte-pourriel", "Texte-attente"),
        ("removed", "Texte-retiré", "Texte-publié"),
        ("approved", "Texte-publié", "Texte-retiré"),
    ):
        html = client.get(f"{base}?queue={queue}").content.decode()
        assert shown in html and hidden not in html, queue
    assert "Texte-attente" in client.get(f"{base}?q=Un+billet").content.decode()
    response = client.post(f"{base}{held_comment.pk}/approve/")
    assert response.status_code == 302
    held_comment.refresh_from_db()
    assert held_comment.is_public


def test_approving_is_a_post_with_a_csrf_token(post, author):
    comment = add_comment(post, is_public=False)
    browser = Client(enforce_csrf_checks=True)
    pass_second_factor(browser, author)
    url = f"/admin/comments/comment/{comment.pk}/approve/"
    assert browser.get(url).status_code == 405
    assert browser.post(url).status_code == 403  # no CSRF token
    comment.refresh_from_db()
    assert not comment.is_public


@pytest.mark.parametrize(
    "referer, back_to",
    [
        ("http://testserver/admin/comments/comment/?queue=pending", "?queue=pending"),
        ("https://evil.example/admin/comments/comment/", None),
        ("http://testserver/elsewhere/?next=/admin/comments/comment/", None),
        ("//evil.example/admin/comments/comment/", None),
    ],
)
def test_approving_goes_back_to_the_queue_never_elsewhere(client, post, author, referer, back_to):
    comment = add_comment(post, is_public=False)
    pass_second_factor(client, author)
    response = client.post(f"/admin/comments/comment/{comment.pk}/approve/", HTTP_REFERER=referer)
    queue = "/admin/comments/comment/"
    assert response["Location"] in ({referer} if back_to else {queue, f"http://testserver{queue}"})


def test_admin_bulk_actions(client, post, author):
    one = add_comment(post, is_public=False)
    two = add_comment(post, is_public=False)
    pass_second_factor(client, author)
    base = "/admin/comments/comment/"
    client.post(base, {"action": "mark_spam", "_selected_action": [one.pk]})
    assert CommentReview.objects.get(comment=one).is_spam
    client.post(base, {"action": "approve_selected", "_selected_action": [one.pk, two.pk]})
    assert XtdComment.objects.filter(is_public=True).count() == 2
    client.post(base, {"action": "remove", "_selected_action": [two.pk]})
    two.refresh_from_db()
    assert two.is_removed


def test_admin_exports_and_erases_everything_for_an_email(client, post, author):
    mine = add_comment(post, user_email="Alice@example.org", ip_address="10.1.1.1")
    add_comment(post, user_email="alice@example.org", comment="Second")
    add_comment(post, user_email="other@example.org")
    pass_second_factor(client, author)
    base = "/admin/comments/comment/"
    response = client.post(base, {"action": "export_for_emails", "_selected_action": [mine.pk]})
    import json

    data = json.loads(response.content)
    assert len(data["comments"]) == 2 and data["comments"][0]["ip_address"] == "10.1.1.1"
    client.post(base, {"action": "erase_for_emails", "_selected_action": [mine.pk]})
    assert list(XtdComment.objects.values_list("user_email", flat=True)) == ["other@example.org"]


def test_a_new_comment_drops_old_addresses(post, send):
    old = add_comment(post, ip_address="10.0.0.7", submit_date=timezone.now() - timedelta(days=31))
    send(form_data(post))
    old.refresh_from_db()
    assert old.ip_address is None
    assert XtdComment.objects.get(user_email="alice@example.org").ip_address == "10.0.0.1"


def test_purge_comment_ips_drops_old_addresses(post):
    from django.core.management import call_command

    old = add_comment(post, ip_address="10.0.0.1", submit_date=timezone.now() - timedelta(days=40))
    new = add_comment(post, ip_address="10.0.0.2")
    call_command("purge_comment_ips", stdout=__import__("io").StringIO())
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.ip_address is None and new.ip_address == "10.0.0.2"


# Query counts ------------------------------------------------------------------


def add_threads(post, count):
    made = 0
    while made < count:
        top = add_comment(post, comment=f"Fil {made}")
        made += 1
        parent = top
        for _level in (1, 2):
            if made >= count:
                break
            parent = add_comment(post, parent_id=parent.pk, comment=f"Réponse {made}")
            made += 1


@override_settings(PAGE_CACHE_SECONDS=0)
def test_post_page_queries_do_not_grow_with_comments(client, make_post, django_assert_num_queries):
    """0, 10 and 300 threaded comments: the same number of queries.

    The count at 0 comments is measured (the blog owns the rest of the page);
    the comment section itself is one query.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    posts = []
    for size in (0, 10, 300):
        post = make_post()
        add_threads(post, size)
        posts.append((post, size))
    client.get(posts[0][0].get_absolute_url())  # warm caches (content types, site)
    # Each page rendered afresh, as after a change: a kept thread (fragments) skips the fetch.
    page_cache.invalidate_pages()
    with CaptureQueriesContext(connection) as baseline:
        client.get(posts[0][0].get_absolute_url())
    comment_queries = [q for q in baseline.captured_queries if "django_comments_xtd" in q["sql"]]
    assert len(comment_queries) == 2  # the count annotation (blog) and our one fetch
    for post, size in posts:
        page_cache.invalidate_pages()
        with django_assert_num_queries(len(baseline)):
            response = client.get(post.get_absolute_url())
        # Threads of three: the first page holds COMMENTS_PER_PAGE of them (tests/test_comment_pages.py).
        shown = min(size, 3 * settings.COMMENTS_PER_PAGE)
        assert response.content.decode().count('<li class="comment') == shown


def test_admin_change_page_and_view_on_site(client, post, author):
    comment = add_comment(post, comment="À relire")
    pass_second_factor(client, author)
    response = client.get(f"/admin/comments/comment/{comment.pk}/change/")
    assert response.status_code == 200
    assert "À relire" in response.content.decode()
    found = client.get("/admin/comments/comment/?q=bob%40example.org")
    assert "À relire" in found.content.decode()
    # "View on site" goes to the comment on its post (the library's own link is not mounted).
    assert f'href="/blog/un-billet/#c{comment.pk}"' in response.content.decode()


def test_english_visitor_posts_and_lands_on_the_english_post(client, post, send):
    html = client.get(f"/en/blog/{post.slug}/").content.decode()
    assert 'action="/en/comments/post/"' in html
    assert "Your email address will not be published. Required fields are marked *." in html
    with translation.override("en"):
        response = client.post("/en/comments/post/", form_data(post), REMOTE_ADDR="10.0.0.3")
    comment = XtdComment.objects.get()
    assert response["Location"] == f"/en/blog/{post.slug}/#c{comment.pk}"
    html = client.get(response["Location"]).content.decode()
    assert "Your comment is awaiting moderation." in html


def test_the_library_admin_addresses_lead_to_our_queue(client, post, author):
    comment = add_comment(post)
    pass_second_factor(client, author)
    old = client.get("/admin/django_comments_xtd/xtdcomment/?queue=pending")
    assert old["Location"] == "/admin/comments/comment/?queue=pending"
    old = client.get(f"/admin/django_comments_xtd/xtdcomment/{comment.pk}/change/")
    assert old["Location"] == f"/admin/comments/comment/{comment.pk}/change/"
    index = client.get("/admin/").content.decode()
    assert "/admin/django_comments_xtd/xtdcomment/" not in index


def test_demo_has_threads_pending_and_spam_and_runs_twice(demo):
    from django.core.management import call_command

    comments = XtdComment.objects.all()
    assert comments.filter(is_public=True, level=2).exists()
    assert comments.filter(is_public=False, review__is_spam=False).count() >= 2
    assert comments.filter(review__is_spam=True).exists()
    count = comments.count()
    call_command("demo", stdout=__import__("io").StringIO())
    assert XtdComment.objects.count() == count


def test_draft_post_or_held_comment_cannot_be_answered(client, make_post, post, send):
    draft = make_post(status=Post.Status.DRAFT)
    response = send(form_data(draft, comment="Sur un brouillon"))
    assert response.status_code == 404
    assert "Sur un brouillon" in response.content.decode()
    held_comment = add_comment(post, is_public=False)
    assert client.get(f"/comments/reply/{held_comment.pk}/").status_code == 404
    assert client.get(f"/comments/report/{held_comment.pk}/").status_code == 404
    assert client.get("/comments/post/").status_code == 405


# Trust in the conversation (issue 16) --------------------------------------------


def report(client, comment, ip="10.0.0.1"):
    return client.post(f"/comments/report/{comment.pk}/", REMOTE_ADDR=ip)


def test_a_report_alerts_the_author_and_hides_nothing(
    client, post, author, django_capture_on_commit_callbacks
):
    comment = add_comment(post, comment="Douteux")
    add_comment(post, parent_id=comment.pk, comment="Réponse au douteux")
    with django_capture_on_commit_callbacks(execute=True):
        response = report(client, comment)
        second = report(Client(), comment, ip="10.0.0.2")
    run_queue()
    assert response.status_code == second.status_code == 200
    assert "Merci" in response.content.decode()
    html = page(Client(), post)
    assert "Douteux" in html and "Réponse au douteux" in html and "2 commentaires<" in html
    [message] = mail.outbox  # the first report alerts; the next ones add to the count
    assert message.to == ["owner@localhost"] and "signalé" in message.subject
    assert "Douteux" in message.body
    assert f"/admin/comments/comment/{comment.pk}/change/" in message.body
    pass_second_factor(client, author)
    queue = client.get("/admin/comments/comment/?queue=reported").content.decode()
    assert "Douteux" in queue and "Réponse au douteux" not in queue
    assert "signalé 2 fois" in queue


def test_a_comment_kept_after_a_report_cannot_be_reported_until_edited(
    post, author, django_capture_on_commit_callbacks
):
    comment = add_comment(post, comment="Franc mais correct")
    assert report(Client(), comment).status_code == 200
    admin = Client()
    pass_second_factor(admin, author)
    admin.post(f"/admin/comments/comment/{comment.pk}/approve/")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = report(Client(), comment, ip="10.0.0.2")
    run_queue()
    assert again.status_code == 200
    assert "déjà examiné" in again.content.decode()
    assert mail.outbox == []
    assert CommentReview.objects.get(comment=comment).report_count == 0
    assert comment.reports.count() == 1
    queue = admin.get("/admin/comments/comment/?queue=reported").content.decode()
    assert "Franc mais correct" not in queue
    # Edited by the author: what is shown changed, so it can be reported again.
    change = f"/admin/comments/comment/{comment.pk}/change/"
    fields = {
        "user_name": "Bob",
        "user_email": "bob@example.org",
        "user_url": "",
        "comment": "Franc, et reformulé",
        "is_public": "on",
    }
    assert admin.post(change, fields).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert report(Client(), comment, ip="10.0.0.3").status_code == 200
    run_queue()
    assert CommentReview.objects.get(comment=comment).report_count == 1
    assert len(mail.outbox) == 1


def earn_trust(browser, post, email="alice@example.org", ip="10.0.0.1", name="Alice Martin"):
    """`browser` posts a comment under `email` and the author approves it."""
    from comments.admin import approve

    data = form_data(post, name=name, email=email, comment="Premier")
    browser.post("/comments/post/", data, REMOTE_ADDR=ip)
    approve([XtdComment.objects.get(user_email=email, comment="Premier")])


def test_a_known_email_without_proof_from_this_browser_is_held(client, post, send):
    add_comment(post, user_name="Alice Martin", user_email="alice@example.org")
    send(form_data(post, comment="Encore moi, en apparence"))
    comment = XtdComment.objects.get(comment="Encore moi, en apparence")
    assert not comment.is_public
    assert comment.review.reason == "known email, no proof from this browser"


def test_a_browser_whose_comment_was_approved_is_trusted_for_that_email(client, post, send):
    earn_trust(client, post)
    response = send(form_data(post, comment="Deuxième"), ip="10.0.0.2")
    assert XtdComment.objects.get(comment="Deuxième").is_public
    proof = response.cookies["vitrine_approved"]
    assert proof["httponly"] and "alice" not in proof.value.split(":")[0].lower()
    # Another browser typing the same name and email is held.
    Client().post("/comments/post/", form_data(post, comment="Usurpé"), REMOTE_ADDR="10.0.0.3")
    assert not XtdComment.objects.get(comment="Usurpé").is_public
    # The proof cookie alone (no pending cookie any more) still vouches for alice@.
    fresh = Client()
    fresh.cookies["vitrine_approved"] = proof.value
    fresh.post("/comments/post/", form_data(post, comment="Troisième"), REMOTE_ADDR="10.0.0.4")
    assert XtdComment.objects.get(comment="Troisième").is_public
    # ... and for no other email.
    fresh.post(
        "/comments/post/",
        form_data(post, email="bob@example.org", comment="Pas Bob"),
        REMOTE_ADDR="10.0.0.5",
    )
    assert not XtdComment.objects.get(comment="Pas Bob").is_public


@pytest.fixture
def owner(author):
    from blog.models import Author
    from portfolio.models import Profile

    Profile.objects.create(
        full_name="Nathalie Rousseau", headline="Conseil", contact_email="nathalie@example.net"
    )
    Author.objects.create(name="N. Rousseau", is_site_owner=True)
    author.last_name = "Auteur"
    author.save()
    return author


@pytest.mark.parametrize(
    "name, email, reason",
    [
        ("Nathalie Rousseau", "mallory@example.org", "the owner’s name"),
        ("  nathalie   ROUSSEAU ", "mallory@example.org", "the owner’s name"),
        ("Nathalie Rousséau", "mallory@example.org", "the owner’s name"),
        ("N. Rousseau", "mallory@example.org", "the owner’s name"),
        ("Ana Auteur", "mallory@example.org", "the owner’s name"),
        ("auteur", "mallory@example.org", "the owner’s name"),
        ("Mallory", "owner@localhost", "the owner’s email"),
        ("Mallory", "Auteur@Example.org", "the owner’s email"),
        ("Mallory", "nathalie@example.net", "the owner’s email"),
    ],
)
def test_the_owner_s_name_or_email_from_a_visitor_is_always_held(
    client, post, owner, send, name, email, reason
):
    earn_trust(client, post, email=email)  # even from a browser trusted for that email
    send(form_data(post, name=name, email=email, comment="Signé du patron"), ip="10.0.0.2")
    comment = XtdComment.objects.get(comment="Signé du patron")
    assert not comment.is_public
    assert comment.review.reason == f"uses {reason}"
    admin = Client()
    pass_second_factor(admin, owner)
    assert f"uses {reason}" in admin.get("/admin/comments/comment/?queue=pending").content.decode()
    from comments.admin import approve

    approve([comment])  # even approved, it is a visitor's comment: no badge
    html = page(Client(), post)
    assert "Signé du patron" in html and ">Auteur</span>" not in html


def test_a_resubmission_never_reveals_someone_else_s_pending_comment(post):
    victim = Client()
    data = form_data(post, email="victime@example.org", comment="Mon texte exact")
    victim.post(
        "/comments/post/", {**data, "url": "https://victime.example"}, REMOTE_ADDR="10.1.1.1"
    )
    attacker = Client()
    response = attacker.post("/comments/post/", data, REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 302
    html = attacker.get(response["Location"]).content.decode()
    assert "victime.example" not in html
    assert XtdComment.objects.filter(comment="Mon texte exact").count() == 2
    assert "victime.example" in page(victim, post)  # the victim still sees their own


def test_a_resubmission_of_someone_else_s_text_does_not_skip_the_flood_interval(post, send):
    add_comment(post, is_public=False, user_email="victime@example.org", comment="Leur texte")
    assert send(form_data(post, comment="Le mien")).status_code == 302
    response = send(form_data(post, email="victime@example.org", comment="Leur texte"))
    assert response.status_code == 429
    assert XtdComment.objects.filter(comment="Leur texte").count() == 1


def followup_link(post, capture):
    """The unsubscribe path mailed to follower@example.org when a comment is published."""
    from comments.admin import approve

    add_comment(post, user_email="follower@example.org", user_name="Fanny", followup=True)
    held_comment = add_comment(post, is_public=False, comment="Publié plus tard")
    with capture(execute=True):
        approve([held_comment])
    run_queue()
    [message] = [m for m in mail.outbox if m.to == ["follower@example.org"]]
    link = next(w for w in message.body.split() if "/comments/unsubscribe/" in w)
    return link.replace("http://127.0.0.1:8000", "")


def test_unsubscribe_links_are_opaque_never_cached_and_expire_politely(
    post, django_capture_on_commit_callbacks
):
    path = followup_link(post, django_capture_on_commit_callbacks)
    token = path.rstrip("/").rsplit("/", 1)[1]
    payload = token.split(":")[0].lstrip(".")  # signing.dumps: payload:timestamp:signature
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert b"follower" not in decoded and b"@" not in decoded and "follower" not in path
    with override_settings(PAGE_CACHE_SECONDS=600):
        first = Client().get(path)
        second = Client().get(path)
    assert first.status_code == 200 and "follower@example.org" in first.content.decode()
    for response in (first, second):
        assert {"private", "no-store"} <= {
            part.strip() for part in response["Cache-Control"].split(",")
        }
        assert response.get("X-Cache") != "HIT"
    with time_machine.travel(timezone.now() + timedelta(days=366)):
        expired = Client().get(path)
        refused = Client().post(path)
    assert expired.status_code == refused.status_code == 410
    assert "expiré" in expired.content.decode()
    assert "follower@example.org" not in expired.content.decode()
    assert XtdComment.objects.get(user_email="follower@example.org").followup
    assert Client().post(path).status_code == 200
    assert not XtdComment.objects.get(user_email="follower@example.org").followup
