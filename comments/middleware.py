"""Keep pages that show one visitor's own data out of every shared cache."""

from django.utils.cache import add_never_cache_headers

from comments.cookies import PERSONAL_COOKIES


def personal_pages(get_response):
    """Mark a response never-cache when it was rendered for this visitor alone.

    The comment section sets `request.vitrine_personal` when it shows the
    visitor's pending comments or prefills the form from the remember-me
    cookie; a request carrying one of our cookies is personal too. The page
    cache skips responses marked `private`/`no-cache`.
    """

    def middleware(request):
        response = get_response(request)
        if getattr(request, "vitrine_personal", False) or any(
            name in request.COOKIES for name in PERSONAL_COOKIES
        ):
            add_never_cache_headers(response)
        return response

    return middleware
