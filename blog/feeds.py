"""RSS 2.0 and Atom feeds: every post, and per category and per tag.

Each entry carries the whole post (cover and body, image URLs absolute), so
it reads well in a feed reader. Every URL is built from SITE_URL rather than
the request's host. Items come from one queryset with their blocks prefetched:
a feed costs the same number of queries whatever the number of posts.
"""

from datetime import datetime, time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from blog import content
from blog.models import Category, Post, Tag
from blog.typography import french_typography_text
from portfolio.core.site_url import absolute

FEED_ITEMS = 20


class FullContentRssFeed(Rss201rev2Feed):
    """RSS 2.0 with the whole post in `content:encoded`, the excerpt in `description`."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content_html"])


class FullContentAtomFeed(Atom1Feed):
    """Atom with the whole post in `<content type="html">`, the excerpt in `<summary>`."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content_html"], {"type": "html"})


class PostsFeed(Feed):
    """All published posts, newest first. Subclasses narrow the posts and name the feed."""

    feed_type = FullContentRssFeed
    route = "blog:feed_rss"

    def posts(self, obj):
        return Post.objects.published()

    def items(self, obj):
        return self.posts(obj).for_cards().with_tags().with_content()[:FEED_ITEMS]

    def route_kwargs(self, obj):
        return {}

    def title(self, obj):
        return _("%(site)s – Blog") % {"site": settings.SITE_NAME}

    def link(self, obj):
        return absolute(reverse("blog:post_list"))

    def description(self, obj):
        return _("The latest posts of %(site)s.") % {"site": settings.SITE_NAME}

    subtitle = description

    def feed_url(self, obj):
        return absolute(reverse(self.route, kwargs=self.route_kwargs(obj)))

    def author_name(self, obj):
        return settings.SITE_NAME

    def author_link(self, obj):
        return absolute(reverse("portfolio:home"))

    def feed_guid(self, obj):
        return self.feed_url(obj)

    def feed_copyright(self, obj):
        return f"© {settings.SITE_NAME}"

    def item_title(self, post):
        return french_typography_text(post.title, post.language)

    def item_link(self, post):
        return absolute(post.get_absolute_url())

    def item_guid(self, post):
        # A tag URI that survives a change of slug or of publication date, so
        # readers never show a post twice (RFC 4151).
        host = urlsplit(settings.SITE_URL).hostname
        return f"tag:{host},{post.created_at:%Y-%m-%d}:blog/post/{post.pk}"

    def item_guid_is_permalink(self, post):
        return False

    def item_description(self, post):
        # Atom's <summary type="html"> and RSS's <description> are read as HTML: the
        # standfirst is plain text, so markup typed in it is escaped to show as typed.
        text = french_typography_text(post.standfirst or content.excerpt(post), post.language)
        return escape(text)

    def item_extra_kwargs(self, post):
        html = render_to_string(
            "blog/feed_item.html",
            {
                "post": post,
                "link": self.item_link(post),
                "cover": post.cover_picture and post.cover_picture.absolute(),
                "body": content.body_html(post, absolute=True),
            },
        )
        return {"content_html": html}

    def item_author_name(self, post):
        return post.author.name if post.author else None

    def item_author_link(self, post):
        # A guest author without a website has no link (an empty <uri> is invalid Atom).
        url = post.author.get_absolute_url() if post.author else ""
        return absolute(url) or None

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        """The author's "updated on" date when later than the publication, else the publication."""
        if post.updated_on:
            noon = timezone.make_aware(datetime.combine(post.updated_on, time(12)))
            return max(noon, post.published_at)
        return post.published_at

    def item_categories(self, post):
        names = [post.category.name] if post.category else []
        return names + [tag.name for tag in post.tags.all()]


class PostsAtomFeed(PostsFeed):
    feed_type = FullContentAtomFeed
    route = "blog:feed_atom"


class CategoryFeed(PostsFeed):
    route = "blog:category_feed_rss"

    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def posts(self, category):
        return Post.objects.published().filter(category=category)

    def route_kwargs(self, category):
        return {"slug": category.slug}

    def title(self, category):
        return _("%(site)s – Category: %(name)s") % {
            "site": settings.SITE_NAME,
            "name": category.name,
        }

    def link(self, category):
        return absolute(category.get_absolute_url())

    def description(self, category):
        return category.description or _("The latest posts in the category “%(name)s”.") % {
            "name": category.name
        }

    subtitle = description


class CategoryAtomFeed(CategoryFeed):
    feed_type = FullContentAtomFeed
    route = "blog:category_feed_atom"


class TagFeed(PostsFeed):
    route = "blog:tag_feed_rss"

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def posts(self, tag):
        return Post.objects.published().filter(tags=tag)

    def route_kwargs(self, tag):
        return {"slug": tag.slug}

    def title(self, tag):
        return _("%(site)s – Posts tagged “%(name)s”") % {
            "site": settings.SITE_NAME,
            "name": tag.name,
        }

    def link(self, tag):
        return absolute(tag.get_absolute_url())

    def description(self, tag):
        return _("The latest posts tagged “%(name)s”.") % {"name": tag.name}

    subtitle = description


class TagAtomFeed(TagFeed):
    feed_type = FullContentAtomFeed
    route = "blog:tag_feed_atom"
