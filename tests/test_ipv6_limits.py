"""Per-address limits count an IPv6 client by its /64 (issue 16, finding 11).

One home connection or one server gets a whole /64: counting single IPv6 addresses would
let one client walk past every limit (comment flood, reports, contact rate, admin login).
IPv4 addresses still count one by one.
"""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django_comments.forms import CommentSecurityForm
from django_comments_xtd.models import XtdComment

from portfolio.core.security import limit_key
from portfolio.forms import TIMESTAMP_SALT
from portfolio.models import ContactMessage

pytestmark = pytest.mark.django_db

SAME_64 = ["2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe"]
NEXT_64 = "2001:db8:1:3::1"
IPV4 = ["192.0.2.1", "192.0.2.2"]


def test_the_limit_key_is_the_ipv6_64_and_the_ipv4_address():
    assert limit_key(SAME_64[0]) == limit_key(SAME_64[1]) == "2001:db8:1:2::"
    assert limit_key(NEXT_64) != limit_key(SAME_64[0])
    assert limit_key(IPV4[0]) == "192.0.2.1" != limit_key(IPV4[1])
    assert limit_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert limit_key("not an address") == "not an address"


def comment_data(post, text):
    form = CommentSecurityForm(post)
    timestamp = str(int(time.time()) - 60)
    return {
        "content_type": "blog.post",
        "object_pk": str(post.pk),
        "timestamp": timestamp,
        "security_hash": form.generate_security_hash("blog.post", str(post.pk), timestamp),
        "name": "Alice Martin",
        "email": "alice@example.org",
        "url": "",
        "comment": text,
        "reply_to": "0",
        "honeypot": "",
    }


def test_two_addresses_of_one_64_share_the_comment_flood_interval(client, make_post):
    post = make_post(title="Un billet", slug="un-billet")
    send = lambda text, ip: client.post("/comments/post/", comment_data(post, text), REMOTE_ADDR=ip)  # noqa: E731
    assert send("Un", SAME_64[0]).status_code == 302
    assert send("Deux", SAME_64[1]).status_code == 429
    assert send("Trois", NEXT_64).status_code == 302
    assert send("Quatre", IPV4[0]).status_code == 302
    assert send("Cinq", IPV4[1]).status_code == 302
    assert XtdComment.objects.count() == 4
    # What is stored is the address itself: the moderator sees who sent it.
    assert set(XtdComment.objects.values_list("ip_address", flat=True)) >= {SAME_64[0]}


def test_two_addresses_of_one_64_share_the_report_limit(client, make_post):
    post = make_post(title="Un billet", slug="un-billet")
    comments = [
        XtdComment.objects.create(
            content_type=ContentType.objects.get_for_model(post),
            object_pk=str(post.pk),
            site_id=settings.SITE_ID,
            user_name="Bob",
            user_email="bob@example.org",
            comment=f"Texte {n}",
            submit_date=timezone.now() - timedelta(hours=1),
            is_public=True,
        )
        for n in range(2)
    ]
    report = lambda comment, ip: client.post(f"/comments/report/{comment.pk}/", REMOTE_ADDR=ip)  # noqa: E731
    assert report(comments[0], SAME_64[0]).status_code in (200, 302)
    assert report(comments[1], SAME_64[1]).status_code == 429
    assert report(comments[1], NEXT_64).status_code in (200, 302)


def contact(client, ip):
    data = {
        "name": "Léa Recruteuse",
        "email": "lea@example.org",
        "organization": "",
        "subject": "Mission",
        "message": "Bonjour, une mission de six mois vous intéresserait-elle ?",
        "started": signing.dumps(time.time() - 60, salt=TIMESTAMP_SALT),
        "website": "",
    }
    return client.post("/en/contact/", data, REMOTE_ADDR=ip)


def test_two_addresses_of_one_64_share_the_contact_rate(client, settings):
    settings.CONTACT_RATE_LIMIT = 1
    settings.CONTACT_RATE_WINDOW = 600
    assert contact(client, SAME_64[0]).status_code == 302
    assert contact(client, SAME_64[1]).status_code == 429
    assert contact(client, NEXT_64).status_code == 302
    assert contact(client, IPV4[0]).status_code == 302
    assert contact(client, IPV4[1]).status_code == 302
    assert ContactMessage.objects.count() == 4


def test_login_failures_from_one_64_lock_it_together(client, django_user_model):
    django_user_model.objects.create_superuser("author", "author@example.org", "pw-123456789")

    def login(password, address):
        return client.post(
            reverse("admin:login"),
            {"username": "author", "password": password, "next": reverse("admin:index")},
            REMOTE_ADDR=address,
        )

    for n in range(settings.AXES_FAILURE_LIMIT):
        login("wrong", f"2001:db8:1:2::{n + 1:x}")
    assert login("pw-123456789", "2001:db8:1:2::abcd").status_code == 429
    assert login("pw-123456789", NEXT_64).status_code == 302
