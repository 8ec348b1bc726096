"""A URL on this site, absolute from SITE_URL: what feeds, sitemaps, JSON-LD and exports give out.

Read outside the site (a feed reader, a search engine, an address book), a path means nothing:
it needs the site's scheme and host, taken from SITE_URL, never from the request's Host.
"""

from urllib.parse import urlsplit

from django.conf import settings


def absolute(url):
    """`url` with SITE_URL in front when it is a path of this site.

    A URL that is already absolute (media on S3 or a CDN, an author's website) is left alone;
    a protocol-relative one (`//cdn.example.com/a.webp`) takes SITE_URL's scheme; an empty
    value stays empty, so that "no URL" never becomes the home page.
    """
    if not url or urlsplit(url).scheme:
        return url
    if url.startswith("//"):
        return f"{urlsplit(settings.SITE_URL).scheme}:{url}"
    return settings.SITE_URL + ("" if url.startswith("/") else "/") + url
