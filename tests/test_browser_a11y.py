"""Keyboard-only journeys, form errors a screen reader hears, layouts that hold (320 px,
200 % zoom, long words, print), and screenshots of the main pages for a person to look at.

The journeys need only a post with a comment (no demo: it draws and resizes photos, which
takes seconds); the layout and screenshot checks go through the whole demo site, once.
"""

from urllib.parse import urlsplit

import pytest

from tests.a11y_pages import (
    EDGE_SLUG,
    LONG_WORD,
    NOT_FOUND,
    add_edge_cases,
    public_pages,
    route_name,
)
from tests.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_STYLE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  const text = element.innerText || element.value || element.getAttribute("aria-label") || "";
  return {
    name: `${element.tagName.toLowerCase()} “${text.trim().slice(0, 40)}”`,
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== "none",
    visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0,
  };
}"""


@pytest.fixture
def edge_post(db):
    """A post with very long words, no cover image, and one comment."""
    return add_edge_cases()


@pytest.fixture
def quick_forms(settings):
    # A keyboard journey fills a form faster than the anti-bot minimum allows.
    settings.CONTACT_MIN_FILL_SECONDS = 0
    settings.COMMENTS_MIN_FILL_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 0


def expected_not_found(message):
    # The 404 page is meant to answer 404, which Chromium logs as a failed load.
    return urlsplit(message.location["url"]).path in NOT_FOUND


def focused(page, predicate_js):
    return page.evaluate(f"(el => Boolean({predicate_js}))(document.activeElement)")


def tab_to(page, predicate_js, limit=80):
    """Press Tab until the focused element matches `predicate_js` (about `el`)."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, predicate_js):
            return
        stops.append(page.evaluate(FOCUS_STYLE)["name"])
    raise AssertionError(f"{predicate_js!r} not reached with Tab; stops: {stops}")


def type_into(page, name, text):
    tab_to(page, f"el.name === {name!r}")
    page.keyboard.type(text)


# Keyboard --------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/blog/", f"/blog/{EDGE_SLUG}/", "/profile/", "/contact/"])
def test_every_keyboard_stop_shows_where_focus_is(page, edge_post, path):
    page.goto(path)
    stops = []
    for _ in range(60):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_STYLE)
        if stop["name"].startswith("body ") or (stops and stop == stops[0]):
            break  # out to the browser's own controls, or round to the start
        stops.append(stop)
    assert len(stops) > 3
    unmarked = [stop["name"] for stop in stops if not (stop["outline"] or stop["shadow"])]
    hidden = [stop["name"] for stop in stops if not stop["visible"]]
    assert unmarked == [], f"focus is not visible on {unmarked}"
    assert hidden == [], f"focus lands on elements one cannot see: {hidden}"


def test_skip_link_takes_keyboard_users_past_the_menu(page, edge_post):
    page.goto(f"/blog/{EDGE_SLUG}/")
    page.keyboard.press("Tab")
    assert focused(page, "el.classList.contains('skip-link')")
    assert page.get_by_role("link", name="Aller au contenu").is_visible()
    page.keyboard.press("Enter")
    assert focused(page, "el.id === 'main'")
    page.keyboard.press("Tab")
    # The next stop comes after the menu, in the content.
    assert focused(page, "el.closest('main')")


def test_language_switch_by_keyboard_alone(page, edge_post):
    page.goto(f"/blog/{EDGE_SLUG}/")
    tab_to(page, "el.getAttribute('hreflang') === 'en'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/en/blog/{EDGE_SLUG}/")
    assert page.locator("html").get_attribute("lang") == "en"
    tab_to(page, "el.getAttribute('hreflang') === 'fr'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/blog/{EDGE_SLUG}/")
    assert page.locator("html").get_attribute("lang") == "fr"


def test_reply_to_a_comment_by_keyboard_alone(page, edge_post, quick_forms):
    page.goto(f"/blog/{EDGE_SLUG}/")
    tab_to(page, "el.pathname && el.pathname.includes('/reply/')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/reply/**")
    type_into(page, "name", "Camille")
    type_into(page, "email", "camille@example.org")
    type_into(page, "comment", "Merci pour ce billet, je réponds au clavier.")
    tab_to(page, "el.type === 'submit' && !el.name")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("je réponds au clavier").first.is_visible()


