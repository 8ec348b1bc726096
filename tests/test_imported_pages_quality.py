"""Imported posts and pages pass the same checks as the site's own: axe (WCAG 2.1 AA, light
and dark) and the Nu HTML Checker, with zero findings.

What is imported: the test exports (classic editor, block editor, WordPress.com) and the
sample shipped in docs/samples, so every converted block and every "kept as text" case
is on a checked page.
"""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from blog.models import Page as SitePage
from blog.models import Post
from tests.a11y_pages import AXE_JS, MISSING_TOOLS, VNU_JAR, Page
from tests.test_accessibility import axe_violations, describe
from tests.test_html_validity import run_vnu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "wordpress"
EXPORTS = [
    (DATA / "classic.xml", DATA / "uploads"),
    (DATA / "blocks.xml", DATA / "uploads"),
    (ROOT / "docs" / "samples" / "wordpress-sample.xml", ROOT / "docs" / "samples" / "wordpress-uploads"),
]  # fmt: skip


@pytest.fixture
def imported_paths(db):
    for export, media in EXPORTS:
        call_command("import_wordpress", str(export), "--media-dir", str(media), stdout=StringIO())
    posts = [post.get_absolute_url() for post in Post.objects.published()]
    pages = [page.get_absolute_url() for page in SitePage.objects.filter(status="published")]
    assert len(posts) >= 4 and len(pages) >= 5
    return posts + pages


def test_imported_posts_and_pages_are_valid_html(client, imported_paths, tmp_path):
    assert VNU_JAR.exists(), MISSING_TOOLS
    assert shutil.which("java"), "Java is needed for the Nu HTML Checker: `make test` installs it"
    pages = []
    for path in imported_paths:
        response = client.get(path)
        assert response.status_code == 200, path
        pages.append(Page(label=path, path=path, html=response.content.decode()))
    errors = run_vnu(pages, tmp_path)
    report = "\n".join(f"{label}\n  " + "\n  ".join(found) for label, found in errors.items())
    assert not errors, f"HTML errors on imported pages:\n{report}"


def test_imported_posts_and_pages_pass_axe(browser, live_server, imported_paths):
    assert AXE_JS.exists(), MISSING_TOOLS
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.add_init_script(path=str(AXE_JS))  # outside the page's CSP, as in test_accessibility
    page = context.new_page()
    report = []
    try:
        for path in imported_paths:
            page.goto(path)
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                violations = axe_violations(page)
                if violations:
                    report.append(f"{path} [{scheme}]\n{describe(violations)}")
    finally:
        context.close()
    assert not report, "axe violations on imported pages:\n" + "\n".join(report)
