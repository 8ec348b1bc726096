"""The admin's home is the author's dashboard: what waits, one click to decide, shortcuts."""

import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from comments.models import Comment, CommentReview
from portfolio.core.stats.models import DailyCount
from portfolio.models import ContactMessage
from tests.conftest import pass_second_factor
from tests.factories import make_post

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/"


def add_comment(post, text="Un commentaire.", **fields):
    return Comment.objects.create(
        content_type=ContentType.objects.get_for_model(Post),
        object_pk=str(post.pk),
        site_id=1,
        user_name=fields.pop("user_name", "Alice Martin"),
        user_email="alice@example.org",
        comment=text,
        submit_date=fields.pop("submit_date", timezone.now() - timedelta(hours=1)),
        **{"is_public": True, **fields},
    )


def add_message(subject="Une mission à Lyon", **fields):
    return ContactMessage.objects.create(
        name="Paul Girard", email="paul@example.org", subject=subject, message="Bonjour.", **fields
    )


def section(html, heading_id):
    """The HTML of the dashboard's section whose heading has this id."""
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, f"no section {heading_id}"
    return match.group(0)


@pytest.fixture
def post():
    return make_post(title="Changer de métier", slug="changer-de-metier")


def test_the_dashboard_says_what_waits(admin_client, post):
    add_comment(post, "Première visite.", is_public=False)
    reported = add_comment(post, "Un avis tranché.", user_name="Marc")
    CommentReview.objects.create(comment=reported, report_count=2)
    add_comment(post, "Merci pour ce billet.", user_name="Claire")
    add_message()
    add_message("Déjà lu", status=ContactMessage.Status.READ)
    make_post(title="Brouillon en cours", slug="brouillon", status=Post.Status.DRAFT)
    soon = timezone.now() + timedelta(days=3)
    make_post(title="À paraître", slug="a-paraitre", published_at=soon)

    html = admin_client.get(DASHBOARD).content.decode()

    pending_html = section(html, "pending-comments-title")
    assert "1 commentaire en attente de modération" in pending_html
    assert "Première visite." in pending_html and "Un avis tranché." not in pending_html
    assert f'href="{post.get_absolute_url()}">Changer de métier</a>' in pending_html
    reported_html = section(html, "reported-comments-title")
    assert "1 commentaire signalé" in reported_html and "Un avis tranché." in reported_html
    inbox = section(html, "contact-inbox")
    assert "1 message non lu" in inbox and "Une mission à Lyon" in inbox
    assert "Déjà lu" not in inbox
    assert "Brouillon en cours" in section(html, "drafts-title")
    scheduled = section(html, "scheduled-title")
    assert "1 billet programmé" in scheduled and "À paraître" in scheduled
    assert f'datetime="{timezone.localtime(soon).isoformat()}"' in scheduled
    latest = section(html, "latest-comments-title")
    assert "Merci pour ce billet." in latest and "Première visite." not in latest
    # The shortcuts and the importers.
    for url in [
        reverse("admin:blog_post_add"),
        reverse("admin:portfolio_profile_changelist"),
        reverse("admin_import", args=["wordpress"]),
        reverse("admin_import", args=["medium"]),
    ]:
        assert f'href="{url}"' in html


def test_each_waiting_comment_has_its_three_buttons_as_forms_with_csrf(admin_client, post):
    comment = add_comment(post, is_public=False)
    html = section(admin_client.get(DASHBOARD).content.decode(), "pending-comments-title")
    for decision, label in [
        ("approve", "Approuver"),
        ("spam", "Indésirable"),
        ("remove", "Retirer"),
    ]:
        url = reverse(f"admin:comments_{decision}", args=[comment.pk])
        form = re.search(rf'<form method="post" action="{url}">(.*?)</form>', html, re.S)
        assert form, decision
        assert 'name="csrfmiddlewaretoken"' in form.group(1)
        assert f">{label}</button>" in form.group(1)


def test_the_technical_models_are_apart_at_the_bottom(admin_client):
    html = admin_client.get(DASHBOARD).content.decode()
    content = section(html, "dashboard-apps-title")
    technical = re.search(r'<details class="dashboard-technical">.*?</details>', html, re.S)
    assert technical and html.index(technical.group(0)) > html.index(content)
    for model in [
        "axes/accessattempt",
        "django_comments/commentflag",
        "sites/site",
        "auth/group",
        "otp_totp/totpdevice",
    ]:
        assert f"/admin/{model}/" in technical.group(0)
        assert f"/admin/{model}/" not in content
    assert "/admin/blog/post/" in content and "/admin/comments/comment/" in content


