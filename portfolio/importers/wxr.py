"""Reading a WordPress eXtended RSS export (WXR 1.0 to 1.2), one item at a time.

- The parser is defusedxml's `iterparse` with DTDs, entity declarations and
  external references all forbidden: a billion-laughs file, an external entity
  or any DTD trick stops the reading with `WxrRefused` before anything is done.
- Each `<item>` is turned into an `Item` when its end tag is read, then
  cleared and dropped from the tree: a 100 MB export never sits in memory.
- Namespaces are matched by what they are, not their exact URI: WordPress.org
  and WordPress.com write `http://` or `https://wordpress.org/export/1.x/`.
- A truncated or malformed file raises `WxrRefused` naming the line.

Callers read the file twice (`read_channel` then `items`): the first pass
checks the whole file and collects what items refer to across the file
(attachments, authors, terms), so nothing is written from a file that turns
out to be broken at its end.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse


class WxrRefused(Exception):
    """The file cannot be imported; the message is one line a person understands."""


@dataclass
class Author:
    login: str
    display_name: str
    email: str = ""


@dataclass
class Term:
    slug: str
    name: str


@dataclass
class Comment:
    id: int
    author: str
    email: str
    url: str
    ip: str
    date_gmt: datetime | None
    content: str
    approved: str  # "1", "0", "spam", "trash", "post-trashed"
    type: str  # "" / "comment", "pingback", "trackback"
    parent: int


@dataclass
class Item:
    id: int
    type: str  # post, page, attachment, nav_menu_item…
    title: str
    link: str
    slug: str
    status: str
    content: str
    excerpt: str
    creator: str
    date_gmt: datetime | None
    modified_gmt: datetime | None
    comment_status: str
    parent: int = 0
    menu_order: int = 0
    attachment_url: str = ""
    categories: list = field(default_factory=list)  # Term
    tags: list = field(default_factory=list)  # Term
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)  # Comment


@dataclass
class Channel:
    """What the whole file says about the site, gathered by the first pass."""

    site_url: str = ""
    title: str = ""
    language: str = ""
    version: str = ""
    authors: dict = field(default_factory=dict)  # login → Author
    categories: dict = field(default_factory=dict)  # slug → Term
    tags: dict = field(default_factory=dict)  # slug → Term
    attachments: dict = field(default_factory=dict)  # id → Item
    item_count: int = 0


def _prefix(uri):
    if "wordpress.org/export/" in uri:
        return "excerpt" if uri.rstrip("/").endswith("excerpt") else "wp"
    if "purl.org/rss/1.0/modules/content" in uri:
        return "content"
    if "purl.org/dc/elements" in uri:
        return "dc"
    return ""


_names = {}


def _name(tag):
    """'{http://wordpress.org/export/1.2/}post_id' → 'wp:post_id' (memoised: tags repeat)."""
    if tag not in _names:
        if tag.startswith("{"):
            uri, local = tag[1:].split("}", 1)
            prefix = _prefix(uri)
            _names[tag] = f"{prefix}:{local}" if prefix else local
        else:
            _names[tag] = tag
    return _names[tag]


def _children(element):
    """{name: text} of direct children (the last one wins; lists are read separately)."""
    return {_name(child.tag): (child.text or "") for child in element}


def _int(value):
    try:
        return int((value or "0").strip())
    except ValueError:
        return 0


def parse_gmt(value):
    """A WXR date in UTC ('2016-10-21 08:00:00'), or None for WordPress's '0000-00-00 …'."""
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _comment(element):
    fields = _children(element)
    return Comment(
        id=_int(fields.get("wp:comment_id")),
        author=fields.get("wp:comment_author", "").strip(),
        email=fields.get("wp:comment_author_email", "").strip(),
        url=fields.get("wp:comment_author_url", "").strip(),
        ip=fields.get("wp:comment_author_IP", "").strip(),
        date_gmt=parse_gmt(fields.get("wp:comment_date_gmt"))
        or parse_gmt(fields.get("wp:comment_date")),
        content=fields.get("wp:comment_content", ""),
        approved=fields.get("wp:comment_approved", "").strip(),
        type=fields.get("wp:comment_type", "").strip(),
        parent=_int(fields.get("wp:comment_parent")),
    )


