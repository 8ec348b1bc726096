"""WordPress's query addresses (`/?p=12`, `/?page_id=7`) answer 301 to where the page is now.

django.contrib.redirects answers paths, and only on a 404; the site's home
page is no 404, and its query string is another request's business. The
importer stores these addresses as ordinary `Redirect` rows
(`old_path="/?p=12"`), so the admin lists and edits them with the others.
"""

import re

from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.http import HttpResponsePermanentRedirect

QUERY_PARAMETERS = ("p", "page_id")
# ASCII digits only: "²".isdigit() is true and int("²") fails.
WORDPRESS_ID = re.compile(r"[0-9]{1,18}")
HOME_PATHS = ("/", "/index.php")


class WordPressQueryRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in HOME_PATHS and request.method in ("GET", "HEAD"):
            for name in QUERY_PARAMETERS:
                value = request.GET.get(name, "")
                if WORDPRESS_ID.fullmatch(value):
                    target = (
                        Redirect.objects.filter(
                            site_id=settings.SITE_ID, old_path=f"/?{name}={int(value)}"
                        )
                        .values_list("new_path", flat=True)
                        .first()
                    )
                    if target:
                        return HttpResponsePermanentRedirect(target)
        return self.get_response(request)
