"""Structured data (JSON-LD) for blog pages."""

from django.conf import settings

from portfolio.core.site_url import absolute


def image_object(picture, caption="", credit=""):
    data = {
        "@type": "ImageObject",
        "url": absolute(picture.src),
        "contentUrl": absolute(picture.src),
        "width": picture.width,
        "height": picture.height,
    }
    if caption:
        data["caption"] = caption
    if credit:
        data["creditText"] = credit
    return data


def breadcrumbs(items):
    """A BreadcrumbList from (name, url) pairs."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index, "name": str(name), "item": absolute(url)}
            for index, (name, url) in enumerate(items, start=1)
        ],
    }


def blog_posting(post, *, description, images, author_url):
    """A BlogPosting for one post. `images`: (Picture, caption, credit) of the cover and figures."""
    author = {"@type": "Person", "name": post.author.name if post.author else settings.SITE_NAME}
    if author_url:
        author["url"] = absolute(author_url)
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "mainEntityOfPage": absolute(post.get_absolute_url()),
        "url": absolute(post.get_absolute_url()),
        "headline": post.title,
        "description": description,
        "inLanguage": post.language,
        "datePublished": post.published_at.isoformat(),
        "dateModified": (post.modified_at or post.published_at).isoformat(),
        "author": author,
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
        "commentCount": getattr(post, "comment_count", 0),
        "isAccessibleForFree": True,
    }
    if images:
        data["image"] = [
            image_object(picture, caption, credit) for picture, caption, credit in images
        ]
    if post.category_id:
        data["articleSection"] = post.category.name
    keywords = [tag.name for tag in post.tags.all()]
    if keywords:
        data["keywords"] = keywords
    if post.first_published_url:
        # Republished with permission: the original is the reference (the canonical says so too).
        data["isBasedOn"] = post.first_published_url
        data["sameAs"] = post.first_published_url
    return data
