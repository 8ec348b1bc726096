"""What crawlers read: the site's own sitemap entries and robots.txt.

Every URL is built from SITE_URL, never from the Site object or the request's
host, so a proxy or a stale Site row cannot make a sitemap point elsewhere.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET


class SiteUrlSitemap(Sitemap):
    """A sitemap listing each page in every language, with hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


def _prefix(route, **kwargs):
    """The path of `route` cut after its last fixed segment: /blog/preview/1/ gives /blog/preview/."""
    path = reverse(route, kwargs=kwargs)
    return path.rstrip("/").rsplit("/", 1)[0] + "/" if kwargs else path


@require_GET
def robots_txt(request):
    """Keep crawlers out of the previews and search results; point them to the sitemap.

    The admin is not listed: robots.txt is public, and naming ADMIN_PATH would defeat its
    being hard to guess. Its pages say noindex themselves (Django's admin/base.html).
    """
    disallowed = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            disallowed += [_prefix("blog:post_preview", pk=1), _prefix("blog:search")]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in dict.fromkeys(disallowed))]
    lines += ["", f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
