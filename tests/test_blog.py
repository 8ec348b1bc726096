from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import OldSlug, Post, PullQuote, Question, RichText


def make_post(**fields):
    fields.setdefault("title", "Un billet")
    fields.setdefault("slug", "un-billet")
    fields.setdefault("status", Post.Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    return Post.objects.create(**fields)


@pytest.mark.django_db
def test_smoke(client):
    post = make_post()
    RichText.objects.create(
        parent=post,
        region="body",
        ordering=10,
        text="<h2>Intro</h2><p>Hello <script>x</script><img src=x onerror=alert(1)></p>",
    )
    Question.objects.create(
        parent=post, region="body", ordering=20, question="Why?", answer="<p>Because</p>"
    )
    PullQuote.objects.create(parent=post, region="body", ordering=30, quote="Q")
    assert client.get("/blog/").status_code == 200
    response = client.get("/blog/un-billet/")
    html = response.content.decode()
    print(html[html.find('<div class="prose') : html.find('<footer class="post__footer')])
    assert "<script>x" not in html and "onerror" not in html
    post.slug = "deux"
    post.save()
    assert OldSlug.objects.count() == 1
    response = client.get("/blog/un-billet/")
    assert response.status_code == 301 and response["Location"] == "/blog/deux/"
