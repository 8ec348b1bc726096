"""A WordPress export (WXR) → Vitrine posts, pages, comments and redirects.

The rules, item by item:

- **Keys.** Every object made is recorded in `ImportedObject` under the site's
  `base_site_url` and WordPress's id: a second run finds it, leaves it alone
  when what was read is unchanged (same fingerprint) and updates it otherwise.
- **Status.** publish → published at `post_date_gmt`; future → published at its
  date (Vitrine's "scheduled"); draft, pending, private → draft; trash,
  auto-draft, inherit → skipped with the reason.
- **Posts.** Excerpt → standfirst; author's display name → `Author`; the first
  category → category, further ones → tags (a post has one category here);
  WordPress's "Uncategorized" means none; `comment_status` closed → comments
  closed; `_thumbnail_id` → cover with the attachment's alt text, caption and
  credit. `post_modified_gmt` → `updated_on` when later than the publication day,
  with `is_update_shown` off: the public "Updated on" note is the author's call
  (WordPress bumps the date for any typo fixed), one tick in the admin. A later
  import updates the date and leaves the author's tick alone.
- **Pages** → `blog.Page`, parents first, so nested pages keep nested addresses.
- **Comments** (see `comments_of`): kept with their thread, date, name, email,
  site and address; approved → published, 0 → held for moderation, spam → spam,
  trash and pingbacks/trackbacks skipped and counted. No email is sent.
- **Old addresses.** The path of each `<link>` redirects (301) to the new
  address, and so do `/?p=ID` / `/?page_id=ID` (read by
  `portfolio.core.redirects`), `/category/x/`, `/tag/y/` and `/feed/`.
"""

import hashlib
import html as html_lib
import re
from collections import defaultdict
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.redirects.models import Redirect
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_ipv46_address
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django_comments_xtd.models import XtdComment

from blog.images import renditions_in_parallel
from blog.models import RESERVED_SLUGS, Author, Category, Page, Post, Tag
from comments import notify
from comments.models import CommentReview
from comments.privacy import forget_old_ip_addresses
from portfolio.core.slugs import french_slugify as slugify
from portfolio.importers import blocks, wordpress_content, wxr
from portfolio.importers.media import MediaLibrary
from portfolio.importers.models import ImportedObject
from portfolio.importers.report import Entry, Report

UNCATEGORIZED = {"uncategorized", "non-classe", "sin-categoria", "allgemein"}
POST_STATUS = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.PUBLISHED,
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.DRAFT,
    "private": Post.Status.DRAFT,
}
REDIRECT_MAX = Redirect._meta.get_field("old_path").max_length


class _DryRun(Exception):
    """Raised at the end of a dry run to roll everything back."""


def fingerprint(*parts):
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def plain(fragment):
    """HTML → text, paragraphs and line breaks kept as newlines (comments, excerpts)."""
    spaced = re.sub(r"</p>\s*|<br\s*/?>", "\n", fragment or "", flags=re.IGNORECASE)
    return html_lib.unescape(strip_tags(spaced)).strip()


