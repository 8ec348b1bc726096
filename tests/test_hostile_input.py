"""The Big List of Naughty Strings, typed into every public field, comes back escaped and intact.

The corpus (464 strings: script tags, SQL, format strings, RTL overrides, emoji,
control characters, …) is vendored in tests/data (MIT, see tests/data/README.md).
Here, through Django's client: every string is posted to the comment form
(name, website, text), the contact form (name, organization, subject,
message) and the search box; what was accepted is stored as typed, and every
page, feed and admin page that shows it answers without error and never
contains it unescaped. tests/test_browser_security.py then opens those pages in
Chromium and checks that nothing runs.
"""

import base64
import json
import re
import xml.dom.minidom
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

CORPUS_FILE = Path(__file__).resolve().parent / "data" / "blns.base64.json"
# Markup that must never reach a page as markup.
ACTIVE = re.compile(r"<\s*(script|svg|img|iframe|object|embed|body|a\s|div|input)", re.I)


def load_corpus():
    strings = []
    for encoded in json.loads(CORPUS_FILE.read_text()):
        text = base64.b64decode(encoded).decode("utf-8", errors="replace").rstrip("\n")
        if text.strip():
            strings.append(text)
    return strings


CORPUS = load_corpus()
DANGEROUS = [text for text in CORPUS if ACTIVE.search(text)]

LIMITS_OFF = {
    "COMMENTS_FLOOD_SECONDS": 0,
    "COMMENTS_MIN_FILL_SECONDS": 0,
    "CONTACT_MIN_FILL_SECONDS": 0,
    "CONTACT_RATE_LIMIT": 100_000,
    "COMMENTS_DISALLOWED_WORDS": [],
    "COMMENTS_MAX_LINKS": 100,
    "PAGE_CACHE_SECONDS": 0,
}


def test_the_corpus_is_the_maintained_list_not_a_handful():
    assert len(CORPUS) > 400
    assert len(DANGEROUS) > 50
    assert "<script>alert(123)</script>" in CORPUS


def assert_inert(body, where):
    """No corpus payload appears as live markup in `body`."""
    for text in DANGEROUS:
        if text in body:
            raise AssertionError(f"{where}: unescaped payload {text!r}")


def comment_post():
    from blog.models import Post

    return (
        Post.objects.published().filter(is_open_for_comments=True).order_by("-published_at").first()
    )


def post_comments(client, post, strings):
    """Post each string as name, website and text; returns the texts the form accepted."""
    from comments.forms import CommentForm

    accepted = []
    for number, text in enumerate(strings):
        data = dict(CommentForm(post).initial)
        data.update(
            name=text[:50],
            email=f"hostile{number}@example.net",
            url=text if text.startswith("http") else "",
            comment=text,
            honeypot="",
            reply_to=0,
        )
        response = client.post(reverse("comments:post"), data)
        assert response.status_code < 500, (text, response.status_code)
        if response.status_code == 302:
            accepted.append(text)
        else:
            assert_inert(response.content.decode(), f"comment form redisplay for {text!r}")
    return accepted


def send_messages(client, strings):
    from portfolio.forms import start_token

    accepted = []
    for number, text in enumerate(strings):
        response = client.post(
            reverse("portfolio:contact"),
            {
                "name": text[:120],
                "email": f"hostile{number}@example.com",
                "organization": text[:150],
                "subject": text[:150],
                "message": f"Message {number}: {text}",
                "website": "",
                "started": start_token(),
            },
        )
        assert response.status_code < 500, (text, response.status_code)
        if response.status_code == 302:
            accepted.append(text)
        else:
            assert_inert(response.content.decode(), f"contact form redisplay for {text!r}")
    return accepted