def test_contact_form_by_keyboard_alone(page, quick_forms):
    page.goto("/contact/")
    type_into(page, "name", "Camille Martin")
    type_into(page, "email", "camille@example.org")
    type_into(page, "subject", "Une mission en mars")
    type_into(page, "message", "Bonjour, nous cherchons quelqu’un pour trois semaines en mars.")
    tab_to(page, "el.type === 'submit'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".field--error, [aria-invalid=true]").count() == 0
    assert page.get_by_role("heading", level=1).is_visible()


# Form errors -----------------------------------------------------------------

ERROR_STATE = """() => {
  const summary = document.querySelector(".error-summary");
  const invalid = [...document.querySelectorAll("[aria-invalid=true]")];
  return {
    summary: Boolean(summary),
    summaryFocused: Boolean(summary) && summary.contains(document.activeElement),
    announced: Boolean(summary) && ["alert", "status"].includes(summary.getAttribute("role")),
    invalid: invalid.map((field) => field.id),
    unlinked: invalid
      .filter((field) => !(summary && summary.querySelector(`a[href="#${field.id}"]`)))
      .map((field) => field.id),
    undescribed: invalid
      .filter((field) => !(field.getAttribute("aria-describedby") || "").split(" ")
        .some((id) => document.getElementById(id)?.closest(".errorlist")))
      .map((field) => field.id),
  };
}"""


@pytest.mark.parametrize(
    ("path", "form"),
    [("/contact/", "main form[method=post]"), (f"/blog/{EDGE_SLUG}/", "#comment-form")],
)
def test_form_errors_are_announced_and_linked_to_their_fields(page, edge_post, path, form):
    page.goto(path)
    # Sent empty, past the browser's own checks: the server's messages are under test.
    page.locator(form).evaluate("form => { form.noValidate = true; }")
    page.locator(form).locator("[type=submit]").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    save_screenshot(page, f"a11y-errors-{'comment' if 'comment' in form else 'contact'}")
    state = page.evaluate(ERROR_STATE)
    assert state["invalid"], "no field is marked aria-invalid"
    assert state["summary"], "no error summary (.error-summary) at the top of the form"
    assert state["announced"], "the error summary is not announced (role=alert)"
    assert state["summaryFocused"], "focus did not move to the error summary"
    assert state["unlinked"] == [], f"the summary does not link to {state['unlinked']}"
    assert state["undescribed"] == [], (
        f"errors not tied by aria-describedby: {state['undescribed']}"
    )
    # Following a link of the summary lands in the field.
    first = state["invalid"][0]
    page.locator(f'.error-summary a[href="#{first}"]').press("Enter")
    assert focused(page, f"el.id === {first!r}")


# Layout ----------------------------------------------------------------------


def _overflowing(page):
    """Elements wider than the window, which force a sideways scroll."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          return [...document.querySelectorAll("body *")]
            .filter((el) => el.getBoundingClientRect().right > width + 1)
            .filter((el) => !el.closest(".visually-hidden, .skip-link"))
            .slice(0, 5)
            .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
        }"""
    )


def test_long_words_wrap_inside_titles_and_comments(open_page, edge_post):
    page = open_page(ignore=expected_not_found, viewport={"width": 320, "height": 640})
    page.goto(f"/blog/{EDGE_SLUG}/")
    for element in (page.get_by_role("heading", level=1), page.locator(".comment").first):
        box = element.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320
        # The long word is shown whole: wrapped, not cut off or hidden.
        assert LONG_WORD[:50] in element.inner_text().replace("\n", "")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, _overflowing(page)
    page.goto("/blog/")
    card = page.locator(".post-card", has_text="Anticonstitutionnellement")
    assert card.bounding_box()["x"] + card.bounding_box()["width"] <= 320
    page.context.close()


def test_no_page_scrolls_sideways_at_320px_or_200_percent_zoom(open_page, client, demo):
    add_edge_cases()
    pages, _broken = public_pages(client)
    too_wide = {}
    # 200 % zoom of a 1280 px window: the layout sees 640 CSS pixels, drawn twice as big.
    for label, width, scale in [("320px", 320, 1), ("zoom-200", 640, 2)]:
        page = open_page(
            ignore=expected_not_found,
            viewport={"width": width, "height": 640},
            device_scale_factor=scale,
        )
        for checked in pages:
            if checked.form or checked.synthetic:
                continue
            page.goto(checked.path)
            if page.evaluate("document.documentElement.scrollWidth") > width:
                too_wide[f"{checked.path} at {label}"] = _overflowing(page)
        page.goto(f"/blog/{EDGE_SLUG}/")
        save_screenshot(page, f"a11y-long-words-{label}")
        page.context.close()
    if too_wide:
        report = "\n".join(f"  {where}: {elements}" for where, elements in too_wide.items())
        pytest.fail(f"pages scroll sideways (first elements too wide):\n{report}", False)


# Screenshots and print -------------------------------------------------------

# Loaded but empty: a missing file or a format the browser cannot read.
BROKEN_IMAGES = """() => [...document.images]
  .filter((image) => image.complete && image.naturalWidth === 0)
  .map((image) => image.currentSrc || image.src)"""

MAIN_PAGES = {
    "home": "/",
    "home-en": "/en/",
    "blog": "/blog/",
    "post-long-words": f"/blog/{EDGE_SLUG}/",
    "profile": "/profile/",
    "contact": "/contact/",
    "not-found": NOT_FOUND[0],
}


def test_screenshots_of_the_main_pages_and_the_printed_profile(open_page, client, demo):
    add_edge_cases()
    pages = dict(MAIN_PAGES)
    # The demo posts too: each shows a feature (figures, gallery, questions, comments).
    crawled = [page.path for page in public_pages(client)[0]]
    posts = [path for path in crawled if route_name(path) == "blog:post_detail"]
    pages.update({f"post-{number}": path for number, path in enumerate(posts[1:5], 1)})
    broken_images = {}
    for scheme in ("light", "dark"):
        for device, width in (("phone", 390), ("desktop", 1280)):
            page = open_page(width=width, scheme=scheme, ignore=expected_not_found)
            for name, path in pages.items():
                page.goto(path)
                save_screenshot(page, f"a11y-{name}-{device}-{scheme}")
                broken_images[name] = page.evaluate(BROKEN_IMAGES)
            page.context.close()
    broken_images = {name: images for name, images in broken_images.items() if images}
    assert broken_images == {}, f"images that did not load: {broken_images}"

    page = open_page(ignore=expected_not_found, viewport={"width": 800, "height": 1100})
    page.goto("/profile/")
    page.emulate_media(media="print")
    for frame in ("header.site-header", "footer.site-footer", ".skip-link"):
        assert not page.locator(frame).is_visible(), f"{frame} is printed"
    assert page.get_by_role("heading", level=1).is_visible()
    save_screenshot(page, "a11y-profile-print")
    assert page.pdf(format="A4").startswith(b"%PDF")
    page.context.close()
