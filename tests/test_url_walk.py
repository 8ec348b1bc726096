"""Every URL pattern, filled with out-of-range values, answers without a 5xx.

Walks the whole resolver (both languages, the admin included), fills each converter or
regex group with what a stranger can type (huge and zero ids, negatives where the pattern
allows them, very long slugs, odd unicode, NUL bytes), and sends each URL as GET and POST,
anonymously and as staff. A 5xx is a page a stranger can break and a traceback in the log.
"""

import re
import sys

import pytest
from django.conf import settings
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import translation

from tests.conftest import pass_second_factor

HUGE = [str(2**63), "9" * 400]
NUMBERS = ["0", *HUGE, str(2**63 - 1)]
WORDS = ["x" * 3000, "-", "0", *HUGE]
TEXT = [*WORDS, "%00", "a%00b", "%C3%A9%E2%98%83%F0%9F%92%A9", "%FF%FE", "..", "-1"]
PATHS = [*TEXT, "a/../b", "x/" * 40]
VALUES = {"int": NUMBERS, "databaseid": NUMBERS, "slug": WORDS, "str": TEXT, "path": PATHS}
# What fills a regex group: those of these its own pattern matches.
REGEX_VALUES = PATHS
# The admin's generic routes (one set per model, Django's code): fewer values each.
ADMIN_VALUES = [str(2**63), "x" * 3000, "%00", "%FF%FE", "0"]


def _route_urls(pattern, in_admin):
    """Each way of filling a path() route with the hostile values of its converters."""
    route = pattern._route
    parts = re.split(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>", route)
    urls = [""]
    # re.split with two groups: literal, conv, name, literal, conv, name, ...
    for index in range(0, len(parts), 3):
        urls = [url + parts[index] for url in urls]
        if index + 1 < len(parts):
            name = parts[index + 2]
            converter = pattern.converters[name]
            kind = type(converter).__name__.removesuffix("Converter").lower()
            values = ADMIN_VALUES if in_admin else VALUES.get(kind) or VALUES["str"]
            regex = re.compile(converter.regex)
            candidates = [v for v in values if regex.fullmatch(v)] or ["1"]
            # One hostile value per group at a time, the others kept ordinary.
            urls = [url + value for url in urls for value in candidates[:1]] + [
                url + value for url in urls[:1] for value in candidates[1:]
            ]
    return urls


def _regex_urls(pattern, in_admin):
    """Fill each named group of a re_path() with those hostile values its regex accepts."""
    regex = pattern._regex.lstrip("^").rstrip("$")
    groups = list(re.finditer(r"\((?:\?P<\w+>|(?!\?))", regex))  # named or plain groups
    if not groups:
        return [regex.replace("\\", "")]
    compiled = re.compile(pattern._regex)
    # Replace the whole group (balanced parentheses) with a placeholder.
    template, position = "", 0
    for match in groups:
        start = match.start()
        if start < position:
            continue
        depth, end = 0, start
        for end in range(start, len(regex)):
            depth += {"(": 1, ")": -1}.get(regex[end], 0)
            if depth == 0:
                break
        template += regex[position:start] + "{}"
        position = end + 1
    template += regex[position:]
    template = template.replace("\\", "")
    urls = []
    for value in ADMIN_VALUES if in_admin else REGEX_VALUES:
        url = template.format(*[value] * template.count("{}"))
        if compiled.fullmatch(url.replace("%00", "\0")) or compiled.fullmatch(url):
            urls.append(url)
    return urls


def _pattern_urls(pattern, in_admin):
    if isinstance(pattern, LocalePrefixPattern):
        return [pattern.language_prefix]
    if isinstance(pattern, RoutePattern):
        return _route_urls(pattern, in_admin)
    if isinstance(pattern, RegexPattern):
        return _regex_urls(pattern, in_admin)
    raise AssertionError(f"unknown pattern {pattern!r}")


def walk(resolver, prefix=""):
    """(url, route name) for every leaf pattern below `resolver`."""
    in_admin = prefix.startswith(f"{settings.ADMIN_PATH}/")
    for entry in resolver.url_patterns:
        for part in _pattern_urls(entry.pattern, in_admin):
            if isinstance(entry, URLResolver):
                yield from walk(entry, prefix + part)
            elif isinstance(entry, URLPattern):
                yield "/" + prefix + part, entry.name or ""


def all_urls():
    urls = {}
    for language in ("fr", "en"):
        with translation.override(language):
            for url, name in walk(get_resolver()):
                urls.setdefault(url, name)
    return urls


# Staff: a POST there ends the session the rest of the walk needs.
SKIP_FOR_STAFF = {"logout"}


@pytest.mark.django_db
def test_no_url_answers_a_5xx_to_out_of_range_values(admin_user, make_post):
    make_post(title="Un billet", slug="un-billet")
    urls = all_urls()
    anonymous = Client(raise_request_exception=False)
    staff = pass_second_factor(Client(raise_request_exception=False), admin_user)
    failures, errors = [], []
    got_request_exception.connect(
        lambda sender, request, **kwargs: errors.append(repr(sys.exc_info()[1])[:80]),
        weak=False,
        dispatch_uid="url-walk",
    )
    for url, name in sorted(urls.items()):
        for who, client in (("anonymous", anonymous), ("staff", staff)):
            for method in ("get", "post"):
                if who == "staff" and name in SKIP_FOR_STAFF:
                    continue
                errors.clear()
                response = getattr(client, method)(url)
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {url[:80]} ({who}, {name}): {errors[:1]}")
    got_request_exception.disconnect(dispatch_uid="url-walk")
    print(f"{len(urls)} URLs walked, {len(failures)} 5xx")
    assert len(urls) > 300
    assert not failures, f"{len(failures)} 5xx:\n" + "\n".join(failures)


@pytest.mark.django_db
def test_the_reviewed_addresses_are_404s():
    urls = all_urls()
    assert "/en/comments/reply/9223372036854775808/" in urls
    assert "/blog/preview/page/9223372036854775808/" in urls
    for url in (
        "/comments/report/99999999999999999999/",
        "/comments/report/9223372036854775808/",
        "/en/comments/reply/9223372036854775808/",
        "/blog/0/",
        "/blog/10000/",
        "/blog/preview/9223372036854775808/",
        f"/{settings.ADMIN_PATH}/django_comments_xtd/xtdcomment/9223372036854775808/change/",
    ):
        response = Client(raise_request_exception=False).get(url)
        assert response.status_code in (302, 404), url