def _item(element):
    fields = _children(element)
    item = Item(
        id=_int(fields.get("wp:post_id")),
        type=fields.get("wp:post_type", "post").strip(),
        title=fields.get("title", "").strip(),
        link=fields.get("link", "").strip(),
        slug=fields.get("wp:post_name", "").strip(),
        status=fields.get("wp:status", "").strip(),
        content=fields.get("content:encoded", ""),
        excerpt=fields.get("excerpt:encoded", ""),
        creator=fields.get("dc:creator", "").strip(),
        # Drafts carry '0000-00-00' in GMT; their local date is the best there is.
        date_gmt=parse_gmt(fields.get("wp:post_date_gmt")) or parse_gmt(fields.get("wp:post_date")),
        modified_gmt=parse_gmt(fields.get("wp:post_modified_gmt")),
        comment_status=fields.get("wp:comment_status", "open").strip(),
        parent=_int(fields.get("wp:post_parent")),
        menu_order=_int(fields.get("wp:menu_order")),
        attachment_url=fields.get("wp:attachment_url", "").strip(),
    )
    for child in element:
        name = _name(child.tag)
        if name == "category":
            term = Term(child.get("nicename", "").strip(), (child.text or "").strip())
            domain = child.get("domain", "category")
            if domain == "category":
                item.categories.append(term)
            elif domain == "post_tag":
                item.tags.append(term)
        elif name == "wp:postmeta":
            meta = _children(child)
            item.meta[meta.get("wp:meta_key", "")] = meta.get("wp:meta_value", "")
        elif name == "wp:comment":
            item.comments.append(_comment(child))
    return item


def _events(file):
    """(event, element) pairs, with every refusal turned into one readable line."""
    if hasattr(file, "seek"):
        file.seek(0)
    try:
        yield from iterparse(
            file,
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
    except DefusedXmlException as error:
        kind = type(error).__name__.replace("Forbidden", "")
        raise WxrRefused(
            f"Refused: the file declares a {kind.lower()} (DTD, entity or external "
            "reference), which a WordPress export never needs; nothing was imported."
        ) from None
    except ParseError as error:
        line, column = error.position
        raise WxrRefused(
            f"The file is damaged or incomplete at line {line}, column {column + 1}: "
            "nothing was imported. Export it again from WordPress."
        ) from None


def _walk(file, channel):
    """Fill `channel` from its own elements and yield each item as it ends."""
    depth = 0
    parents = []
    for event, element in _events(file):
        if event == "start":
            depth += 1
            parents.append(element)
            continue
        depth -= 1
        parents.pop()
        name = _name(element.tag)
        parent_name = _name(parents[-1].tag) if parents else ""
        if depth == 0 and name != "rss":
            raise WxrRefused(
                "This is not a WordPress export (no <rss> root): nothing was imported."
            )
        if parent_name != "channel":
            continue
        if name == "item":
            yield _item(element)
        elif name == "wp:base_site_url":
            channel.site_url = (element.text or "").strip().rstrip("/")
        elif name == "wp:base_blog_url" and not channel.site_url:
            channel.site_url = (element.text or "").strip().rstrip("/")
        elif name == "wp:wxr_version":
            channel.version = (element.text or "").strip()
        elif name == "title":
            channel.title = (element.text or "").strip()
        elif name == "language":
            channel.language = (element.text or "").strip()
        elif name == "link" and not channel.site_url:
            channel.site_url = (element.text or "").strip().rstrip("/")
        elif name == "wp:author":
            fields = _children(element)
            login = fields.get("wp:author_login", "").strip()
            channel.authors[login] = Author(
                login,
                fields.get("wp:author_display_name", "").strip() or login,
                fields.get("wp:author_email", "").strip(),
            )
        elif name == "wp:category":
            fields = _children(element)
            slug = fields.get("wp:category_nicename", "").strip()
            channel.categories[slug] = Term(slug, fields.get("wp:cat_name", "").strip() or slug)
        elif name == "wp:tag":
            fields = _children(element)
            slug = fields.get("wp:tag_slug", "").strip()
            channel.tags[slug] = Term(slug, fields.get("wp:tag_name", "").strip() or slug)
        # Done with this child of <channel>: free it (an item holds its whole content).
        element.clear()
        parents[-1].remove(element)


_VERSION = re.compile(r"^1\.[0-2]$")


def read_channel(file):
    """First pass: check the whole file; return the site, authors, terms and attachments."""
    channel = Channel()
    for item in _walk(file, channel):
        channel.item_count += 1
        if item.type == "attachment":
            item.content = ""  # attachments' descriptions are never shown
            item.comments = []
            channel.attachments[item.id] = item
    if not channel.version and not channel.site_url:
        raise WxrRefused(
            "This RSS file is not a WordPress export (no wp:wxr_version): nothing was imported."
        )
    if channel.version and not _VERSION.match(channel.version):
        raise WxrRefused(
            f"WXR version {channel.version} is not supported (1.0 to 1.2): nothing was imported."
        )
    return channel


def items(file):
    """Second pass: every item except attachments, one at a time."""
    for item in _walk(file, Channel()):
        if item.type != "attachment":
            yield item
