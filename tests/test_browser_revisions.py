"""The author compares two versions of a post and restores the first, in Chromium, on a phone
and a desktop; then deletes the post and recovers it. No CSP violation on those pages, no
sideways scroll on the history and comparison."""

import re

import pytest
import reversion
from django.contrib.auth import get_user_model
from django.urls import reverse

from blog.models import Post, RichText
from tests.a11y_pages import AXE_JS
from tests.conftest import log_in_to_admin, save_screenshot
from tests.factories import make_post
from tests.test_accessibility import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un-mot-de-passe-solide"
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def check_page(page, name, scroll=True, axe=True):
    assert page.evaluate("window.__csp") == [] and page.csp == [], name
    if axe:  # the history and the comparison are ours; the rest is django-reversion's
        report = describe(axe_violations(page))
        assert report == "", f"axe on {name}:\n{report}"
    if scroll:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], f"{name}: {width} px wide"
    save_screenshot(page, name)


def save_version(post, text):
    with reversion.create_revision():
        RichText.objects.filter(parent=post).update(text=text)
        post.save()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_author_compares_restores_and_recovers_a_post(open_page, width):
    author = get_user_model().objects.create_user(
        "autrice", "autrice@example.org", PASSWORD, is_staff=True, is_superuser=True
    )
    post = make_post(slug="un-billet", title="Un billet", text="<p>Premier jet.</p>")
    save_version(post, "<p>Premier jet.</p>")
    save_version(post, "<p>Second jet, tout réécrit.</p>")
    page = open_page(width=width)
    page.add_init_script(LISTEN)
    page.add_init_script(path=str(AXE_JS))
    page.csp = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp.append(m.text))
    log_in_to_admin(page, author, PASSWORD)
    label = f"revisions-{width}"

    page.goto(reverse("admin:blog_post_history", args=[post.pk]))
    check_page(page, f"{label}-history")
    page.get_by_role("button", name="Comparer les deux versions cochées").click()
    assert page.locator("del", has_text="Premier").is_visible()
    assert page.locator("ins", has_text="Second").is_visible()
    check_page(page, f"{label}-compare")

    page.get_by_role("link", name="pour la restaurer").click()
    page.wait_for_url(re.compile(r"/history/\d+/$"))
    check_page(page, f"{label}-revision-form", scroll=False, axe=False)
    page.locator("input[type=submit][name=_save], input[type=submit].default").first.click()
    page.wait_for_url(f"**{reverse('admin:blog_post_changelist')}**")
    page.goto(post.get_absolute_url())
    assert page.get_by_text("Premier jet.").is_visible()
    assert page.get_by_text("Second jet").count() == 0

    # Deleted, then recovered with its text.
    page.goto(reverse("admin:blog_post_delete", args=[post.pk]))
    page.locator("input[type=submit]").first.click()
    page.wait_for_url(f"**{reverse('admin:blog_post_changelist')}**")
    assert not Post.objects.exists()
    page.get_by_role("link", name="Récupérer").click()
    check_page(page, f"{label}-recover-list", axe=False)
    page.locator("tr", has_text="Un billet").get_by_role("link").click()
    page.locator("input[type=submit][name=_save], input[type=submit].default").first.click()
    page.wait_for_url(f"**{reverse('admin:blog_post_changelist')}**")
    page.goto(Post.objects.get().get_absolute_url())
    assert page.get_by_text("Premier jet.").is_visible()
