"""The strict Content-Security-Policy holds in a real browser: public pages, admin, rich-text editor.

Chromium reports every blocked script, style or frame as a `securitypolicyviolation`
event and a console error; the `page` fixture already fails on console errors,
and these tests also collect the events themselves to name what was blocked.
"""

import pytest
from django.urls import reverse

from tests.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def watched(page):
    page.add_init_script(LISTEN)
    page.csp_messages = []
    page.failed = []
    page.on("response", lambda r: r.status >= 400 and page.failed.append(f"{r.status} {r.url}"))
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and page.csp_messages.append(message.text)
        ),
    )
    return page


def violations(page):
    return page.evaluate("window.__csp || []") + page.csp_messages


def log_in(page, django_user_model):
    django_user_model.objects.create_superuser("author", "author@example.org", PASSWORD)
    page.goto(reverse("admin:login"))
    page.fill("#id_username", "author")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{reverse('admin:index')}")


def test_public_pages_run_under_the_policy_without_violation(watched, demo):
    from blog.models import Post

    post = Post.objects.published().order_by("-published_at").first()
    for path in ("/", "/en/", "/profile/", "/contact/", "/blog/", post.get_absolute_url()):
        watched.goto(path)
        assert violations(watched) == [], path
        assert watched.failed == [], path


def test_admin_and_rich_text_editor_work_under_the_policy(watched, demo, django_user_model):
    from blog.models import Post

    log_in(watched, django_user_model)
    assert violations(watched) == []
    watched.goto(reverse("admin:index"))
    assert violations(watched) == []

    post = Post.objects.order_by("pk").first()
    watched.goto(reverse("admin:blog_post_change", args=[post.pk]))
    watched.wait_for_load_state("networkidle")
    editors = watched.locator(".ProseMirror >> visible=true")
    if editors.count():
        # The editor's script ran: ProseMirror made its editable area, and typing works.
        editor = editors.first
        editor.click()
        editor.press("End")
        editor.type(" Typed under a strict policy.")
        assert "Typed under a strict policy." in editor.inner_text()
    save_screenshot(watched, "admin-post-change-under-csp")
    assert violations(watched) == []

    watched.goto(reverse("admin:blog_post_add"))
    watched.wait_for_load_state("networkidle")
    assert violations(watched) == []
    assert watched.failed == []


def test_an_injected_inline_script_is_blocked(watched, live_server):
    """The policy itself, proven: an inline script on our origin does not run."""
    watched.goto("/")
    watched.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.__ran = true";
        document.body.append(script);
    }"""
    )
    assert watched.evaluate("window.__ran === true") is False
    assert any("script-src" in line for line in violations(watched))
    watched.console_errors.clear()  # the violation is the expected outcome here
