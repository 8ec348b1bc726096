"""Every public page is valid HTML (the Nu HTML Checker), its links lead somewhere, and
its JSON-LD says what search engines need."""

import json
import re
import shutil
import subprocess
from collections import defaultdict

import pytest

from tests.a11y_pages import EDGE_SLUG, MISSING_TOOLS, VNU_JAR, add_edge_cases, public_pages

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
# What search engines read from each type (Google's structured data guidelines).
REQUIRED_FIELDS = {
    "BlogPosting": {"headline", "datePublished", "author"},
    "Article": {"headline", "datePublished", "author"},
    "Person": {"name"},
    "ProfilePage": {"mainEntity"},
    "WebSite": {"name", "url"},
    "BreadcrumbList": {"itemListElement"},
}


# Both tests read the same crawl (the demo and the edge cases): the first of them in a
# process makes it, the other reuses it.
_crawl = {}


@pytest.fixture
def pages(request, client, db):
    if not _crawl:
        request.getfixturevalue("demo")
        add_edge_cases()
        _crawl["pages"], _crawl["broken"] = public_pages(client)
    assert _crawl["broken"] == {}, f"links to missing or failing pages: {_crawl['broken']}"
    return _crawl["pages"]


def run_vnu(pages, folder):
    """One vnu run over every page (the JVM takes a second to start): {label: [errors]}."""
    files = {}
    for number, page in enumerate(pages):
        path = folder / f"page-{number:03d}.html"
        path.write_text(page.html)
        files[path.name] = page
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--exit-zero-always"]
        + [str(folder / f"page-{number:03d}.html") for number in range(len(pages))],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    errors = defaultdict(list)
    for message in json.loads(result.stdout)["messages"]:
        if message["type"] != "error":
            continue
        page = files.get(message.get("url", "").rpartition("/")[2])
        label = page.describe() if page else message.get("url")
        errors[label].append(
            f"line {message.get('lastLine')}: {message['message']} — {message.get('extract', '')!r}"
        )
    return dict(errors)


def test_every_public_page_is_valid_html(pages, tmp_path):
    assert VNU_JAR.exists(), MISSING_TOOLS
    assert shutil.which("java"), "Java is needed for the Nu HTML Checker: `make test` installs it"
    paths = {page.path for page in pages}
    # The crawl really went through the site: both languages, the blog, a post, a 404.
    assert {"/", "/en/", "/blog/", f"/blog/{EDGE_SLUG}/"} <= paths
    assert any(page.status == 404 for page in pages)

    errors = run_vnu(pages, tmp_path)

    report = "\n".join(
        f"{label}\n  " + "\n  ".join(messages) for label, messages in sorted(errors.items())
    )
    if errors:
        pytest.fail(f"{len(errors)} of {len(pages)} pages have HTML errors:\n{report}", False)


def _items(data):
    """Each JSON-LD node, following @graph."""
    nodes = data if isinstance(data, list) else [data]
    for node in nodes:
        yield from _items(node["@graph"]) if "@graph" in node else [node]


def test_json_ld_parses_and_has_what_search_engines_need(pages):
    problems = []
    types_seen = set()
    for page in pages:
        for block in JSON_LD.findall(page.html):
            try:
                data = json.loads(block)
            except json.JSONDecodeError as error:
                problems.append(f"{page.path}: JSON-LD does not parse: {error}")
                continue
            contexts = [data] if isinstance(data, dict) else data
            for node in contexts:
                if "schema.org" not in str(node.get("@context", "")):
                    problems.append(f"{page.path}: JSON-LD without a schema.org @context")
            for item in _items(data):
                kinds = item.get("@type")
                if not kinds:
                    problems.append(f"{page.path}: a JSON-LD item without @type")
                    continue
                for kind in kinds if isinstance(kinds, list) else [kinds]:
                    types_seen.add(kind)
                    missing = REQUIRED_FIELDS.get(kind, set()) - {k for k, v in item.items() if v}
                    if missing:
                        problems.append(f"{page.path}: {kind} lacks {sorted(missing)}")
    # A post says it is an article, the profile says who the person is.
    if not types_seen & {"BlogPosting", "Article"}:
        problems.append("no page describes a post (BlogPosting)")
    if not types_seen & {"Person", "ProfilePage"}:
        problems.append("no page describes the person (Person or ProfilePage)")
    if problems:
        pytest.fail("\n".join(problems), False)
