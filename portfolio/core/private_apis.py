"""The private parts of Django we rely on, in one place (tests/test_private_apis.py pins them).

The page cache stores a page with a form once and serves it to every visitor with their
own CSRF token. To cut the first visitor's tokens out of the stored body it must
recognise them, and Django offers no public way to tell which secret a masked token
carries, nor where the request's secret is kept. Everything else the page cache needs
has a public API.

If an upgrade of Django changes either, tests/test_private_apis.py fails: fix it here.
"""

from django.middleware.csrf import _unmask_cipher_token


def csrf_secret(request):
    """The CSRF secret CsrfViewMiddleware read or made for this request (its cookie), or None."""
    return request.META.get("CSRF_COOKIE")


def csrf_token_secret(token):
    """The secret a masked token from `get_token()` carries (its mask undone)."""
    return _unmask_cipher_token(token)


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
