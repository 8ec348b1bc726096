"""No private email address leaks into anything the public can fetch.

The owner's addresses (profile contact email, OWNER_EMAIL, the admin user's) and
every commenter's and sender's address are planted, then every public response
is grepped for them: crawled pages in both languages, feeds, sitemap, robots,
JSON resume, vCard, the CV's text, error pages, the pages a visitor sees after
posting a comment or a message.
"""

import io
import re
from urllib.parse import quote

import pytest
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from tests.test_security_headers import crawl, named_extras

OWNER = "owner.private@example.org"
PROFILE = "profile.private@example.org"
ADMIN = "admin.private@example.org"
COMMENTERS = [f"commenter{n}.private@example.net" for n in range(3)]
SENDER = "recruiter.private@example.com"
LIMITS_OFF = {
    "COMMENTS_FLOOD_SECONDS": 0,
    "COMMENTS_MIN_FILL_SECONDS": 0,
    "CONTACT_MIN_FILL_SECONDS": 0,
    "OWNER_EMAIL": OWNER,
    "COMMENTS_XTD_CONTACT_EMAIL": OWNER,
}


def text_of(response):
    body = b"".join(response) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        from pypdf import PdfReader

        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", errors="replace")


def leaks(text, addresses):
    found = []
    lowered = text.lower()
    for address in addresses:
        local, _, domain = address.partition("@")
        forms = {address, quote(address), f"{local}&#64;{domain}", f"{local}%40{domain}"}
        if any(form.lower() in lowered for form in forms) or re.search(
            re.escape(local) + r"\s*(\[at\]|\(at\)|&#x40;)", lowered
        ):
            found.append(address)
    return found


@pytest.mark.django_db
@override_settings(**LIMITS_OFF)
def test_no_private_email_in_any_public_response(client, demo, django_user_model):
    from django_comments_xtd.models import XtdComment

    from comments.forms import CommentForm
    from portfolio.forms import start_token
    from portfolio.models import Profile
    from tests.test_hostile_input import comment_post

    Profile.objects.update(contact_email=PROFILE, is_email_in_vcard=False)
    django_user_model.objects.create_superuser("author", ADMIN, "pw")
    post = comment_post()
    visitor_pages = {}

    # Commenters post through the form: one approved, one pending, one reply.
    for number, address in enumerate(COMMENTERS):
        data = dict(CommentForm(post).initial)
        data.update(
            name=f"Commenter {number}",
            email=address,
            url="https://example.net/",
            comment=f"A thoughtful comment number {number}.",
            honeypot="",
            reply_to=0,
            followup="on",
        )
        response = client.post(reverse("comments:post"), data, follow=True)
        visitor_pages[f"after comment {number}"] = response
    XtdComment.objects.filter(user_email=COMMENTERS[0]).update(is_public=True)
    response = client.post(
        reverse("portfolio:contact"),
        {
            "name": "Recruiter",
            "email": SENDER,
            "subject": "Mission",
            "message": "A six-month assignment in Lyon, starting in March.",
            "website": "",
            "started": start_token(),
        },
        follow=True,
    )
    visitor_pages["after contact"] = response

    # A fresh visitor (no cookie of the commenters) reads everything public.
    reader = Client()
    responses = crawl(reader, ["/", "/en/", post.get_absolute_url()])
    for path in named_extras():
        responses.setdefault(path, reader.get(path))
    for name in ("portfolio:vcard", "portfolio:cv_pdf", "portfolio:resume_json"):
        try:
            responses[name] = reader.get(reverse(name))
        except NoReverseMatch:
            pass
    responses["csrf failure"] = Client(enforce_csrf_checks=True).post(
        reverse("portfolio:contact"), {"name": "x"}
    )
    responses.update(visitor_pages)
    # The planted data is really on show: the approved comment, by name, without its address.
    assert "A thoughtful comment number 0." in text_of(responses[post.get_absolute_url()])
    addresses = [OWNER, PROFILE, ADMIN, *COMMENTERS, SENDER]
    assert len(responses) > 15
    found = {
        where: leaked
        for where, response in responses.items()
        if (leaked := leaks(text_of(response), addresses))
    }
    assert found == {}, found


@pytest.mark.django_db
def test_vcard_carries_the_email_only_when_the_owner_opts_in(client, demo):
    from portfolio.models import Profile

    Profile.objects.update(contact_email=PROFILE, is_email_in_vcard=False)
    assert PROFILE not in client.get(reverse("portfolio:vcard")).content.decode()
    Profile.objects.update(is_email_in_vcard=True)
    from django.core.cache import cache

    cache.clear()
    assert PROFILE in client.get(reverse("portfolio:vcard")).content.decode()
