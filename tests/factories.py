"""What tests build and measure, defined once: `make_post(**fields)` and `count_queries`."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from blog.models import Post, RichText
from portfolio.core import page_cache


def make_post(title=None, text="", *, tags=(), **fields):
    """A post published a day ago, with its tags and, given `text`, a rich text block.

    Without a title, one is made from the slug ("a-paraitre" → "A Paraitre"), else "Un
    billet"; without a slug, it is "un-billet", or "un-billet-2" when that one is taken.
    Nothing is committed: what waits for the commit (the search index, the page cache's
    invalidation) waits, as in the admin's own transaction.
    """
    if title is None:
        title = fields["slug"].replace("-", " ").title() if "slug" in fields else "Un billet"
    fields.setdefault("status", Post.Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(days=1))
    if "slug" not in fields:
        base = "un-billet"
        fields["slug"], number = base, 1
        while Post.objects.filter(slug=fields["slug"]).exists():
            number += 1
            fields["slug"] = f"{base}-{number}"
    post = Post.objects.create(title=title, **fields)
    post.tags.set(tags)
    if text:
        RichText.objects.create(parent=post, region="body", ordering=10, text=text)
    return post


def count_queries(client, url):
    """Queries of one GET of `url` as it renders (the page cache emptied); it must answer 200.

    Only the page cache is emptied: what a process or the cache keeps for good (the Site,
    the CV's PDF) stays, as in production.
    """
    page_cache.invalidate_pages()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return len(queries)


def pass_second_factor(client, user):
    """Log `user` in to a test client past the admin's second factor; returns the client.

    Every admin page asks for the code after the password (portfolio/core/second_factor.py):
    `client.force_login(user)` alone now lands on the code page. This gives `user` an
    authenticator app if they have none and marks the session verified with it, as
    `django_otp.login()` does after a right code. Use it wherever a test opens the admin.
    """
    client.force_login(user)
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="authenticator", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
