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
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from blog.models import RESERVED_SLUGS, Author, Post
from portfolio.core.slugs import french_slugify as slugify
from portfolio.importers import blocks
from portfolio.importers.media import MediaLibrary
from portfolio.importers.models import ImportedObject
from portfolio.importers.report import Entry, Report
from portfolio.importers.wordpress import fingerprint

# The key of every record: Medium's ids are unique across Medium.
SOURCE = "https://medium.com"

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
    author_name: str = ""


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
        # The size the zip declares; `read_member` never reads more whatever it really holds.
        if info.file_size > MAX_STORY_BYTES:
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
        author_name=_text(entry.find(class_="p-author")),
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


class MediumImport:
    """One run over an archive: every story recorded by its Medium id (see the module doc)."""

    def __init__(self, file, *, download=False, dry_run=False):
        self.file = file
        self.download = download
        self.dry_run = dry_run
        self.report = Report(source=SOURCE, dry_run=dry_run)

    def run(self):
        try:
            # Every file is read and parsed before anything is written: a refusal writes nothing.
            stories = list(read_stories(self.file))
        except ArchiveRefused as error:
            self.report.refused = str(error)
            return self.report
        self.media = MediaLibrary(download=self.download, dry_run=self.dry_run)
        self.media.known = dict(
            ImportedObject.objects.filter(source=SOURCE, kind="media").values_list(
                "source_id", "stored_name"
            )
        )
        try:
            with transaction.atomic():
                for story in stories:
                    self.import_story(story)
                self.remember_media()
                # A dry run goes through every step, then nothing it wrote is kept.
                transaction.set_rollback(self.dry_run)
        except Exception:
            self.media.remove_written()
            raise
        finally:
            self.media.close()
        return self.report

    def import_story(self, story):
        # An untitled draft is named after its first words, as Medium lists it.
        first_words = Truncator(" ".join(strip_tags(story.body_html).split())).words(8)
        title = story.title or first_words or story.file_name
        if story.is_response:
            self.report.skipped.append(
                Entry("response", title, reason=_("a response to another story"))
            )
            return
        if not story.medium_id:
            self.report.skipped.append(
                Entry("post", title, reason=_("no Medium id in its address or file name"))
            )
            return
        print_ = fingerprint(
            story.title, story.subtitle, story.body_html, story.published_at,
            story.canonical_url, story.is_draft, story.author_name,
        )  # fmt: skip
        record = ImportedObject.objects.filter(
            source=SOURCE, kind="post", source_id=story.medium_id
        ).first()
        post = record.target if record else None
        if post is not None and record.fingerprint == print_:
            self.report.unchanged["post"] += 1
            return
        is_new = post is None
        post = post or Post()
        post.title = title[:200]
        if is_new:
            # Later runs keep the address: the author may have changed it, readers know it.
            post.slug = self.unique_slug(story, post)
            post.author = self.author(story.author_name)
        post.standfirst = self.standfirst(story, post.title)
        if story.is_draft:
            # Only when new: a draft the author has since published here stays published.
            if is_new:
                post.status = Post.Status.DRAFT
        else:
            post.status = Post.Status.PUBLISHED
            post.published_at = story.published_at or post.published_at or timezone.now()
            post.first_published_in = "Medium"
            post.first_published_url = self.original_url(story, post.title)
            post.first_published_at = story.published_at
        post.save()
        self.body(story, post)
        ImportedObject.objects.update_or_create(
            source=SOURCE,
            kind="post",
            source_id=story.medium_id,
            defaults={
                "content_type": ContentType.objects.get_for_model(Post),
                "object_id": post.pk,
                "fingerprint": print_,
            },
        )
        entry = Entry("post", post.title, post.get_absolute_url() if post.is_public else "")
        (self.report.imported if is_new else self.report.updated).append(entry)

    def unique_slug(self, story, post):
        base = slugify(story.title)[:90].strip("-") or f"medium-{story.medium_id}"
        others = Post.objects.exclude(pk=post.pk) if post.pk else Post.objects.all()
        slug, number = base, 2
        while slug in RESERVED_SLUGS or others.filter(slug=slug).exists():
            slug, number = f"{base}-{number}", number + 1
        return slug

    def standfirst(self, story, title):
        return story.subtitle

    def original_url(self, story, title):
        try:
            URLValidator(schemes=["http", "https"])(story.canonical_url)
        except ValidationError:
            if story.canonical_url:
                self.report.notes.append(
                    _("“%(title)s”: its Medium address is not a web address; not kept")
                    % {"title": title}
                )
            return ""
        return story.canonical_url[:500]

    def author(self, name):
        owner = Author.objects.filter(is_site_owner=True).first()
        if owner is not None or not name:
            # The archive is the site owner's own: their posts are signed by the owner.
            return owner
        return Author.objects.filter(name=name[:100]).first() or Author.objects.create(
            name=name[:100]
        )

    def body(self, story, post):
        conversion = blocks.html_to_blocks(story.body_html, headings=blocks.MEDIUM_HEADINGS)
        self.report.keep(self.report.kept_as_text, conversion.kept_as_text, post.title)
        if self.dry_run:
            missing = [src for src in conversion.image_sources if not self.media.store(src)]
        else:
            missing = blocks.save_blocks(post, conversion.blocks, self.media.store)
        for src in missing:
            reason = self.media.problems.get(src, "")
            if not self.download:
                reason = _("not downloaded (run again with --download-media)")
            entry = (src, post.title, reason)
            if entry not in self.report.missing_images:
                self.report.missing_images.append(entry)

    def remember_media(self):
        """Stored images are recorded by their address, so a second run fetches none again."""
        for src, name in self.media.stored.items():
            ImportedObject.objects.update_or_create(
                source=SOURCE, kind="media", source_id=src[:255], defaults={"stored_name": name}
            )


def import_medium(file, **options):
    """Import the Medium archive in `file` (a path or a binary file); returns the `Report`."""
    return MediumImport(file, **options).run()
