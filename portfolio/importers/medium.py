"""Medium's "Download your information" archive → Vitrine posts.

The archive is a zip holding `posts/*.html`: one file per story, drafts named
`draft_…html`, each an h-entry (`h1.p-name` title, `section.p-summary` subtitle,
`section.e-content` body of Medium's `graf` paragraphs, `time.dt-published`,
`a.p-canonical` in the footer). Nothing is extracted to disk: members are read
from the zip, and their sizes are checked before any is read.

Which files are responses (the owner's replies to other people's stories,
skipped and counted) — the export puts them in `posts/` beside the stories and
marks them nowhere explicitly, so the rule is:

1. the h-entry says it replies to something (`u-in-reply-to`/`p-in-reply-to`,
   the microformats property for replies), or
2. it is published and has no title of its own: Medium opens every story's body
   with its title paragraph (`graf--title`), while a response has none and is
   named after its first words (its `p-name` is empty or begins its text).

A draft is never a response: an untitled draft is still the author's work.

A story is known by its Medium id, the hex suffix of its canonical URL
(`…/slug-5f1c2a9b7e3d`, `/p/5f1c2a9b7e3d`) or of its file name.
"""

import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

from bs4 import BeautifulSoup
from django.utils.translation import gettext as _

# Medium ids are 12 hex digits (older ones 10 or 11).
MEDIUM_ID = re.compile(r"(?:^|[-/_])([0-9a-f]{10,16})$")
# Medium's image CDN serves any width: /max/800/ is what the page showed, /max/1600/ what
# Vitrine's largest rendition needs.
MEDIUM_CDN_WIDTH = re.compile(r"^(https://(?:cdn-images-\d+|miro)\.medium\.com/max/)\d+(/)")
IMAGE_WIDTH = 1600

# A story is a few hundred kilobytes of HTML; limits far above that, refused before reading.
MAX_STORY_BYTES = 5 * 1024 * 1024
MAX_STORIES = 20_000
MAX_TOTAL_BYTES = 500 * 1024 * 1024
# Text compresses about 5:1; a member claiming far more is built to exhaust memory.
MAX_RATIO = 100


class ArchiveRefused(Exception):
    """The file is not a Medium archive we will read; the message says why, in one line."""


@dataclass
class Story:
    medium_id: str
    file_name: str
    title: str
    subtitle: str
    body_html: str
    published_at: datetime | None
    canonical_url: str
    is_draft: bool
    is_response: bool


def story_members(file):
    """The `posts/*.html` members of the zip `file`, checked for size; nothing read yet.

    Accepts the archive as Medium makes it (`posts/` at the root) or zipped again
    from its unzipped folder (`medium-export/posts/`).
    """
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ArchiveRefused(
            _("This file is not a zip archive. Upload the .zip Medium sent you, unchanged.")
        ) from None
    members = [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and len(PurePosixPath(info.filename).parts) in (2, 3)
        and PurePosixPath(info.filename).parent.name == "posts"
        and info.filename.lower().endswith(".html")
    ]
    if not members:
        raise ArchiveRefused(
            _(
                "This zip has no posts/ folder of .html files: it is not a Medium export "
                "(Settings → Security and apps → Download your information)."
            )
        )
    if len(members) > MAX_STORIES:
        raise ArchiveRefused(
            _("This archive holds %(count)d posts; at most %(limit)d are read at once.")
            % {"count": len(members), "limit": MAX_STORIES}
        )
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_TOTAL_BYTES:
        raise ArchiveRefused(
            _("This archive unpacks to %(size)d MB, more than the %(limit)d MB accepted.")
            % {"size": total // 2**20, "limit": MAX_TOTAL_BYTES // 2**20}
        )
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_STORY_BYTES or (ratio > MAX_RATIO and info.file_size > 2**20):
            raise ArchiveRefused(
                _(
                    "“%(name)s” unpacks to %(size)d MB: no Medium post is that big; nothing imported."
                )
                % {"name": info.filename, "size": max(info.file_size // 2**20, 1)}
            )
    return archive, sorted(members, key=lambda info: info.filename)


def read_member(archive, info):
    """The member's text, never more than the limit whatever its header claims."""
    try:
        with archive.open(info) as member:
            data = member.read(MAX_STORY_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
        # RuntimeError: an encrypted member.
        raise ArchiveRefused(
            _("“%(name)s” is damaged in the archive; nothing imported.") % {"name": info.filename}
        ) from None
    if len(data) > MAX_STORY_BYTES:
        raise ArchiveRefused(
            _("“%(name)s” unpacks to %(size)d MB: no Medium post is that big; nothing imported.")
            % {"name": info.filename, "size": MAX_STORY_BYTES // 2**20}
        )
    return data.decode("utf-8", errors="replace")


def medium_id(canonical_url, file_name):
    for candidate in (canonical_url.split("?")[0].rstrip("/"), PurePosixPath(file_name).stem):
        match = MEDIUM_ID.search(candidate)
        if match:
            return match.group(1)
    return ""


def image_source(src):
    """The URL to fetch for an image of the story: Medium's CDN asked for a wider copy."""
    return MEDIUM_CDN_WIDTH.sub(rf"\g<1>{IMAGE_WIDTH}\g<2>", src)


def parse_story(file_name, html):
    """One `posts/*.html` file as a Story; its body as plain HTML for the shared converter."""
    soup = BeautifulSoup(html, "html.parser")
    entry = soup.find(class_="h-entry") or soup
    title = _text(entry.find(class_="p-name"))
    subtitle = _text(entry.find(class_="p-summary"))
    body = entry.find(class_="e-content")
    has_own_title = body is not None and body.find(class_="graf--title") is not None
    body_text = _text(body)
    if body is not None:
        # The title and subtitle open the body too: they are the post's title and standfirst.
        # Section dividers are Medium's decoration between sections, not the author's text.
        for repeated in body.find_all(class_=["graf--title", "graf--subtitle", "section-divider"]):
            repeated.decompose()
        for image in body.find_all("img", src=True):
            image["src"] = image_source(image["src"])
    canonical = entry.find("a", class_="p-canonical", href=True)
    canonical_url = canonical["href"].strip() if canonical else ""
    published = entry.find("time", class_="dt-published", datetime=True)
    is_draft = PurePosixPath(file_name).name.startswith("draft_")
    replies = entry.find(class_=["u-in-reply-to", "p-in-reply-to"]) is not None
    untitled = not has_own_title and (
        not title or body_text.startswith(title.rstrip("…. ").strip())
    )
    return Story(
        medium_id=medium_id(canonical_url, file_name),
        file_name=PurePosixPath(file_name).name,
        title=title,
        subtitle=subtitle,
        body_html=body.decode_contents() if body is not None else "",
        published_at=_datetime(published["datetime"]) if published else None,
        canonical_url=canonical_url,
        is_draft=is_draft,
        is_response=not is_draft and (replies or untitled),
    )


def read_stories(file):
    """Every story of the archive `file`, in file order; ArchiveRefused before any is read."""
    archive, members = story_members(file)
    with archive:
        for info in members:
            yield parse_story(info.filename, read_member(archive, info))


def _text(node):
    return " ".join(node.get_text(" ").split()) if node is not None else ""


def _datetime(value):
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None
