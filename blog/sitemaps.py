"""The blog's sitemap entries: published posts, and the list pages that have posts."""

from django.db.models import Max
from django.urls import reverse

from blog.models import Category, Page, Post, Series, Tag
from portfolio.sitemaps import SiteUrlSitemap


class PostSitemap(SiteUrlSitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return (
            Post.objects.published()
            .only("slug", "published_at", "modified_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, post):
        # A scheduled post was last saved before it appeared: its publication is the change.
        return max(post.modified_at, post.published_at)


class BlogListSitemap(SiteUrlSitemap):
    """The blog index, then each category, tag, series and year that has a published post."""

    changefreq = "weekly"
    priority = 0.5

    def items(self):
        published = Post.objects.published()
        latest = published.aggregate(last=Max("published_at"))["last"]
        items = [("blog:post_list", {}, latest)]
        for model, route in (
            (Category, "blog:category"),
            (Tag, "blog:tag"),
            (Series, "blog:series"),
        ):
            # Filtered before annotating: the maximum counts published posts only.
            groups = (
                model.objects.filter(posts__in=published)
                .annotate(last=Max("posts__published_at"))
                .order_by("slug")
            )
            items += [(route, {"slug": group.slug}, group.last) for group in groups]
        for year in published.datetimes("published_at", "year", order="DESC"):
            items.append(("blog:year", {"year": year.year}, None))
        return items

    def location(self, item):
        route, kwargs, _last = item
        return reverse(route, kwargs=kwargs)

    def lastmod(self, item):
        return item[2]


class PageSitemap(SiteUrlSitemap):
    """Published pages, the legal ones included."""

    changefreq = "yearly"
    priority = 0.4

    def items(self):
        return Page.objects.published().with_parents().order_by("pk")

    def lastmod(self, page):
        return page.modified_at
