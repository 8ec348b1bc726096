"""The author moderates from the dashboard and the queue, on a desktop and on a phone."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from blog.models import Post
from comments.models import Comment
from tests.a11y_pages import AXE_JS, MISSING_TOOLS
from tests.conftest import pass_second_factor, save_screenshot
from tests.factories import make_post
from tests.test_accessibility import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un-mot-de-passe-solide"
WIDTHS = [1280, 390]
NO_SIDEWAYS_SCROLL = """() => [document.documentElement, ...document.querySelectorAll('.results')]
  .filter((element) => element.scrollWidth > element.clientWidth)
  .map((element) => `${element.className || element.tagName}: ${element.scrollWidth}`)"""


@pytest.fixture
def author_page(open_page, live_server):
    """`author_page(width)`: a browser logged in to the admin as the author, on the dashboard.

    The one place that knows how the author logs in. Today it hands the browser a session
    past the second factor (tests/conftest.py's pass_second_factor); the typed login with
    its code is tests/test_browser_2fa.py's journey, and `log_in_to_admin(page, author,
    PASSWORD)` can replace the three cookie lines once that page settles.
    """

    def author_page(width):
        author = get_user_model().objects.filter(username="autrice").first()
        author = author or get_user_model().objects.create_superuser(
            "autrice", "autrice@example.org", PASSWORD
        )
        page = open_page(width=width)
        page.context.add_init_script(path=str(AXE_JS))
        session = pass_second_factor(Client(), author).cookies[settings.SESSION_COOKIE_NAME]
        cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session.value}
        page.context.add_cookies([{**cookie, "url": live_server.url}])
        page.goto("/admin/")
        return page

    return author_page


def assert_no_axe_violations(page):
    report = describe(axe_violations(page))
    assert report == "", f"axe on {page.url}:\n{report}"


def comment_on(post, text, **fields):
    return Comment.objects.create(
        content_type=ContentType.objects.get_for_model(Post),
        object_pk=str(post.pk),
        site_id=1,
        user_name="Alice Martin",
        user_email="alice@example.org",
        comment=text,
        submit_date=timezone.now() - timedelta(hours=1),
        **fields,
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_author_approves_a_comment_from_the_dashboard(author_page, width):
    assert AXE_JS.exists(), MISSING_TOOLS
    post = make_post(title="Changer de métier à quarante ans", slug="changer-de-metier")
    comment_on(post, f"Première visite à {width} px.", is_public=False)
    comment_on(post, "Déjà publié, merci !", is_public=True)

    page = author_page(width)
    assert re.search(r"/admin/$", page.url), page.url
    assert page.get_by_role("heading", level=1, name="Tableau de bord").is_visible()
    pending = page.locator("#pending-comments")
    assert pending.get_by_text("1 commentaire en attente de modération").is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL) == []
    save_screenshot(page, f"admin-dashboard-{width}")
    assert_no_axe_violations(page)

    pending.get_by_role("button", name="Approuver").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    assert page.get_by_text("Commentaire de Alice Martin approuvé.").is_visible()
    assert page.locator("#pending-comments").get_by_text("0 commentaire").is_visible()

    page.goto(post.get_absolute_url())
    assert page.get_by_text(f"Première visite à {width} px.").is_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_queue_fits_the_window_and_its_buttons_are_in_sight(author_page, width):
    post = make_post(title="Un billet très commenté", slug="un-billet-commente")
    long_word = "https://exemple.org/" + "tres-long-chemin-" * 6
    for number in range(6):
        comment_on(post, f"Commentaire {number} : {long_word} " * 2, is_public=number % 2 == 0)

    page = author_page(width)
    page.goto("/admin/comments/comment/?queue=pending")
    save_screenshot(page, f"admin-comment-queue-{width}")
    assert page.evaluate(NO_SIDEWAYS_SCROLL) == []
    approve = page.get_by_role("button", name="Approuver").first
    box, viewport = approve.bounding_box(), page.viewport_size
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    if width == 1280:  # beside the filters, not under them
        panel = page.locator("#changelist-filter").bounding_box()
        assert box["x"] + box["width"] <= panel["x"]
    assert_no_axe_violations(page)

    approve.click()
    page.wait_for_url(re.compile(r"/admin/comments/comment/\?queue=pending"))
    assert page.get_by_text("Commentaire de Alice Martin approuvé.").is_visible()
    assert page.get_by_role("button", name="Approuver").count() == 2


def test_the_post_form_passes_axe_and_its_editor_speaks_french(author_page):
    post = make_post(
        title="Un billet",
        slug="un-billet",
        text="<h2>Le «&nbsp;digitale&nbsp;»</h2><p>Un paragraphe.</p>",
    )
    page = author_page(1280)
    page.goto(f"/admin/blog/post/{post.pk}/change/")
    page.locator(".prose-menubar__button[data-name=bold]").first.wait_for()
    save_screenshot(page, "admin-post-change-french")
    bold = page.locator(".prose-menubar__button[data-name=bold]").first
    assert bold.get_attribute("title") == "gras"
    assert bold.get_attribute("aria-label") == "gras"
    assert page.locator(".prose-menubar__option[data-name=heading2]").first.inner_text() == (
        "Titre 2"
    )
    assert page.get_by_text("Replier tous les éléments").is_visible()
    label = page.locator(".order-machine .inline_label").first
    assert label.inner_text().startswith("Le «\u00a0digitale\u00a0» Un paragraphe.")
    after = label.evaluate("(element) => getComputedStyle(element, '::after').content")
    assert after == '"(Masquer)"'
    assert_no_axe_violations(page)
