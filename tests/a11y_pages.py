"""The public pages the accessibility and validity checks visit, and the content they need.

The pages are found by following links from the two home pages, as a visitor would, so a
page that lands later (tags, series, the CV...) is checked without editing a list. States
that no link leads to are added by hand: search results and no results, a form showing its
errors, a missing page.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone, translation

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
MISSING_TOOLS = "run `make test` (or `npm ci --ignore-scripts`) to install axe-core and vnu.jar"

START = ["/", "/en/"]
# Pages of one kind look alike: two of each per language, but every post (the demo
# posts each show a feature: figures, gallery, questions and answers, comments).
PER_ROUTE = 2
ROUTE_LIMITS = {"blog:post_detail": 12}
MAX_PAGES = 100

LONG_WORD = "Anticonstitutionnellement" * 3
LONG_URL = "https://example.org/" + "un-chemin-qui-ne-finit-jamais-" * 3 + "fin"
EDGE_SLUG = "mots-tres-longs-sans-couverture"
NOT_FOUND = ["/page-qui-n-existe-pas/", "/en/no-such-page/"]


@dataclass
class Page:
    label: str
    path: str
    html: str
    status: int = 200
    # A form state: the form (CSS selector) on `path` sent empty, and what it answered.
    form: str | None = None
    synthetic: bool = False

    @property
    def method(self):
        return "POST" if self.form else "GET"

    def describe(self):
        label = f" ({self.label})" if self.label != self.path else ""
        return f"{self.method} {self.path}{label}"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_in(html):
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


# Files, not pages: the CV, the vCard, feeds and sitemaps have checks of their own.
NOT_PAGES = (".pdf", ".vcf", ".xml", ".txt", ".json", ".ics")


def _skipped(path):
    prefixes = (settings.STATIC_URL, settings.MEDIA_URL, f"/{settings.ADMIN_PATH}/")
    if path.endswith(NOT_PAGES):
        return True
    return any(path.startswith("/" + prefix.strip("/") + "/") for prefix in prefixes)


def route_name(path):
    """The view name of a path, in the language its prefix says."""
    with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
        try:
            return resolve(path).view_name
        except Resolver404:
            return None


def crawl(client, start=START):
    """The internal HTML pages reachable from `start`, and the links that are broken."""
    queue = list(start)
    seen = set(queue)
    per_route = Counter()
    pages, broken = [], {}
    while queue and len(pages) < MAX_PAGES:
        path = queue.pop(0)
        response = client.get(path)
        if response.status_code != 200:
            broken[path] = response.status_code
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        pages.append(Page(label=path, path=path, html=html))
        for href in links_in(html):
            parts = urlsplit(urljoin(path, href))
            if parts.scheme not in ("", "http", "https") or _skipped(parts.path):
                continue
            if parts.netloc and parts.netloc not in (
                "testserver",
                urlsplit(settings.SITE_URL).netloc,
            ):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in seen:
                continue
            view = route_name(parts.path)
            key = (parts.path.startswith("/en/"), view, bool(parts.query))
            if view is not None and per_route[key] >= ROUTE_LIMITS.get(view, PER_ROUTE):
                continue
            per_route[key] += 1
            seen.add(target)
            queue.append(target)
    return pages, broken


def _reverse(name, **kwargs):
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def search_paths():
    """Search with results and without, in both languages, when the search page exists."""
    paths = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            path = _reverse("blog:search")
        if path:
            paths += [("search, results", f"{path}?q=backlog"), ("search, none", f"{path}?q=zzqxj")]
    return paths


class _Form(HTMLParser):
    """One form of a page: where it posts, and its hidden fields with their values."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.action = None
        self.hidden = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None:
            wanted = attrs.get("id") == self.form_id if self.form_id else True
            if wanted and (attrs.get("method") or "").lower() == "post":
                self.inside = True
                self.action = attrs.get("action") or ""
        elif self.inside and tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.hidden[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def send_empty(client, label, page, form_id=None):
    """The form sent with every visible field empty, as a hurried visitor would."""
    form = _Form(form_id)
    form.feed(page.html)
    if form.action is None:
        return None
    response = client.post(urljoin(page.path, form.action), form.hidden)
    selector = f"form#{form_id}" if form_id else "main form[method=post]"
    return Page(label, page.path, response.content.decode(), response.status_code, selector)


def form_error_pages(client, crawled):
    """The contact form and a comment form showing their errors, in each language."""
    states = {}
    for page in crawled:
        language = "en" if page.path.startswith("/en/") else "fr"
        view = route_name(page.path)
        if view == "portfolio:contact" and ("contact", language) not in states:
            states["contact", language] = send_empty(client, "contact, sent empty", page)
        elif view == "blog:post_detail" and 'id="comment-form"' in page.html:
            if ("comment", language) not in states:
                states["comment", language] = send_empty(
                    client, "comment, sent empty", page, "comment-form"
                )
    return [state for state in states.values() if state]


def public_pages(client):
    """Every page the checks visit: crawled, plus search, form errors and a 404."""
    pages, broken = crawl(client)
    for label, path in search_paths():
        response = client.get(path)
        pages.append(Page(label, path, response.content.decode(), response.status_code))
    pages += form_error_pages(client, pages)
    for path in NOT_FOUND:
        response = client.get(path)
        pages.append(Page("404", path, response.content.decode(), response.status_code))
    return pages + error_pages(), broken


def error_pages():
    """The 400, 403, expired-form and 500 pages, as their handlers render them.

    No URL leads to them on purpose: the browser is handed their HTML at a made-up
    address of the live server (`synthetic`), so their stylesheet still loads.
    """
    from django.core.exceptions import BadRequest, PermissionDenied
    from django.test import RequestFactory

    from portfolio.core import views

    request = RequestFactory().get("/")
    answers = {
        "400": views.bad_request(request, BadRequest()),
        "403": views.permission_denied(request, PermissionDenied()),
        "403-csrf": views.csrf_failure(request),
        "500": views.server_error(request),
    }
    return [
        Page(
            f"{name} page",
            f"/__error-pages__/{name}/",
            response.content.decode(),
            200,
            synthetic=True,
        )
        for name, response in answers.items()
    ]


def add_edge_cases():
    """What a careful author would not write but the layout must survive.

    A post whose title is one very long word and a long address, without a cover
    image, and a comment made of the same.
    """
    from django.contrib.sites.models import Site
    from django_comments_xtd.models import XtdComment

    from blog.models import Post

    post = Post.objects.create(
        title=f"{LONG_WORD} {LONG_URL}",
        slug=EDGE_SLUG,
        standfirst=f"{LONG_WORD} — {LONG_URL}",
        status=Post.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=1),
    )
    XtdComment.objects.create(
        content_object=post,
        site=Site.objects.get_current(),
        user_name=LONG_WORD[:50],  # the longest name django-comments stores
        user_email="lecteur@example.org",
        comment=f"{LONG_WORD} {LONG_URL}",
        is_public=True,
        submit_date=timezone.now(),
    )
    return post
