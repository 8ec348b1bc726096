"""The private parts of Django we rely on, in one place (tests/test_private_apis.py pins them).

The page cache stores a page with a form once and serves it to every visitor with their
own CSRF token. To cut the first visitor's tokens out of the stored body it must
recognise them, and Django offers no public way to tell which secret a masked token
carries, nor where the request's secret is kept. On a hit it makes the visitor's token
as `get_token()` does, but from one read of the system's randomness: `get_token()` draws
each of a first visit's 64 characters with its own `secrets.choice()`, which was a third
of a cached hit's time. Everything else the page cache needs has a public API.

The profile reads its lists in one query (portfolio.models.attach_lists) and hands them
to the related managers as a prefetch would: Django has no public way to store rows a
queryset did not fetch itself.

If an upgrade of Django changes any of these, tests/test_private_apis.py fails: fix it here.
"""

import operator
import os

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, _unmask_cipher_token

_CHARACTERS = CSRF_ALLOWED_CHARS.encode()
# A random byte below 248 (4 × 62), taken modulo 62, gives each character equally often.
_FAIR_BYTES = len(_CHARACTERS) * (256 // len(_CHARACTERS))
_UNFAIR_BYTES = bytes(range(_FAIR_BYTES, 256))
# Translation tables: a number (a byte, or the sum of two characters' numbers) to the
# character of that number modulo 62, and a character to its number.
_TO_CHARACTER = bytes(_CHARACTERS[number % len(_CHARACTERS)] for number in range(256))
_TO_NUMBER = bytes.maketrans(_CHARACTERS, bytes(range(len(_CHARACTERS))))


def csrf_secret(request):
    """The CSRF secret CsrfViewMiddleware read or made for this request (its cookie), or None."""
    return request.META.get("CSRF_COOKIE")


def csrf_token_secret(token):
    """The secret a masked token from `get_token()` carries (its mask undone)."""
    return _unmask_cipher_token(token)


def random_csrf_characters(count):
    """`count` characters of CSRF_ALLOWED_CHARS from the system's randomness, as bytes."""
    characters = b""
    while len(characters) < count:
        characters += os.urandom(count + 8).translate(_TO_CHARACTER, _UNFAIR_BYTES)
    return characters[:count]


def get_token_fast(request):
    """What django.middleware.csrf.get_token(request) returns and records, made faster.

    A request with no secret yet (a first visit) gets a new one, kept where the
    middleware's process_response() finds it to set the cookie; either way the cookie is
    sent again, and the token is the secret under a fresh mask.
    """
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        drawn = random_csrf_characters(2 * CSRF_SECRET_LENGTH)
        secret, mask = drawn[:CSRF_SECRET_LENGTH].decode(), drawn[CSRF_SECRET_LENGTH:]
        request.META["CSRF_COOKIE"] = secret
    else:
        mask = random_csrf_characters(CSRF_SECRET_LENGTH)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    sums = map(operator.add, secret.encode().translate(_TO_NUMBER), mask.translate(_TO_NUMBER))
    return (mask + bytes(sums).translate(_TO_CHARACTER)).decode()


def set_prefetched(instance, accessor, objects):
    """Keep `objects` where prefetch_related() would: `instance.<accessor>.all()` reads them.

    As django.db.models.query.prefetch_one_level does for a one-to-many relation.
    """
    queryset = getattr(instance, accessor).get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[accessor] = queryset
