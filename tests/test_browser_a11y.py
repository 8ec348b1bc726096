"""Keyboard-only journeys, layouts that hold (320 px, 200 % zoom, long words, print),
and screenshots of the main pages for a person to look at."""

from urllib.parse import urlsplit

import pytest

from tests.a11y_pages import EDGE_SLUG, NOT_FOUND, add_edge_cases, public_pages, route_name
from tests.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_STYLE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    name: `${element.tagName.toLowerCase()} “${(element.innerText || element.value || element.getAttribute("aria-label") || "").trim().slice(0, 40)}”`,
    inMain: Boolean(element.closest("main")),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== "none",
    visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0,
  };
}"""


@pytest.fixture
def site(demo):
    """The demo, and a post with very long words and no cover image."""
    return add_edge_cases()


def open_page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", **options)
    page = context.new_page()
    errors = []

    def on_console(message):
        # The 404 page is meant to answer 404, which Chromium logs as a failed load.
        if message.type == "error" and urlsplit(message.location["url"]).path not in NOT_FOUND:
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    return page


def close_page(page):
    page.context.close()
    assert page.console_errors == [], f"console errors: {page.console_errors}"


def tab_until(page, predicate_js, limit=60):
    """Press Tab until the focused element matches; the stops visited on the way."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUS_STYLE))
        if page.evaluate(f"(el => {predicate_js})(document.activeElement)"):
            return stops
    raise AssertionError(f"not reached with {limit} Tab presses; stops: {stops}")


@pytest.mark.parametrize("path", ["/", "/blog/", f"/blog/{EDGE_SLUG}/", "/profile/", "/contact/"])
def test_every_keyboard_stop_shows_where_focus_is(page, site, path):
    page.goto(path)
    stops = []
    first = None
    for _ in range(40):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_STYLE)
        if stop == first or stop["name"].startswith("body "):
            break  # went round, or out to the browser's own controls
        first = first or stop
        stops.append(stop)
    unmarked = [stop["name"] for stop in stops if not (stop["outline"] or stop["shadow"])]
    hidden = [stop["name"] for stop in stops if not stop["visible"]]
    assert unmarked == [], f"focus is not visible on {unmarked}"
    assert hidden == [], f"focus lands on elements one cannot see: {hidden}"


def test_skip_link_takes_keyboard_users_past_the_menu(page, site):
    page.goto(f"/blog/{EDGE_SLUG}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert page.get_by_role("link", name="Aller au contenu").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    # The next stop comes after the menu: in the content or below it, not in the header.
    assert page.evaluate("!document.activeElement.closest('header.site-header')")


def test_language_switch_by_keyboard_alone(page, site):
    page.goto("/blog/")
    tab_until(page, "el.getAttribute('hreflang') === 'en'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/blog/")
    assert page.locator("html").get_attribute("lang") == "en"
    tab_until(page, "el.getAttribute('hreflang') === 'fr'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/blog/")
    assert page.locator("html").get_attribute("lang") == "fr"


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


@pytest.mark.parametrize(
    ("label", "options"),
    [
        ("320px", {"viewport": {"width": 320, "height": 640}}),
        # 200 % zoom of a 1280 px window: the layout sees 640 CSS pixels, drawn twice as big.
        ("zoom-200", {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2}),
    ],
)
def test_no_page_scrolls_sideways(browser, live_server, client, site, label, options):
    pages, _broken = public_pages(client)
    page = open_page(browser, live_server, **options)
    width = options["viewport"]["width"]
    too_wide = {}
    for checked in pages:
        if checked.method != "GET":
            continue
        page.goto(checked.path)
        if page.evaluate("document.documentElement.scrollWidth") > width:
            too_wide[checked.path] = _overflowing(page)
    page.goto(f"/blog/{EDGE_SLUG}/")
    save_screenshot(page, f"long-words-{label}")
    close_page(page)
    assert too_wide == {}, f"pages wider than {width}px: {too_wide}"


def test_long_words_wrap_inside_titles_and_comments(browser, live_server, site):
    page = open_page(browser, live_server, viewport={"width": 320, "height": 640})
    page.goto(f"/blog/{EDGE_SLUG}/")
    title = page.get_by_role("heading", level=1)
    box = title.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    # The long word is shown whole (wrapped, not cut off or hidden).
    assert "Anticonstitutionnellement" in title.inner_text()
    page.goto("/blog/")
    card = page.locator(".post-card", has_text="Anticonstitutionnellement")
    assert card.bounding_box()["x"] + card.bounding_box()["width"] <= 320
    close_page(page)


def test_profile_prints_as_a_clean_cv(browser, live_server, site):
    page = open_page(browser, live_server, viewport={"width": 800, "height": 1100})
    page.goto("/profile/")
    page.emulate_media(media="print")
    for frame in ("header.site-header", "footer.site-footer", ".skip-link"):
        assert not page.locator(frame).is_visible(), f"{frame} is printed"
    assert page.get_by_role("heading", level=1).is_visible()
    save_screenshot(page, "profile-print")
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF")
    close_page(page)


MAIN_PAGES = {
    "home": "/",
    "home-en": "/en/",
    "blog": "/blog/",
    "post-long-words": f"/blog/{EDGE_SLUG}/",
    "profile": "/profile/",
    "contact": "/contact/",
    "not-found": NOT_FOUND[0],
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("device", "width"), [("phone", 390), ("desktop", 1280)])
def test_screenshots_of_the_main_pages(browser, live_server, client, site, scheme, device, width):
    pages = dict(MAIN_PAGES)
    # The demo posts too: each shows a feature (figures, gallery, questions, comments).
    crawled = [page.path for page in public_pages(client)[0]]
    posts = [
        path for path in crawled if route_name(path) == "blog:post_detail" and EDGE_SLUG not in path
    ]
    pages.update({f"post-{number}": path for number, path in enumerate(posts[:4], 1)})
    page = open_page(
        browser, live_server, viewport={"width": width, "height": 900}, color_scheme=scheme
    )
    for name, path in pages.items():
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        save_screenshot(page, f"{name}-{device}-{scheme}")
    close_page(page)