def test_approving_from_the_dashboard_publishes_and_comes_back_with_a_message(admin_client, post):
    comment = add_comment(post, "Première visite.", is_public=False)
    url = reverse("admin:comments_approve", args=[comment.pk])

    response = admin_client.post(url, HTTP_REFERER=f"http://testserver{DASHBOARD}", follow=True)

    assert response.redirect_chain == [(f"http://testserver{DASHBOARD}", 302)]
    assert "Commentaire de Alice Martin approuvé." in response.content.decode()
    assert Comment.objects.visible().filter(pk=comment.pk).exists()
    assert "Première visite." in admin_client.get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("decision", "message", "queue"),
    [
        ("spam", "Commentaire de Alice Martin marqué comme indésirable.", "spam"),
        ("remove", "Commentaire de Alice Martin retiré.", "removed"),
    ],
)
def test_spam_and_remove_from_the_dashboard(admin_client, post, decision, message, queue):
    comment = add_comment(post, is_public=False)
    url = reverse(f"admin:comments_{decision}", args=[comment.pk])

    response = admin_client.post(url, HTTP_REFERER=f"http://testserver{DASHBOARD}", follow=True)

    assert message in response.content.decode()
    assert getattr(Comment.objects, queue)().filter(pk=comment.pk).exists()
    assert not Comment.objects.pending().filter(pk=comment.pk).exists()


def test_the_decisions_are_post_only_and_need_the_csrf_token(admin_user, post):
    comment = add_comment(post, is_public=False)
    client = pass_second_factor(Client(enforce_csrf_checks=True), admin_user)
    url = reverse("admin:comments_approve", args=[comment.pk])

    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert not Comment.objects.visible().filter(pk=comment.pk).exists()

    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(DASHBOARD).content.decode()
    )
    assert client.post(url, {"csrfmiddlewaretoken": token.group(1)}).status_code == 302
    assert Comment.objects.visible().filter(pk=comment.pk).exists()


def test_a_decision_never_redirects_off_the_admin(admin_client, post):
    comment = add_comment(post, is_public=False)
    url = reverse("admin:comments_spam", args=[comment.pk])
    response = admin_client.post(url, HTTP_REFERER="https://evil.example/admin/")
    assert response["Location"] == reverse("admin:comments_comment_changelist")


def test_a_staff_member_who_may_not_moderate_sees_no_buttons(django_user_model, post):
    add_comment(post, "Première visite.", is_public=False)
    editor = django_user_model.objects.create_user("redac", password="pw-123456789", is_staff=True)
    editor.user_permissions.add(
        *editor.user_permissions.model.objects.filter(codename__in=["view_comment", "view_post"])
    )
    html = pass_second_factor(Client(), editor).get(DASHBOARD).content.decode()
    assert "Première visite." in html
    assert '<form method="post"' not in section(html, "pending-comments-title")
    assert "contact-inbox" not in html


def fill(post, numbers):
    for number in numbers:
        add_comment(post, f"En attente {number}", is_public=False)
        review_of = add_comment(post, f"Signalé {number}")
        CommentReview.objects.create(comment=review_of, report_count=1, reason="mot interdit")
        add_comment(post, f"Publié {number}")
        add_message(f"Message {number}")
        make_post(title=f"Brouillon {number}", slug=f"brouillon-{number}", status="draft")
        make_post(
            title=f"Programmé {number}",
            slug=f"programme-{number}",
            published_at=timezone.now() + timedelta(days=number + 1),
        )
        for metric, key in (("post", f"billet-{number}"), ("referrer", f"site-{number}.example")):
            DailyCount.objects.create(
                day=timezone.localdate() - timedelta(days=number), metric=metric, key=key, count=3
            )


def test_the_dashboard_costs_the_same_queries_whatever_waits(
    admin_client, post, django_assert_num_queries
):
    fill(post, range(1))
    admin_client.get(DASHBOARD)  # the session and the content types, once
    # 17: the five lists one query each, their totals one more (a UNION ALL of counts)
    # and the comments' posts one, the "CVs sent" box one, the app list asks once more
    # whether a profile exists (a tailored CV needs one), the statistics two.
    with django_assert_num_queries(17) as small:
        admin_client.get(DASHBOARD)
    fill(post, range(1, 16))
    with django_assert_num_queries(len(small.captured_queries)):
        html = admin_client.get(DASHBOARD).content.decode()
    assert "16 commentaires en attente de modération" in html
