"""The profile's own sitemap entries: the home page and the profile."""

from django.urls import reverse

from portfolio.core.sitemaps import SiteUrlSitemap


class PagesSitemap(SiteUrlSitemap):
    """The home page and the profile."""

    changefreq = "monthly"

    def items(self):
        return ["portfolio:home", "portfolio:profile"]

    def location(self, route):
        return reverse(route)

    def priority(self, route):
        return 1.0 if route == "portfolio:home" else 0.8
