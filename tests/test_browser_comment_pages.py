"""A link to one comment, as the reply emails carry it, opens the comment page that holds it."""

import pytest
from django.core import mail
from django_comments_xtd.models import XtdComment
from playwright.sync_api import expect

from comments import notify
from tests.test_comment_pages import add_threads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_emailed_link_opens_page_3_on_the_comment(page, make_post, live_server):
    post = make_post(slug="billet-tres-commente")
    roots = add_threads(post, 120, replies=1)
    XtdComment.objects.filter(pk=roots[110]).update(followup=True)
    reply = XtdComment.objects.get(thread_id=roots[110], level=1)
    mail.outbox.clear()
    notify.send_followup.call(reply.pk, roots[110])
    link = next(word for word in mail.outbox[0].body.split() if f"#c{reply.pk}" in word)
    path = link[link.index("/blog/") :]
    assert path.startswith("/blog/billet-tres-commente/comments/3/")

    page.goto(live_server.url + path)

    target = page.locator(f"#c{reply.pk}")
    assert target.is_visible()
    assert page.evaluate("document.querySelector(':target')?.id") == f"c{reply.pk}"
    expect(target).to_be_in_viewport()  # retried: the layout settles after load
    assert page.locator(".comments__pages [aria-current=page]").inner_text() == "3"