class WordPressImport:
    def __init__(self, file, *, media_dir=None, media_zip=None, download=False, dry_run=False):
        self.file = file
        self.report = Report(dry_run=dry_run)
        self.media_options = {
            "media_dir": media_dir,
            "media_zip": media_zip,
            "download": download,
            "dry_run": dry_run,
        }
        self.dry_run = dry_run
        self.records = {}

    # Running ----------------------------------------------------------------------

    def run(self):
        try:
            self.channel = wxr.read_channel(self.file)
        except wxr.WxrRefused as error:
            self.report.refused = str(error)
            return self.report
        self.source = self.channel.site_url
        self.report.source = self.source
        self.media = MediaLibrary(self.source, **self.media_options)
        self.media.known = dict(
            ImportedObject.objects.filter(source=self.source, kind="media").values_list(
                "source_id", "stored_name"
            )
        )
        self.children = defaultdict(list)
        for attachment in self.channel.attachments.values():
            self.children[attachment.parent].append(attachment)
        self.attachments_by_url = {
            a.attachment_url: a for a in self.channel.attachments.values() if a.attachment_url
        }
        try:
            with transaction.atomic():
                # Made by both cores while the rows are written, all there before the
                # commit: an imported post shows its pictures at once.
                with renditions_in_parallel():
                    pages = []
                    for item in wxr.items(self.file):
                        if item.type == "post":
                            self.import_post(item)
                        elif item.type == "page":
                            pages.append(item)
                        elif item.type not in ("revision", "nav_menu_item", "customize_changeset"):
                            self.skip(item.type, item.title, f"WordPress type “{item.type}”")
                    for item in _parents_first(pages):
                        self.import_page(item)
                self.archive_redirects()
                self.remember_media()
                if self.dry_run:
                    raise _DryRun
                # Imported addresses follow the same retention as comments typed here.
                forget_old_ip_addresses()
        except _DryRun:
            pass
        except Exception:
            self.media.remove_written()
            raise
        finally:
            self.media.close()
        return self.report

    def skip(self, kind, title, reason):
        self.report.skipped.append(Entry(kind, title or "(sans titre)", reason=reason))

    def record(self, kind, source_id):
        return ImportedObject.objects.filter(
            source=self.source, kind=kind, source_id=str(source_id)
        ).first()

    def save_record(self, kind, source_id, target, print_, **extra):
        ImportedObject.objects.update_or_create(
            source=self.source,
            kind=kind,
            source_id=str(source_id),
            defaults={
                "content_type": ContentType.objects.get_for_model(target),
                "object_id": target.pk,
                "fingerprint": print_,
                **extra,
            },
        )

    # Posts ----------------------------------------------------------------------

    def import_post(self, item):
        status = POST_STATUS.get(item.status)
        if status is None:
            self.skip("post", item.title, f"status “{item.status}” in WordPress")
            return
        print_ = fingerprint(
            item.title, item.slug, item.status, item.content, item.excerpt, item.date_gmt,
            item.modified_gmt, item.comment_status, item.creator, item.categories, item.tags,
            item.meta.get("_thumbnail_id"),
        )  # fmt: skip
        record = self.record("post", item.id)
        post = record.target if record else None
        title = item.title or Truncator(plain(item.content)).words(8) or f"Post {item.id}"
        if post is not None and record.fingerprint == print_:
            self.report.unchanged["post"] += 1
        else:
            is_new = post is None
            post = post or Post()
            post.title = title[:200]
            post.slug = self.unique_slug(Post, item.slug or item.title, post, item.id)
            post.standfirst = self.standfirst(item, title)
            post.status = status
            post.published_at = item.date_gmt or item.modified_gmt or timezone.now()
            post.updated_on = _later_day(item.modified_gmt, post.published_at)
            if is_new:
                post.is_update_shown = False
            post.author = self.author(item.creator)
            post.is_open_for_comments = item.comment_status != "closed"
            category, extra_tags = self.category(item.categories)
            post.category = category
            cover_spec = self.cover(item, post)
            post.save()
            post.tags.set([self.tag(term) for term in [*extra_tags, *item.tags]])
            self.body(item, post, title, leading=[cover_spec] if cover_spec else [])
            self.save_record("post", item.id, post, print_, source_modified_at=item.modified_gmt)
            entry = Entry("post", post.title, post.get_absolute_url())
            (self.report.imported if is_new else self.report.updated).append(entry)
        self.redirects(item, post.get_absolute_url(), query="p")
        self.import_comments(item, post)

    def standfirst(self, item, title):
        return " ".join(plain(item.excerpt).split())

    def unique_slug(self, model, wanted, instance, source_id):
        base = (
            slugify(unquote(wanted or ""))[:90].strip("-")
            or f"{model._meta.model_name}-{source_id}"
        )
        others = model.objects.exclude(pk=instance.pk) if instance.pk else model.objects.all()
        if model is Page:
            others = others.filter(parent=instance.parent)
        slug, number = base, 2
        while (model is Post and slug in RESERVED_SLUGS) or others.filter(slug=slug).exists():
            slug, number = f"{base}-{number}", number + 1
        if slug != base:
            self.report.notes.append(f"address “{base}” was taken: imported as “{slug}”")
        return slug

    def author(self, login):
        if not login:
            return None
        known = self.channel.authors.get(login)
        name = (known.display_name if known else login)[:100]
        author = Author.objects.filter(name=name).first()
        return author or Author.objects.create(name=name)

    def category(self, terms):
        useful = [term for term in terms if term.slug not in UNCATEGORIZED]
        if not useful:
            return None, []
        first = useful[0]
        category, _created = Category.objects.get_or_create(
            slug=slugify(unquote(first.slug))[:100] or slugify(first.name)[:100],
            defaults={"name": html_lib.unescape(first.name)[:100]},
        )
        return category, useful[1:]

    def tag(self, term):
        tag, _created = Tag.objects.get_or_create(
            slug=slugify(unquote(term.slug))[:100] or slugify(term.name)[:100],
            defaults={"name": html_lib.unescape(term.name)[:100]},
        )
        return tag

    def cover(self, item, post):
        """Set the featured image as the cover; a missing one returns its text to keep."""
        attachment = self.channel.attachments.get(_int(item.meta.get("_thumbnail_id")))
        if attachment is None:
            post.cover = ""
            return None
        alt = attachment.meta.get("_wp_attachment_image_alt", "").strip()
        caption, credit = blocks.split_credit(plain(attachment.excerpt))
        spec = blocks.ImageSpec(attachment.attachment_url, alt, caption, credit)
        stored = self.media.store(attachment.attachment_url)
        if stored is None:
            self.missing(attachment.attachment_url, post.title)
            return spec
        if self.dry_run:
            return None
        post.cover = stored
        post.cover_alt = (alt or caption or attachment.title or post.title)[:300]
        post.cover_caption = caption[:300]
        post.cover_credit = credit[:200]
        return None

    def missing(self, src, title):
        reason = self.media.problems.get(src, "not found")
        entry = (src, title, reason)
        if entry not in self.report.missing_images:
            self.report.missing_images.append(entry)

    def body(self, item, owner, title, leading=()):
        prepared = wordpress_content.prepare(
            item.content,
            self.channel.attachments,
            lambda: sorted(self.children.get(item.id, []), key=lambda a: (a.menu_order, a.id)),
        )
        conversion = blocks.html_to_blocks(prepared.html)
        specs = [*leading, *conversion.blocks]
        for spec in specs:
            if isinstance(spec, blocks.ImageSpec) and not spec.alt:
                attachment = self.attachments_by_url.get(spec.src)
                if attachment is not None:
                    spec.alt = attachment.meta.get("_wp_attachment_image_alt", "")[:300]
        self.report.keep(
            self.report.kept_as_text, [*prepared.unknown, *conversion.kept_as_text], title
        )
        self.report.keep(self.report.left_out, prepared.left_out, title)
        if self.dry_run:
            missing = [
                s.src
                for s in specs
                if isinstance(s, blocks.ImageSpec) and not self.media.store(s.src)
            ]
        else:
            missing = blocks.save_blocks(owner, specs, self.media.store)
        for src in missing:
            self.missing(src, title)

    # Pages ----------------------------------------------------------------------

    def import_page(self, item):
        status = POST_STATUS.get(item.status)
        if status is None or item.status == "future":
            status = Page.Status.PUBLISHED if item.status == "future" else None
        if status is None:
            self.skip("page", item.title, f"status “{item.status}” in WordPress")
            return
        parent_record = self.record("page", item.parent) if item.parent else None
        parent = parent_record.target if parent_record else None
        print_ = fingerprint(
            item.title, item.slug, item.status, item.content, item.excerpt, item.parent,
            item.menu_order,
        )  # fmt: skip
        record = self.record("page", item.id)
        page = record.target if record else None
        if page is not None and record.fingerprint == print_:
            self.report.unchanged["page"] += 1
        else:
            is_new = page is None
            page = page or Page()
            page.parent = parent
            page.title = (item.title or f"Page {item.id}")[:200]
            page.slug = self.unique_slug(Page, item.slug or item.title, page, item.id)
            page.standfirst = self.standfirst(item, page.title)
            page.status = status
            page.menu_order = min(max(item.menu_order, 0), 32767)
            page.save()
            self.body(item, page, page.title)
            self.save_record("page", item.id, page, print_)
            (self.report.imported if is_new else self.report.updated).append(
                Entry("page", page.title, _url_of(page))
            )
        if item.comments:
            self.report.comments["on pages, skipped (pages have no comments)"] += len(item.comments)
        url = _url_of(page)
        if url:
            self.redirects(item, url, query="page_id")
        else:
            self.report.notes.append(f"page “{page.title}”: no public address yet, no redirect")

    # Comments -------------------------------------------------------------------

    def import_comments(self, item, post):
        """Every comment of `item` on `post`, parents first, threaded as far as Vitrine nests.

        A reply keeps its nearest ancestor that was imported (an approved reply,
        its nearest approved one, so it stays visible where WordPress showed it);
        replies deeper than COMMENTS_XTD_MAX_THREAD_LEVEL hang from the deepest
        allowed ancestor.
        """
        wp_parent = {comment.id: comment.parent for comment in item.comments}
        known = {}  # WordPress id → (XtdComment id, is_public, level)
        records = {
            r.source_id: r
            for r in ImportedObject.objects.filter(
                source=self.source,
                kind="comment",
                source_id__in=[str(c.id) for c in item.comments],
            )
        }
        targets = XtdComment.norel_objects.in_bulk(
            [r.object_id for r in records.values() if r.object_id]
        )
        content_type = ContentType.objects.get_for_model(Post)
        comment_type = ContentType.objects.get_for_model(XtdComment)
        new_records = []
        for comment in sorted(item.comments, key=lambda c: (_depth(c.id, wp_parent), c.id)):
            if comment.type in ("pingback", "trackback"):
                self.report.comments[f"{comment.type}s skipped"] += 1
                continue
            if comment.approved in ("trash", "post-trashed"):
                self.report.comments["in the trash, skipped"] += 1
                continue
            is_public = comment.approved == "1"
            is_spam = comment.approved == "spam"
            print_ = fingerprint(
                comment.content, comment.approved, comment.author, comment.email, comment.url
            )
            record = records.get(str(comment.id))
            existing = targets.get(record.object_id) if record else None
            if existing is not None:
                known[comment.id] = (existing.pk, existing.is_public, existing.level)
                if record.fingerprint == print_:
                    self.report.comments["unchanged"] += 1
                    continue
                self.fill_comment(existing, comment, is_public)
                existing.save()
                self.review(existing, comment, is_spam)
                record.fingerprint = print_
                record.save(update_fields=["fingerprint", "updated_at"])
                self.report.comments["updated"] += 1
                continue
            parent_id, level = self.thread_parent(comment, wp_parent, known, is_public)
            new = XtdComment(
                content_type=content_type,
                object_pk=str(post.pk),
                site_id=settings.SITE_ID,
                parent_id=parent_id,
                followup=False,
            )
            self.fill_comment(new, comment, is_public)
            new.submit_date = comment.date_gmt or post.published_at
            notify.silence(new)
            new.save()
            if not is_public:  # a new comment has no review to remove
                self.review(new, comment, is_spam)
            known[comment.id] = (new.pk, is_public, new.level)
            # No record of it yet (see `records`): written together, after the post's comments.
            new_records.append(
                ImportedObject(
                    source=self.source,
                    kind="comment",
                    source_id=str(comment.id),
                    content_type=comment_type,
                    object_id=new.pk,
                    fingerprint=print_,
                )
            )
            self.report.comments[
                "published" if is_public else "spam" if is_spam else "held for moderation"
            ] += 1
        # The last one for an id WordPress repeated, as update_or_create would have kept.
        ImportedObject.objects.bulk_create({r.source_id: r for r in new_records}.values())

    def thread_parent(self, comment, wp_parent, known, is_public):
        ancestor = wp_parent.get(comment.id, 0)
        while ancestor:
            if ancestor in known and (known[ancestor][1] or not is_public):
                break
            ancestor = wp_parent.get(ancestor, 0)
        if not ancestor:
            return 0, 0
        pk, _public, level = known[ancestor]
        max_level = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
        # Climb until the reply fits under the deepest level the site nests.
        while level >= max_level:
            row = XtdComment.norel_objects.values("parent_id", "level").get(pk=pk)
            pk, level = row["parent_id"], row["level"] - 1
        if level != known[ancestor][2]:
            self.report.comments["replies nested less deeply than in WordPress"] += 1
        return pk, level

    def fill_comment(self, target, comment, is_public):
        target.user_name = (comment.author or "Anonyme")[:50]
        target.user_email = _email(comment.email)
        target.user_url = (
            comment.url[:200] if comment.url.startswith(("http://", "https://")) else ""
        )
        target.ip_address = _ip(comment.ip)
        target.comment = plain(comment.content)
        target.is_public = is_public
        target.is_removed = False

    def review(self, target, comment, is_spam):
        if comment.approved == "1":
            CommentReview.objects.filter(comment=target).delete()
            return
        reason = "WordPress: spam" if is_spam else "WordPress: awaiting moderation"
        CommentReview.objects.update_or_create(
            comment=target, defaults={"is_spam": is_spam, "reason": reason}
        )

    # Addresses ------------------------------------------------------------------

    def redirects(self, item, new_path, query):
        """The item's old path, and `/?p=ID` (or `?page_id=`), answer 301 to `new_path`."""
        old_paths = [f"/?{query}={item.id}"]
        path = urlsplit(item.link).path if item.link else ""
        if path and path != "/":
            old_paths.append(escape_uri_path(unquote(path)))
        for old_path in old_paths:
            self.redirect(old_path, new_path)

    def redirect(self, old_path, new_path):
        if old_path == new_path:
            return
        if len(old_path) > REDIRECT_MAX or len(new_path) > REDIRECT_MAX:
            self.report.notes.append(f"address too long to redirect: {old_path[:80]}…")
            return
        Redirect.objects.update_or_create(
            site_id=settings.SITE_ID, old_path=old_path, defaults={"new_path": new_path}
        )

    def archive_redirects(self):
        for slug in self.channel.categories:
            found = Category.objects.filter(slug=slugify(unquote(slug))).first()
            if found:
                self.redirect(
                    f"/category/{escape_uri_path(unquote(slug))}/", found.get_absolute_url()
                )
        for slug in self.channel.tags:
            found = Tag.objects.filter(slug=slugify(unquote(slug))).first()
            if found:
                self.redirect(f"/tag/{escape_uri_path(unquote(slug))}/", found.get_absolute_url())
        feed = reverse("blog:feed_rss")
        for old in ("/feed/", "/feed/rss/", "/feed/rss2/", "/feed/atom/", "/comments/feed/"):
            self.redirect(old, feed)

    def remember_media(self):
        """Stored images are recorded by their source, so a second run stores nothing again."""
        for src, name in self.media.stored.items():
            ImportedObject.objects.update_or_create(
                source=self.source,
                kind="media",
                source_id=src[:255],
                defaults={"stored_name": name},
            )


def _url_of(page):
    try:
        return page.get_absolute_url()
    except NoReverseMatch:
        return ""


def _later_day(modified, published):
    """The modification day, when it is after the publication day (else none to show)."""
    if modified is None:
        return None
    day = timezone.localdate(modified)
    return day if day > timezone.localdate(published) else None


def _parents_first(pages):
    by_id = {page.id: page for page in pages}
    return sorted(
        pages,
        key=lambda page: (
            _depth(page.id, {p.id: p.parent for p in by_id.values()}),
            page.menu_order,
            page.id,
        ),
    )


def _depth(node, parents, limit=50):
    depth = 0
    while parents.get(node) and depth < limit:
        node, depth = parents[node], depth + 1
    return depth


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _email(value):
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value[:254]


def _ip(value):
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value


def import_wordpress(file, **options):
    """Import the export in `file` (a path or a binary file); returns the `Report`."""
    return WordPressImport(file, **options).run()
