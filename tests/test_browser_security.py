"""The strict Content-Security-Policy holds in a real browser: public pages, admin, rich-text editor.

Chromium reports every blocked script, style or frame as a `securitypolicyviolation`
event and a console error; the `page` fixture already fails on console errors,
and these tests also collect the events themselves to name what was blocked.
"""

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from tests.conftest import log_in_to_admin, save_screenshot

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


def log_in(page, django_user_model, create=True):
    if create:
        django_user_model.objects.create_superuser("author", "author@example.org", PASSWORD)
    log_in_to_admin(page, django_user_model.objects.get(username="author"), PASSWORD)
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
    # The editor's script ran: ProseMirror made its editable area, and typing works.
    assert editors.count() >= 1
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


# Hostile strings -------------------------------------------------------------

TRAP = """
window.__pwned = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__pwned.push(`${name}(${args.join(",")})`); };
}
"""


def normalized(text):
    """The text as read, whatever the spaces: French typography (blog/typography.py) puts
    no-break spaces before ; : ! ? » and after « on pages, typed or not."""
    text = re.sub(r"\s+([;:!?»])", r"\1", re.sub(r"«\s+", "«", text))
    return " ".join(text.split())


@pytest.fixture
def unguarded(browser, live_server):
    """Chromium with our CSP switched off: only escaping stands between a payload and a run."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="fr-FR")
    page = context.new_page()
    page.add_init_script(TRAP)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def assert_nothing_ran(page, where):
    assert page.dialogs == [], where
    assert page.evaluate("window.__pwned") == [], where


def test_hostile_comments_and_messages_render_inert_and_intact(
    unguarded, demo, django_user_model, settings
):
    from django.contrib.contenttypes.models import ContentType
    from django_comments_xtd.models import XtdComment

    from blog.models import Post
    from portfolio.models import ContactMessage
    from tests.test_hostile_input import CORPUS, DANGEROUS, comment_post

    post = comment_post()
    kind = ContentType.objects.get_for_model(Post)
    for number, text in enumerate(CORPUS):
        XtdComment.objects.create(
            content_type=kind,
            object_pk=str(post.pk),
            site_id=1,
            user_name=text[:50].strip() or "x",
            user_email=f"hostile{number}@example.net",
            comment=text,
            is_public=True,
        )
        ContactMessage.objects.create(
            name=text[:120], email=f"h{number}@example.com", subject=text[:150], message=text
        )

    # Every comment on the post's one page (comments come COMMENTS_PER_PAGE threads a page).
    settings.COMMENTS_PER_PAGE = XtdComment.objects.count()
    unguarded.goto(post.get_absolute_url())
    assert_nothing_ran(unguarded, "post page")
    shown = normalized(unguarded.inner_text("body"))
    missing = [text for text in CORPUS if normalized(text) not in shown]
    assert missing == [], f"{len(missing)} comments not shown as typed, e.g. {missing[:3]}"

    search = reverse("blog:search")
    for text in DANGEROUS[:25]:
        unguarded.goto(f"{search}?q={quote(text)}")
        assert_nothing_ran(unguarded, f"search {text!r}")

    django_user_model.objects.create_superuser("author", "author@example.org", PASSWORD)
    log_in(unguarded, django_user_model, create=False)
    unguarded.goto(reverse("admin:portfolio_contactmessage_changelist") + "?all=")
    assert_nothing_ran(unguarded, "admin messages")
    message = ContactMessage.objects.filter(message__contains="<script").first()
    unguarded.goto(reverse("admin:portfolio_contactmessage_change", args=[message.pk]))
    assert_nothing_ran(unguarded, "admin message")
    assert normalized(message.message) in normalized(unguarded.inner_text("body")) or (
        normalized(message.message)
        in normalized(" ".join(unguarded.locator("textarea, input").all_inner_texts()))
        or unguarded.locator(f"text={message.message.strip()[:20]}").count()
    )
    unguarded.goto(reverse("admin:django_comments_xtd_xtdcomment_changelist"))
    assert_nothing_ran(unguarded, "admin comments")


def test_hostile_text_typed_into_the_rich_text_editor_stays_text(
    unguarded, demo, django_user_model
):
    from blog.models import Post
    from tests.test_hostile_input import DANGEROUS

    batch = [text for text in DANGEROUS if "\n" not in text][:40]
    log_in(unguarded, django_user_model)
    post = Post.objects.published().order_by("-published_at").first()
    unguarded.goto(reverse("admin:blog_post_change", args=[post.pk]))
    editor = unguarded.locator(".ProseMirror >> visible=true").first
    editor.click()
    unguarded.keyboard.press("Control+End")
    unguarded.keyboard.press("Enter")
    unguarded.keyboard.insert_text(" ¶ ".join(batch))
    unguarded.locator("input[name=_continue]").click()
    unguarded.wait_for_load_state("networkidle")
    assert unguarded.locator(".errornote").count() == 0
    assert_nothing_ran(unguarded, "admin after save")

    unguarded.goto(post.get_absolute_url())
    assert_nothing_ran(unguarded, "post page")
    shown = normalized(unguarded.inner_text("main"))
    missing = [text for text in batch if normalized(text) not in shown]
    assert missing == [], missing[:3]
