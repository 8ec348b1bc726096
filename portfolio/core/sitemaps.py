"""What crawlers read: the site's own sitemap entries and robots.txt.

Every URL is built from SITE_URL, never from the Site object or the request's
host, so a proxy or a stale Site row cannot make a sitemap point elsewhere.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET

from portfolio.core.page_cache import cache_under_query

# Past this many URLs (a page in each language counts once each), /sitemap.xml becomes
# an index of section sitemaps of this many URLs at most: small files a crawler takes fast.
URLS_PER_SITEMAP = 1000


class SiteUrlSitemap(Sitemap):
    """A sitemap listing each page in every language, with hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True
    # Django's sitemap pagination counts each (item, language) pair, i.e. URLs.
    limit = URLS_PER_SITEMAP

    @cached_property
    def paginator(self):
        # Read for the count, the index and the page: the items are listed once a request.
        return super().paginator

    def get_latest_lastmod(self):
        """As Django's, from the items already listed: the index costs no query more."""
        if not callable(getattr(self, "lastmod", None)):
            return super().get_latest_lastmod()
        lastmods = {self.lastmod(item) for item, _language in self.paginator.object_list}
        lastmods.discard(None)
        return max(lastmods, default=None)

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


@require_GET
def sitemap_or_index(request, sitemaps):
    """/sitemap.xml: every URL while they are few; past URLS_PER_SITEMAP, an index.

    The index (Django's, with its pagination) links to each section's pages
    (/sitemap-posts.xml, ?p=2…), built from SITE_URL rather than the Site's domain.
    """
    sites = {section: site() for section, site in sitemaps.items()}
    if sum(site.paginator.count for site in sites.values()) <= URLS_PER_SITEMAP:
        return sitemap_views.sitemap(request, sites)
    response = sitemap_views.index(request, sites, sitemap_url_name="sitemap_section")
    for entry in response.context_data["sitemaps"]:
        path, query = urlsplit(entry.location)[2:4]
        entry.location = settings.SITE_URL + path + (f"?{query}" if query else "")
    return response


def sitemap_section(request, sitemaps, section):
    """A section sitemap the index lists (/sitemap-posts.xml?p=2): Django's view, cached.

    Django reads `p` as a number (anything else, or a page past the last, is a 404); the
    page cache stores the answer only under that number written plainly, so `?p=02` or
    `?p=+2` show page 2 but never make an entry of their own.
    """
    response = sitemap_views.sitemap(request, sitemaps, section=section)
    return cache_under_query(response, p=int(request.GET.get("p", 1)))


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
