"""Every public page passes axe-core (WCAG 2.1 A and AA, and axe's best practices) in the
light and the dark colour scheme, with zero violations.

One browser context visits every page once; axe runs twice on it, once per colour scheme
(the scheme switches in place, no reload).
"""

import pytest

from tests.a11y_pages import AXE_JS, MISSING_TOOLS, add_edge_cases, public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.slice(0, 5).map((node) => ({
      target: node.target.join(" "),
      summary: node.failureSummary,
    })),
    count: violation.nodes.length,
  }));
}"""


def open_state(page, checked):
    """Show the page as the check needs it: a POST state is the form sent empty."""
    if checked.synthetic:
        page.route(
            f"**{checked.path}",
            lambda route: route.fulfill(status=200, content_type="text/html", body=checked.html),
        )
    page.goto(checked.path)
    if checked.form:
        form = page.locator(checked.form).first
        # Skip the browser's own checks, as an old browser would: the server's
        # error messages are what this state shows.
        form.evaluate("form => { form.noValidate = true; }")
        with page.expect_navigation():
            form.evaluate("form => form.requestSubmit()")


def axe_violations(page):
    return page.evaluate(RUN_AXE, AXE_TAGS)


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"  [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['count']} elements)"
        )
        for node in violation["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"      {node['target']} — {summary}")
    return "\n".join(lines)


def test_every_public_page_passes_axe_in_light_and_dark(browser, live_server, client, demo):
    assert AXE_JS.exists(), MISSING_TOOLS
    add_edge_cases()
    pages, _broken = public_pages(client)
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    # An init script is added by the DevTools protocol, outside the page's CSP
    # (script-src 'self'), so axe runs without relaxing the policy under test.
    context.add_init_script(path=str(AXE_JS))
    page = context.new_page()
    report = []
    try:
        for checked in pages:
            open_state(page, checked)
            backgrounds = set()
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                backgrounds.add(page.evaluate("getComputedStyle(document.body).backgroundColor"))
                violations = axe_violations(page)
                if violations:
                    report.append(f"{checked.describe()} [{scheme}]\n{describe(violations)}")
            # The dark scheme really is another set of colours, so contrast is checked twice.
            assert len(backgrounds) == 2, f"{checked.describe()}: same colours in both schemes"
    finally:
        context.close()
    if report:
        pytest.fail(
            f"axe found violations on {len(report)} page states of {len(pages) * 2}:\n"
            + "\n".join(report),
            False,
        )