@pytest.mark.django_db
@override_settings(**LIMITS_OFF)
def test_comment_fields_store_the_corpus_as_typed_and_show_it_escaped(client, demo):
    from django_comments_xtd.models import XtdComment

    post = comment_post()
    before = XtdComment.objects.count()
    accepted = post_comments(client, post, CORPUS)
    # Strings with a NUL byte or only invisible characters may be refused, nothing else.
    assert len(accepted) > len(CORPUS) * 0.9
    stored = list(XtdComment.objects.order_by("pk").values_list("comment", flat=True))[before:]
    assert len(stored) == len(accepted)
    for text, kept in zip(accepted, stored, strict=True):
        assert kept.strip() == text.strip(), (text, kept)

    XtdComment.objects.update(is_public=True, is_removed=False)
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    # Shown as typed (checked on the rendered text in Chromium); never as markup.
    assert_inert(response.content.decode(), "post page with every comment")

    # Feeds, sitemap and the JSON resume stay well-formed with all of it in the database.
    for name in ("blog:feed_rss", "blog:feed_atom", "sitemap"):
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        response = client.get(url)
        assert response.status_code == 200, name
        xml.dom.minidom.parseString(response.content)
    response = client.get(reverse("portfolio:resume_json"))
    assert response.status_code == 200
    json.loads(response.content)


@pytest.mark.django_db
@override_settings(**LIMITS_OFF)
def test_contact_fields_store_the_corpus_as_typed(client, admin_client):
    from portfolio.models import ContactMessage

    accepted = send_messages(client, CORPUS)
    assert len(accepted) > len(CORPUS) * 0.9
    subjects = set(ContactMessage.objects.values_list("subject", flat=True))
    for text in accepted:
        assert " ".join(text[:150].split()) in {" ".join(s.split()) for s in subjects} or (
            text[:150].strip() in subjects
        ), text

    # The author reads them in the admin: list and every change page of a dangerous one.
    changelist = admin_client.get(reverse("admin:portfolio_contactmessage_changelist"))
    assert changelist.status_code == 200
    assert_inert(changelist.content.decode(), "admin message list")
    for message in ContactMessage.objects.filter(subject__contains="<")[:40]:
        page = admin_client.get(reverse("admin:portfolio_contactmessage_change", args=[message.pk]))
        assert page.status_code == 200
        assert_inert(page.content.decode(), f"admin message {message.pk}")


@pytest.mark.django_db
def test_search_echoes_every_string_escaped(client):
    try:
        url = reverse("blog:search")
    except NoReverseMatch:
        pytest.skip("no search page yet")
    for text in CORPUS:
        response = client.get(url, {"q": text})
        assert response.status_code == 200, text
        assert_inert(response.content.decode(), f"search for {text!r}")


@pytest.mark.django_db
@override_settings(**LIMITS_OFF)
def test_the_website_field_never_becomes_a_script_link(client, demo):
    """Every corpus string with a scheme-like or markup character, as the commenter's website."""
    from django_comments_xtd.models import XtdComment

    from comments.forms import CommentForm

    post = comment_post()
    candidates = [text for text in CORPUS if re.search(r"[:/<\"'\\\\]", text)]
    candidates += [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>1</script>",
    ]
    for number, text in enumerate(candidates):
        data = dict(CommentForm(post).initial)
        data.update(
            name=f"Site {number}",
            email=f"site{number}@example.net",
            url=text,
            comment="A comment with a website.",
            honeypot="",
            reply_to=0,
        )
        response = client.post(reverse("comments:post"), data)
        assert response.status_code < 500, text
        if response.status_code != 302:
            assert_inert(response.content.decode(), f"website {text!r}")
    accepted = XtdComment.objects.exclude(user_url="").count()
    assert 0 < accepted < len(candidates)  # some are real URLs, the script ones are refused
    XtdComment.objects.update(is_public=True)
    body = client.get(post.get_absolute_url()).content.decode()
    hrefs = re.findall(r'href\s*=\s*["\']?\s*([^"\' >]+)', body, re.I)
    assert not [href for href in hrefs if re.match(r"(java|vb)script:|data:", href, re.I)]
    assert_inert(body, "post page with hostile websites")
