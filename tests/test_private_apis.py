"""The private Django APIs behind portfolio/core/private_apis.py: this fails first on an upgrade.

The page cache cuts each visitor's CSRF token out of a stored page and puts the next
visitor's in; if Django changed how a token carries its secret, every cached form would
refuse its visitors' posts. The profile's lists, read in one query, are handed to the
related managers as a prefetch would; if that changed, each list would query again.
"""

import inspect

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.middleware import csrf
from django.test import RequestFactory

from portfolio.core.private_apis import (
    csrf_secret,
    csrf_token_secret,
    get_token_fast,
    set_prefetched,
)
from portfolio.models import Language, Profile


def test_each_masked_token_carries_the_requests_secret():
    request = RequestFactory().get("/")
    first, second = csrf.get_token(request), csrf.get_token(request)
    assert first != second  # masked afresh each time, as the cache expects
    assert len(first) == len(second) == csrf.CSRF_TOKEN_LENGTH == 64
    assert csrf_token_secret(first) == csrf_token_secret(second) == csrf_secret(request)


def test_the_secret_is_the_visitors_cookie_once_the_middleware_has_read_it():
    secret = csrf._get_new_csrf_string()
    request = RequestFactory().get("/", HTTP_COOKIE=f"{settings.CSRF_COOKIE_NAME}={secret}")
    csrf.CsrfViewMiddleware(lambda request: None).process_request(request)
    assert csrf_secret(request) == secret
    assert csrf_token_secret(csrf.get_token(request)) == secret


def test_a_request_without_the_middleware_has_no_secret():
    assert csrf_secret(RequestFactory().get("/")) is None


@pytest.mark.django_db  # the refusal's page reads the site's menus
def test_a_token_made_on_a_hit_is_one_djangos_middleware_sets_and_accepts():
    first_visit = RequestFactory().get("/")
    token = get_token_fast(first_visit)
    secret = csrf_secret(first_visit)
    assert len(token) == csrf.CSRF_TOKEN_LENGTH and len(secret) == csrf.CSRF_SECRET_LENGTH
    assert csrf_token_secret(token) == secret
    again = get_token_fast(first_visit)
    assert again != token and csrf_token_secret(again) == secret  # a fresh mask each time

    middleware = csrf.CsrfViewMiddleware(lambda request: HttpResponse())
    response = middleware.process_response(first_visit, HttpResponse())
    assert response.cookies[settings.CSRF_COOKIE_NAME].value == secret
    post = RequestFactory().post(
        "/",
        {"csrfmiddlewaretoken": token},
        HTTP_COOKIE=f"{settings.CSRF_COOKIE_NAME}={secret}",
    )
    middleware.process_request(post)
    assert middleware.process_view(post, lambda request: HttpResponse(), (), {}) is None
    forged = RequestFactory().post(
        "/",
        {"csrfmiddlewaretoken": get_token_fast(RequestFactory().get("/"))},
        HTTP_COOKIE=f"{settings.CSRF_COOKIE_NAME}={secret}",
    )
    middleware.process_request(forged)
    assert (
        middleware.process_view(forged, lambda request: HttpResponse(), (), {}).status_code == 403
    )


def test_the_private_function_keeps_its_signature():
    assert list(inspect.signature(csrf._unmask_cipher_token).parameters) == ["token"]


@pytest.mark.django_db
def test_rows_stored_as_a_prefetch_are_read_without_a_query(django_assert_num_queries):
    profile = Profile.objects.create(full_name="Ada Martin", headline="Scrum Master")
    stored = Language.objects.create(profile=profile, name="Breton", level="B1")
    Language.objects.create(profile=profile, name="Basque", level="A1")
    set_prefetched(profile, "languages", [stored])
    with django_assert_num_queries(0):
        assert list(profile.languages.all()) == [stored]
        assert profile.languages.count() == 1
