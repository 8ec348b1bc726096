"""A realistic WordPress export for bench/import_wordpress, generated from a seed.

What Tools → Export writes (WordPress eXtended RSS 1.2), with the habits of a real site:
classic-editor posts whose paragraphs are bare lines (wpautop adds the <p> at display),
[caption] and [gallery] shortcodes, block-editor posts (paragraph, heading, list, image,
gallery, quote, pullquote, embed, and a few blocks an importer cannot know), pages nested
under a parent, attachments that follow the post they were uploaded to (a streaming reader
meets a post's _thumbnail_id before the attachment), drafts with WordPress's
`0000-00-00 00:00:00` GMT date and no slug, comments threaded through comment_parent with
global IDs in date order, statuses 1/0/spam/trash, pingbacks and trackbacks, and the
media folder as wp-content/uploads/YYYY/MM/ with small but real JPEG and PNG files.

    .venv/bin/python -m bench.wordpress_export OUT_DIR [--posts 1000 --comments 10000 --images 2000]
    .venv/bin/python -m bench.wordpress_export OUT_DIR --small

The same arguments always give the same bytes. `generate()` returns what the export holds,
so the benchmark can check what an import should find.
"""

import argparse
import json
import random
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw

SITE = "https://example.org"
FULL = {"posts": 1000, "comments": 10000, "images": 2000}
SMALL = {"posts": 40, "comments": 300, "images": 60}
# The site's wall clock at export time: future posts are after it, drafts were saved before it.
EXPORTED_AT = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
FIRST_POST_AT = datetime(2012, 1, 9, 8, 0, tzinfo=UTC)
# Paris, as most of these sites are: post_date is local time, post_date_gmt is UTC.
LOCAL_OFFSET = timedelta(hours=1)
NO_DATE = "0000-00-00 00:00:00"

WORDS = (
    "équipe client produit stratégie projet support données usage décision marché valeur "
    "besoin retour terrain entretien atelier feuille route priorité délai budget qualité "
    "expérience parcours mesure objectif lancement version tableau réunion semaine année "
    "métier offre prix contrat service partenaire rôle mission recrutement formation sujet "
    "pratique méthode outil logiciel plateforme interface écran page formulaire étape "
    "clair simple rapide lent difficile utile nouveau ancien premier dernier grand petit "
    "vrai juste fragile solide concret précis humain collectif public privé français "
    "construire écouter mesurer livrer tester apprendre choisir expliquer partager "
    "décider comprendre réduire ajouter garder changer montrer ouvrir fermer lire écrire "
    "avec sans pour dans entre après avant depuis chez vers selon malgré pendant comme "
    "souvent parfois toujours jamais encore déjà ensuite enfin vraiment surtout aussi"
).split()
NAMES = (
    "Camille Martin|Léa Bernard|Hugo Dubois|Chloé Thomas|Lucas Robert|Manon Richard|"
    "Louis Petit|Emma Durand|Gabriel Leroy|Inès Moreau|Jules Simon|Zoé Laurent|"
    "Arthur Lefèvre|Jade Michel|Raphaël Garcia|Alice David|Nathan Bertrand|Lina Roux|"
    "Théo Vincent|Rose Fournier|Élodie Ménard|François-Xavier Nguyen|Anaïs O'Brien|"
    "Maëlle Kowalski|Noé Haddad|Sébastien Lambert|Aurélie Faure|Benoît Girard"
).split("|")
CREDITS = ("© Edouard Jacquinet", "Source Wikipedia", "Crédit : Mairie de Lyon", "© AFP")
EMBEDS = (
    ("youtube", "video", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("youtube", "video", "https://youtu.be/aqz-KE-bpKQ"),
    ("twitter", "rich", "https://twitter.com/WordPress/status/1234567890123456789"),
    ("vimeo", "video", "https://vimeo.com/76979871"),
    ("spotify", "rich", "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk"),
)
# Shortcodes and blocks a Vitrine importer cannot convert: kept as text and reported.
UNKNOWN_SHORTCODES = (
    '[contact-form-7 id="412" title="Contact"]',
    "[toc]",
    '[button url="/contact/"]Me contacter[/button]',
)
CATEGORIES = (
    ("produit", "Produit", ""),
    ("strategie", "Stratégie", "produit"),
    ("discovery", "Discovery", "produit"),
    ("carriere", "Carrière", ""),
    ("freelance", "Freelance", "carriere"),
    ("management", "Management", ""),
    ("outils", "Outils", ""),
    ("conferences", "Conférences", ""),
    ("lectures", "Lectures", ""),
    ("non-classe", "Non classé", ""),
)
PAGES = (
    ("a-propos", "À propos", None),
    ("equipe", "L'équipe", "a-propos"),
    ("parcours", "Mon parcours", "a-propos"),
    ("services", "Services", None),
    ("accompagnement", "Accompagnement produit", "services"),
    ("ateliers", "Ateliers", "services"),
    ("discovery-sprint", "Sprint de discovery", "ateliers"),
    ("contact", "Contact", None),
    ("mentions-legales", "Mentions légales", None),
    ("politique-de-confidentialite", "Politique de confidentialité", None),
    ("presse", "Presse", None),
    ("conferences-passees", "Conférences passées", "presse"),
)


@dataclass
class Attachment:
    id: int
    parent: int
    path: str  # after wp-content/uploads/
    width: int
    height: int
    alt: str
    caption: str
    created_at: datetime

    @property
    def url(self):
        return f"{SITE}/wp-content/uploads/{self.path}"

    def sized_url(self, width):
        """The URL of WordPress's resized copy (not in the media folder: WordPress regenerates)."""
        if width >= self.width:
            return self.url, self.width, self.height
        height = round(self.height * width / self.width)
        stem, dot, extension = self.path.rpartition(".")
        return f"{SITE}/wp-content/uploads/{stem}-{width}x{height}.{extension}", width, height


@dataclass
class Comment:
    post_id: int
    author: str
    created_at: datetime
    status: str  # "1", "0", "spam", "trash"
    kind: str = "comment"  # "comment", "pingback", "trackback"
    parent: "Comment | None" = None
    by_author: int = 0
    id: int = 0


@dataclass
class Summary:
    """What the export holds: what an importer should create, skip and count."""

    posts: dict = field(default_factory=dict)  # WordPress status -> count
    pages: int = 0
    attachments: int = 0
    thumbnails: int = 0
    images_in_content: int = 0  # figures and gallery photos, each use counted
    comments: dict = field(default_factory=dict)  # status or comment type -> count
    threaded_replies: int = 0
    embeds: int = 0
    unknown_blocks: int = 0
    bytes: int = 0
    media_bytes: int = 0

    @property
    def comments_kept(self):
        """Comments an importer keeps: approved, pending and spam (not trash, no pings)."""
        return sum(self.comments.get(status, 0) for status in ("1", "0", "spam"))


def cdata(text):
    return "<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def wp_date(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def slugify(text):
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text.lower()).split())


class Writer:
    """The export, written as WordPress's export.php writes it (tabs, one element a line)."""

    def __init__(self, handle):
        self.handle = handle
        self.parts = []

    def line(self, text, depth=0):
        self.parts.append("\t" * depth + text + "\n")
        if len(self.parts) > 4096:
            self.flush()

    def element(self, name, value, depth, wrap=True, attributes=""):
        body = cdata(value) if wrap else escape(str(value))
        self.line(f"<{name}{attributes}>{body}</{name}>", depth)

    def flush(self):
        self.handle.write("".join(self.parts))
        self.parts.clear()


class Generator:
    def __init__(self, posts, comments, images, seed=13):
        self.random = random.Random(seed)
        self.counts = {"posts": posts, "comments": comments, "images": images}
        self.summary = Summary()
        self.next_id = 1
        self.authors = [
            ("camille", "Camille Martin", "camille@example.org"),
            ("hugo.dubois", "Hugo Dubois", "hugo@example.org"),
            ("redaction", "La rédaction", "redaction@example.org"),
        ]
        self.tags = []
        for number in range(max(8, posts // 25)):
            name = f"{self.random.choice(WORDS)} {self.random.choice(WORDS)}"
            slug = f"{slugify(name)}-{number}"
            self.tags.append((slug, name.capitalize()))

    # Words ------------------------------------------------------------------------------

    def sentence(self, low=8, high=22):
        words = self.random.choices(WORDS, k=self.random.randint(low, high))
        text = " ".join(words)
        return text[0].upper() + text[1:] + self.random.choice(".....!?")

    def inline(self, low=2, high=5):
        """Some sentences with the inline markup authors use: emphasis, links, entities."""
        parts = []
        for _ in range(self.random.randint(low, high)):
            text = self.sentence()
            roll = self.random.random()
            if roll < 0.12:
                word = self.random.choice(WORDS)
                text = text.replace(f" {word} ", f" <strong>{word}</strong> ", 1)
            elif roll < 0.22:
                word = self.random.choice(WORDS)
                text = text.replace(f" {word} ", f" <em>{word}</em> ", 1)
            elif roll < 0.3:
                text += f' Voir <a href="https://fr.wikipedia.org/wiki/{self.random.choice(WORDS)}">cet article</a>.'
            elif roll < 0.33:
                text += " Questions &amp; réponses : « oui » &gt; « non »."
            parts.append(text)
        return " ".join(parts)

    def title(self):
        return self.sentence(3, 9).rstrip(".!?")

    # Content ----------------------------------------------------------------------------

    def classic(self, images):
        """Classic editor: bare paragraphs separated by blank lines, as WordPress stores them."""
        images = list(images)
        blocks = []
        for number in range(self.random.randint(4, 12)):
            roll = self.random.random()
            if number and roll < 0.12:
                level = "h1" if self.random.random() < 0.1 else self.random.choice(("h2", "h3"))
                blocks.append(f"<{level}>{self.title()}</{level}>")
            elif roll < 0.2:
                items = "\n".join(
                    f"\t<li>{self.sentence(3, 10)}</li>" for _ in range(self.random.randint(2, 5))
                )
                tag = self.random.choice(("ul", "ol"))
                blocks.append(f"<{tag}>\n{items}\n</{tag}>")
            elif roll < 0.26:
                blocks.append(f"<blockquote>{self.sentence()}</blockquote>")
            elif roll < 0.3:
                blocks.append(self.embed_url())
            elif roll < 0.31:
                blocks.append(self.random.choice(UNKNOWN_SHORTCODES))
                self.summary.unknown_blocks += 1
            else:
                # A line break inside a paragraph is a single newline (wpautop makes it <br />).
                text = self.inline()
                if self.random.random() < 0.1:
                    text += "\n" + self.sentence()
                blocks.append(text)
            if images and self.random.random() < 0.35:
                blocks.append(self.classic_images(images))
        while images:
            blocks.append(self.classic_images(images))
        return "\n\n".join(blocks)

    def classic_images(self, images):
        if len(images) >= 3 and self.random.random() < 0.4:
            size = min(len(images), self.random.randint(3, 6))
            chosen, images[:] = images[:size], images[size:]
            columns = (
                f' columns="{self.random.randint(2, 4)}"' if self.random.random() < 0.5 else ""
            )
            return f'[gallery{columns} ids="{",".join(str(a.id) for a in chosen)}"]'
        image = images.pop(0)
        size = self.random.choice(("full", "large", "medium"))
        src, width, height = image.sized_url({"full": 10**6, "large": 1024, "medium": 300}[size])
        img = (
            f'<img class="align{self.random.choice(("none", "center"))} size-{size} wp-image-{image.id}" '
            f'src="{src}" alt="{escape(image.alt)}" width="{width}" height="{height}" />'
        )
        if not image.caption:
            return img
        return (
            f'[caption id="attachment_{image.id}" align="aligncenter" width="{width}"]'
            f"{img} {escape(image.caption)}[/caption]"
        )

    def embed_url(self):
        self.summary.embeds += 1
        return self.random.choice(EMBEDS)[2]

    def blocks(self, images):
        """Block editor: each block between its <!-- wp:name {attributes} --> comments."""
        images = list(images)
        out = []
        for number in range(self.random.randint(4, 12)):
            roll = self.random.random()
            if number and roll < 0.12:
                level = 1 if self.random.random() < 0.1 else self.random.choice((2, 3))
                attributes = "" if level == 2 else f' {{"level":{level}}}'
                out.append(
                    f"<!-- wp:heading{attributes} -->\n"
                    f'<h{level} class="wp-block-heading">{self.title()}</h{level}>\n'
                    "<!-- /wp:heading -->"
                )
            elif roll < 0.2:
                items = "".join(
                    f"<!-- wp:list-item -->\n<li>{self.sentence(3, 10)}</li>\n<!-- /wp:list-item -->"
                    for _ in range(self.random.randint(2, 5))
                )
                out.append(
                    f'<!-- wp:list -->\n<ul class="wp-block-list">{items}</ul>\n<!-- /wp:list -->'
                )
            elif roll < 0.25:
                cite = self.random.choice(NAMES)
                out.append(
                    '<!-- wp:quote -->\n<blockquote class="wp-block-quote"><!-- wp:paragraph -->\n'
                    f"<p>{self.sentence()}</p>\n<!-- /wp:paragraph --><cite>{cite}</cite></blockquote>\n"
                    "<!-- /wp:quote -->"
                )
            elif roll < 0.27:
                out.append(
                    '<!-- wp:pullquote -->\n<figure class="wp-block-pullquote"><blockquote>'
                    f"<p>{self.sentence()}</p><cite>{self.random.choice(NAMES)}</cite></blockquote></figure>\n"
                    "<!-- /wp:pullquote -->"
                )
            elif roll < 0.31:
                provider, kind, url = self.random.choice(EMBEDS)
                self.summary.embeds += 1
                attributes = json.dumps(
                    {"url": url, "type": kind, "providerNameSlug": provider, "responsive": True},
                    separators=(",", ":"),
                )
                out.append(
                    f"<!-- wp:embed {attributes} -->\n"
                    f'<figure class="wp-block-embed is-type-{kind} is-provider-{provider} '
                    f'wp-block-embed-{provider}"><div class="wp-block-embed__wrapper">\n{url}\n'
                    "</div></figure>\n<!-- /wp:embed -->"
                )
            elif roll < 0.33:
                self.summary.unknown_blocks += 1
                out.append(
                    '<!-- wp:buttons -->\n<div class="wp-block-buttons"><!-- wp:button -->\n'
                    '<div class="wp-block-button"><a class="wp-block-button__link wp-element-button" '
                    'href="/contact/">Prendre rendez-vous</a></div>\n<!-- /wp:button --></div>\n'
                    "<!-- /wp:buttons -->"
                )
            else:
                out.append(f"<!-- wp:paragraph -->\n<p>{self.inline()}</p>\n<!-- /wp:paragraph -->")
            if images and self.random.random() < 0.35:
                out.append(self.block_images(images))
        while images:
            out.append(self.block_images(images))
        return "\n\n".join(out)

    def image_block(self, image, size_slug):
        attributes = json.dumps(
            {"id": image.id, "sizeSlug": size_slug, "linkDestination": "none"},
            separators=(",", ":"),
        )
        src, _width, _height = image.sized_url(1024 if size_slug == "large" else 10**6)
        caption = (
            f'<figcaption class="wp-element-caption">{escape(image.caption)}</figcaption>'
            if image.caption
            else ""
        )
        return (
            f"<!-- wp:image {attributes} -->\n"
            f'<figure class="wp-block-image size-{size_slug}"><img src="{src}" '
            f'alt="{escape(image.alt)}" class="wp-image-{image.id}"/>{caption}</figure>\n'
            "<!-- /wp:image -->"
        )

    def block_images(self, images):
        if len(images) >= 3 and self.random.random() < 0.4:
            size = min(len(images), self.random.randint(3, 6))
            chosen, images[:] = images[:size], images[size:]
            inner = "\n\n".join(self.image_block(image, "large") for image in chosen)
            return (
                '<!-- wp:gallery {"linkTo":"none"} -->\n'
                '<figure class="wp-block-gallery has-nested-images columns-default is-cropped">'
                f"{inner}</figure>\n<!-- /wp:gallery -->"
            )
        return self.image_block(images.pop(0), self.random.choice(("large", "full")))

    # The site ---------------------------------------------------------------------------

    def plan(self):
        """Posts, pages and attachments with their IDs, dates and images, in ID order."""
        posts, images = self.counts["posts"], self.counts["images"]
        span = (EXPORTED_AT - timedelta(days=30) - FIRST_POST_AT).total_seconds()
        # Images per post: a few posts carry many (galleries), most one to three, some none.
        share = [self.random.paretovariate(1.6) for _ in range(posts)]
        scale = images * 0.97 / sum(share)
        per_post = [int(value * scale) for value in share]
        for index in self.random.sample(
            range(posts), k=max(0, round(images * 0.97) - sum(per_post))
        ):
            per_post[index] += 1
        orphans = images - sum(per_post)  # media library uploads used by no post

        items = []
        # Media uploaded before any post: the oldest IDs, attached to nothing.
        for _ in range(orphans):
            items.append(("attachment", self.attachment(0, FIRST_POST_AT - timedelta(days=3))))
        titles_seen = {}
        for number in range(posts):
            post_id = self.take_id()
            moment = FIRST_POST_AT + timedelta(
                seconds=span * number / posts + self.random.randint(0, 3600)
            )
            status = self.random.choices(
                ("publish", "draft", "future", "private", "pending"), (90, 5, 2, 2, 1)
            )[0]
            if status == "future":
                moment = EXPORTED_AT + timedelta(days=self.random.randint(2, 60))
            title = self.title()
            if number % 97 == 5:  # the same title twice: WordPress makes the slug unique
                title = "Retour sur l'atelier du mois"
            slug = slugify(title)[:60].strip("-")
            titles_seen[slug] = titles_seen.get(slug, 0) + 1
            if titles_seen[slug] > 1:
                slug = f"{slug}-{titles_seen[slug]}"
            attachments = [self.attachment(post_id, moment) for _ in range(per_post[number])]
            items.append(("post", (post_id, moment, status, title, slug, attachments)))
            items.extend(("attachment", attachment) for attachment in attachments)
        page_ids = {}
        for order, (slug, title, parent) in enumerate(PAGES[: max(4, min(len(PAGES), posts // 3))]):
            page_ids[slug] = self.take_id()
            items.append(
                ("page", (page_ids[slug], slug, title, parent and page_ids[parent], order))
            )
        return items, page_ids

    def take_id(self):
        self.next_id += self.random.choice((1, 1, 1, 2, 3))  # revisions and autosaves use IDs
        return self.next_id

    def attachment(self, parent, moment):
        uploaded = moment - timedelta(minutes=self.random.randint(1, 300))
        width = self.random.randrange(400, 1601, 8)
        height = round(width * self.random.choice((2 / 3, 3 / 4, 9 / 16, 1, 4 / 3)))
        extension = "png" if self.random.random() < 0.15 else "jpg"
        stem = slugify(self.sentence(1, 3).rstrip(".!?"))[:40] or "image"
        number = self.next_id + 1
        path = f"{uploaded:%Y/%m}/{stem}-{number}.{extension}"
        caption = ""
        if self.random.random() < 0.55:
            caption = self.sentence(4, 12)
            if self.random.random() < 0.3:
                caption = f"{caption} {self.random.choice(CREDITS)}"
        alt = self.sentence(3, 8).rstrip(".!?") if self.random.random() < 0.8 else ""
        return Attachment(self.take_id(), parent, path, width, height, alt, caption, uploaded)

    def comments_for(self, posts):
        """Comments spread like a real blog's: most posts few, some posts hundreds."""
        total = self.counts["comments"]
        open_posts = [(post_id, moment) for post_id, moment, status in posts if status == "publish"]
        if not open_posts or not total:
            return []
        # Capped: a few hundred comments on the most discussed post, not thousands.
        weights = [min(60, self.random.paretovariate(1.2)) for _ in open_posts]
        chosen = self.random.choices(range(len(open_posts)), weights, k=total)
        by_post = {}
        for index in chosen:
            by_post.setdefault(index, 0)
            by_post[index] += 1
        comments = []
        for index, count in by_post.items():
            post_id, published = open_posts[index]
            moment = published
            # Threads end before the export, even on a late post with hundreds of comments.
            mean_gap = min(600, (EXPORTED_AT - published).total_seconds() / 60 / (count + 1) / 2)
            thread = []
            for _ in range(count):
                moment += timedelta(minutes=self.random.expovariate(1 / mean_gap) + 0.1)
                kind = self.random.choices(("comment", "pingback", "trackback"), (97, 2.5, 0.5))[0]
                status = (
                    "1"
                    if kind != "comment"
                    else self.random.choices(("1", "0", "spam", "trash"), (82, 6, 9, 3))[0]
                )
                comment = Comment(post_id, self.random.choice(NAMES), moment, status, kind)
                visible = [c for c in thread[-40:] if c.status == "1" and c.kind == "comment"]
                if kind == "comment" and visible and self.random.random() < 0.45:
                    comment.parent = self.random.choice(visible)
                    if self.random.random() < 0.25:  # the author answers
                        comment.by_author = 1
                        comment.author = self.authors[0][1]
                thread.append(comment)
            comments.extend(thread)
        # WordPress numbers comments site-wide, in the order they arrived.
        comments.sort(key=lambda comment: (comment.created_at, comment.post_id))
        for number, comment in enumerate(comments, start=1):
            comment.id = number
            summary_key = comment.kind if comment.kind != "comment" else comment.status
            self.summary.comments[summary_key] = self.summary.comments.get(summary_key, 0) + 1
            if comment.parent is not None:
                self.summary.threaded_replies += 1
        return comments

    # Writing ----------------------------------------------------------------------------

    def write(self, export_path):
        items, page_ids = self.plan()
        posts = [(data[0], data[1], data[2]) for kind, data in items if kind == "post"]
        comments = {}
        for comment in self.comments_for(posts):
            comments.setdefault(comment.post_id, []).append(comment)
        attachments = [data for kind, data in items if kind == "attachment"]
        with open(export_path, "w", encoding="utf-8", newline="\n") as handle:
            out = Writer(handle)
            self.write_channel(out)
            for kind, data in items:
                if kind == "attachment":
                    self.write_attachment(out, data)
                elif kind == "post":
                    self.write_post(out, *data, comments.get(data[0], []))
                else:
                    self.write_page(out, *data, page_ids)
            self.write_menu(out, page_ids)
            out.line("</channel>", 1)
            out.line("</rss>")
            out.flush()
        self.summary.attachments = len(attachments)
        self.summary.bytes = Path(export_path).stat().st_size
        return attachments

    def write_channel(self, out):
        out.line('<?xml version="1.0" encoding="UTF-8" ?>')
        out.line(
            "<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->"
        )
        out.line('<!-- generator="WordPress/6.4.3" created="2025-03-14 09:30" -->')
        out.line(
            '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">'
        )
        out.line("<channel>", 1)
        out.element("title", "Camille Martin — produit & stratégie", 2, wrap=False)
        out.element("link", SITE, 2, wrap=False)
        out.element("description", "Carnet d'une product manager freelance", 2, wrap=False)
        out.element("pubDate", format_datetime(EXPORTED_AT), 2, wrap=False)
        out.element("language", "fr-FR", 2, wrap=False)
        out.element("wp:wxr_version", "1.2", 2, wrap=False)
        out.element("wp:base_site_url", SITE, 2, wrap=False)
        out.element("wp:base_blog_url", SITE, 2, wrap=False)
        for number, (login, name, email) in enumerate(self.authors, start=1):
            first, _, last = name.partition(" ")
            out.line("<wp:author>", 2)
            out.element("wp:author_id", number, 3, wrap=False)
            out.element("wp:author_login", login, 3)
            out.element("wp:author_email", email, 3)
            out.element("wp:author_display_name", name, 3)
            out.element("wp:author_first_name", first, 3)
            out.element("wp:author_last_name", last, 3)
            out.line("</wp:author>", 2)
        for number, (slug, name, parent) in enumerate(CATEGORIES, start=1):
            out.line("<wp:category>", 2)
            out.element("wp:term_id", number, 3, wrap=False)
            out.element("wp:category_nicename", slug, 3)
            out.element("wp:category_parent", parent, 3)
            out.element("wp:cat_name", name, 3)
            out.line("</wp:category>", 2)
        for number, (slug, name) in enumerate(self.tags, start=len(CATEGORIES) + 1):
            out.line("<wp:tag>", 2)
            out.element("wp:term_id", number, 3, wrap=False)
            out.element("wp:tag_slug", slug, 3)
            out.element("wp:tag_name", name, 3)
            out.line("</wp:tag>", 2)
        out.line("<wp:term>", 2)
        out.element("wp:term_id", 999, 3, wrap=False)
        out.element("wp:term_taxonomy", "nav_menu", 3)
        out.element("wp:term_slug", "menu-principal", 3)
        out.element("wp:term_name", "Menu principal", 3)
        out.line("</wp:term>", 2)
        out.element("generator", "https://wordpress.org/?v=6.4.3", 2, wrap=False)

    def item_head(self, out, post_id, title, link, moment, login, guid_kind="p"):
        out.line("<item>", 2)
        out.element("title", title, 3)
        out.element("link", link, 3, wrap=False)
        out.element("pubDate", format_datetime(moment), 3, wrap=False)
        out.element("dc:creator", login, 3)
        out.element(
            "guid",
            f"{SITE}/?{guid_kind}={post_id}",
            3,
            wrap=False,
            attributes=' isPermaLink="false"',
        )
        out.element("description", "", 3, wrap=False)

    def item_fields(
        self,
        out,
        post_id,
        moment,
        modified,
        comment_status,
        slug,
        status,
        parent,
        kind,
        order=0,
        gmt=True,
    ):
        out.element("wp:post_id", post_id, 3, wrap=False)
        out.element("wp:post_date", wp_date(moment + LOCAL_OFFSET), 3)
        out.element("wp:post_date_gmt", wp_date(moment) if gmt else NO_DATE, 3)
        out.element("wp:post_modified", wp_date(modified + LOCAL_OFFSET), 3)
        out.element("wp:post_modified_gmt", wp_date(modified), 3)
        out.element("wp:comment_status", comment_status, 3)
        out.element("wp:ping_status", comment_status, 3)
        out.element("wp:post_name", slug, 3)
        out.element("wp:status", status, 3)
        out.element("wp:post_parent", parent, 3, wrap=False)
        out.element("wp:menu_order", order, 3, wrap=False)
        out.element("wp:post_type", kind, 3)
        out.element("wp:post_password", "", 3)
        out.element("wp:is_sticky", 0, 3, wrap=False)

    def meta(self, out, key, value):
        out.line("<wp:postmeta>", 3)
        out.element("wp:meta_key", key, 4)
        out.element("wp:meta_value", value, 4)
        out.line("</wp:postmeta>", 3)

    def write_post(self, out, post_id, moment, status, title, slug, attachments, comments):
        self.summary.posts[status] = self.summary.posts.get(status, 0) + 1
        login = self.random.choice(
            self.authors[:2] if self.random.random() < 0.9 else self.authors
        )[0]
        thumbnail = attachments[0] if attachments and self.random.random() < 0.8 else None
        in_content = attachments[1:] if thumbnail else attachments
        if thumbnail and self.random.random() < 0.2:  # the cover repeated in the text
            in_content = [thumbnail, *in_content]
        uses_blocks = (
            moment.year >= 2019 and self.random.random() < 0.8 or self.random.random() < 0.1
        )
        content = self.blocks(in_content) if uses_blocks else self.classic(in_content)
        self.summary.images_in_content += len(in_content)
        draft = status in ("draft", "pending")
        link = (
            f"{SITE}/?p={post_id}"
            if draft or status == "future"
            else f"{SITE}/{moment + LOCAL_OFFSET:%Y/%m/%d}/{slug}/"
        )
        modified = moment + timedelta(days=self.random.choice((0, 0, 0, 1, 30, 400)))
        modified = min(max(modified, moment), EXPORTED_AT) if status != "future" else moment
        self.item_head(out, post_id, title, link, moment, login)
        out.element("content:encoded", content, 3)
        out.element(
            "excerpt:encoded", self.sentence(10, 25) if self.random.random() < 0.4 else "", 3
        )
        closed = self.random.random() < 0.08
        self.item_fields(
            out,
            post_id,
            moment,
            modified,
            "closed" if closed else "open",
            "" if draft and self.random.random() < 0.6 else slug,
            status,
            0,
            "post",
            gmt=not draft,
        )
        category = self.random.choice(CATEGORIES)
        out.element(
            "category", category[1], 3, attributes=f' domain="category" nicename="{category[0]}"'
        )
        for slug_, name in self.random.sample(self.tags, k=self.random.randint(0, 4)):
            out.element("category", name, 3, attributes=f' domain="post_tag" nicename="{slug_}"')
        self.meta(out, "_edit_last", "1")
        if thumbnail:
            self.summary.thumbnails += 1
            self.meta(out, "_thumbnail_id", thumbnail.id)
        if self.random.random() < 0.3:
            self.meta(out, "_yoast_wpseo_metadesc", self.sentence(12, 20))
        for comment in comments:
            self.write_comment(out, comment)
        out.line("</item>", 2)

    def write_comment(self, out, comment):
        login = slugify(comment.author).replace("-", ".")
        out.line("<wp:comment>", 3)
        out.element("wp:comment_id", comment.id, 4, wrap=False)
        if comment.kind == "comment":
            out.element("wp:comment_author", comment.author, 4)
            out.element("wp:comment_author_email", f"{login}@example.net", 4)
            url = (
                f"https://{login.split('.')[0]}.example.com/" if self.random.random() < 0.3 else ""
            )
            text = " ".join(self.sentence(4, 25) for _ in range(self.random.randint(1, 4)))
            if self.random.random() < 0.15:
                text += "\n\nEt voici un lien : https://example.com/ressource?x=1&amp;y=2"
        else:
            out.element("wp:comment_author", "Un autre blog » Un billet qui cite le vôtre", 4)
            out.element("wp:comment_author_email", "", 4)
            url = f"https://autre-blog.example.com/{comment.id}/"
            text = "[…] comme l'explique très bien ce billet […]"
        out.element("wp:comment_author_url", url, 4, wrap=False)
        out.element("wp:comment_author_IP", f"203.0.{comment.id % 250}.{comment.id % 199 + 1}", 4)
        out.element("wp:comment_date", wp_date(comment.created_at + LOCAL_OFFSET), 4)
        out.element("wp:comment_date_gmt", wp_date(comment.created_at), 4)
        out.element("wp:comment_content", text, 4)
        out.element("wp:comment_approved", comment.status, 4)
        out.element("wp:comment_type", comment.kind, 4)
        out.element("wp:comment_parent", comment.parent.id if comment.parent else 0, 4, wrap=False)
        out.element("wp:comment_user_id", comment.by_author, 4, wrap=False)
        if comment.status in ("spam", "trash"):
            out.line("<wp:commentmeta>", 4)
            out.element(
                "wp:meta_key",
                "_wp_trash_meta_status" if comment.status == "trash" else "akismet_result",
                5,
            )
            out.element("wp:meta_value", "1" if comment.status == "trash" else "true", 5)
            out.line("</wp:commentmeta>", 4)
        out.line("</wp:comment>", 3)

    def write_attachment(self, out, attachment):
        stem = attachment.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        link = f"{SITE}/{stem}/"
        self.item_head(
            out,
            attachment.id,
            stem.replace("-", " "),
            link,
            attachment.created_at,
            self.authors[0][0],
        )
        out.element("content:encoded", "", 3)
        out.element("excerpt:encoded", attachment.caption, 3)
        self.item_fields(
            out,
            attachment.id,
            attachment.created_at,
            attachment.created_at,
            "open",
            stem,
            "inherit",
            attachment.parent,
            "attachment",
        )
        out.element("wp:attachment_url", attachment.url, 3)
        self.meta(out, "_wp_attached_file", attachment.path)
        name = attachment.path.rsplit("/", 1)[-1]
        mime = "image/png" if name.endswith(".png") else "image/jpeg"
        # PHP's serialize() of the sizes WordPress made, as every real export carries.
        thumbnail = f"{name[:-4]}-150x150{name[-4:]}"
        sizes = (
            f's:9:"thumbnail";a:4:{{s:4:"file";s:{len(thumbnail)}:"{thumbnail}";'
            f's:5:"width";i:150;s:6:"height";i:150;s:9:"mime-type";s:{len(mime)}:"{mime}";}}'
        )
        metadata = (
            f'a:5:{{s:5:"width";i:{attachment.width};s:6:"height";i:{attachment.height};'
            f's:4:"file";s:{len(attachment.path)}:"{attachment.path}";s:8:"filesize";i:4096;'
            f's:5:"sizes";a:1:{{{sizes}}}}}'
        )
        self.meta(out, "_wp_attachment_metadata", metadata)
        if attachment.alt:
            self.meta(out, "_wp_attachment_image_alt", attachment.alt)
        out.line("</item>", 2)

    def write_page(self, out, page_id, slug, title, parent, order, page_ids):
        self.summary.pages += 1
        path = [slug]
        parent_slug = {page: parent for page, _title, parent in PAGES}
        current = parent_slug.get(slug)
        while current:
            path.insert(0, current)
            current = parent_slug.get(current)
        moment = FIRST_POST_AT + timedelta(days=page_id % 300)
        self.item_head(
            out, page_id, title, f"{SITE}/{'/'.join(path)}/", moment, self.authors[0][0], "page_id"
        )
        content = self.blocks([]) if page_id % 2 else self.classic([])
        out.element("content:encoded", content, 3)
        out.element("excerpt:encoded", "", 3)
        self.item_fields(
            out,
            page_id,
            moment,
            moment,
            "closed",
            slug,
            "publish",
            parent or 0,
            "page",
            order=order,
        )
        self.meta(out, "_wp_page_template", "default")
        out.line("</item>", 2)

    def write_menu(self, out, page_ids):
        """Navigation menu entries: a post type an importer skips."""
        for number, page_id in enumerate(list(page_ids.values())[:3], start=1):
            menu_id = self.take_id()
            self.item_head(
                out, menu_id, "", f"{SITE}/?p={menu_id}", EXPORTED_AT, self.authors[0][0]
            )
            out.element("content:encoded", "", 3)
            out.element("excerpt:encoded", "", 3)
            self.item_fields(
                out,
                menu_id,
                EXPORTED_AT,
                EXPORTED_AT,
                "closed",
                str(menu_id),
                "publish",
                0,
                "nav_menu_item",
                order=number,
            )
            out.element(
                "category",
                "Menu principal",
                3,
                attributes=' domain="nav_menu" nicename="menu-principal"',
            )
            self.meta(out, "_menu_item_type", "post_type")
            self.meta(out, "_menu_item_object_id", page_id)
            self.meta(out, "_menu_item_object", "page")
            out.line("</item>", 2)


def write_media(attachments, uploads, seed=13):
    """Small but real images at the attachments' sizes: flat shapes compress to a few KB."""
    total = 0
    for attachment in attachments:
        target = uploads / attachment.path
        target.parent.mkdir(parents=True, exist_ok=True)
        write_image(target, attachment.width, attachment.height, f"{seed}-{attachment.id}")
        total += target.stat().st_size
    return total


def write_image(target, width, height, seed):
    randomness = random.Random(seed)

    def colour():
        return tuple(randomness.randrange(256) for _ in range(3))

    if target.suffix == ".png":
        # Palette PNGs (logos, screenshots): fewer bytes and faster than RGB.
        image = Image.new("P", (width, height), 0)
        image.putpalette([value for _ in range(4) for value in colour()])
    else:
        image = Image.new("RGB", (width, height), colour())
    draw = ImageDraw.Draw(image)
    for shape in range(4):
        x, y = randomness.randrange(width), randomness.randrange(height)
        box = (
            x,
            y,
            x + randomness.randrange(1, width // 2),
            y + randomness.randrange(1, height // 2),
        )
        fill = shape % 3 + 1 if image.mode == "P" else colour()
        (draw.ellipse if shape % 2 else draw.rectangle)(box, fill=fill)
    if image.mode == "P":
        image.save(target, "PNG", compress_level=6)
    else:
        image.save(target, "JPEG", quality=60)


def read(out_dir):
    """Reads the export back (our own file, so the standard parser) and checks it holds together.

    Returns counts by item type and comment status; raises AssertionError on a reference to
    nothing: a thumbnail, an image or a gallery naming a missing attachment, an attachment
    whose file is not in the media folder, a reply before its parent or under another post.
    """
    import re
    import xml.etree.ElementTree as ElementTree

    wp = "{http://wordpress.org/export/1.2/}"
    content_tag = "{http://purl.org/rss/1.0/modules/content/}encoded"
    out_dir = Path(out_dir)
    uploads = out_dir / "wp-content" / "uploads"
    counts, ids, attachments, referenced = {}, set(), set(), set()
    comment_post = {}
    for _event, element in ElementTree.iterparse(out_dir / "export.xml"):
        if element.tag != "item":
            continue
        post_id = int(element.findtext(f"{wp}post_id"))
        assert post_id not in ids, f"post ID {post_id} twice"
        ids.add(post_id)
        kind = element.findtext(f"{wp}post_type")
        counts[kind] = counts.get(kind, 0) + 1
        if kind == "attachment":
            attachments.add(post_id)
            url = element.findtext(f"{wp}attachment_url")
            path = url.split("/wp-content/uploads/", 1)[1]
            assert (uploads / path).is_file(), f"{path} missing from the media folder"
        content = element.findtext(content_tag) or ""
        referenced.update(int(n) for n in re.findall(r"wp-image-(\d+)", content))
        for ids_list in re.findall(r'\[gallery[^\]]* ids="([\d,]+)"', content):
            referenced.update(int(n) for n in ids_list.split(","))
        for meta in element.iter(f"{wp}postmeta"):
            if meta.findtext(f"{wp}meta_key") == "_thumbnail_id":
                referenced.add(int(meta.findtext(f"{wp}meta_value")))
        for comment in element.iter(f"{wp}comment"):
            comment_id = int(comment.findtext(f"{wp}comment_id"))
            parent = int(comment.findtext(f"{wp}comment_parent"))
            assert comment_id not in comment_post, f"comment {comment_id} twice"
            assert not parent or comment_post.get(parent) == post_id, (
                f"comment {comment_id}: bad parent"
            )
            comment_post[comment_id] = post_id
            kind = comment.findtext(f"{wp}comment_type")
            key = f"comment {comment.findtext(f'{wp}comment_approved') if kind == 'comment' else kind}"
            counts[key] = counts.get(key, 0) + 1
        element.clear()
    missing = referenced - attachments
    assert not missing, f"references to missing attachments: {sorted(missing)[:10]}"
    counts["comments"] = len(comment_post)
    counts["images referenced"] = len(referenced)
    return counts


def generate(
    out_dir, posts=FULL["posts"], comments=FULL["comments"], images=FULL["images"], seed=13
):
    """Writes OUT_DIR/export.xml and OUT_DIR/wp-content/uploads/; returns the Summary."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    generator = Generator(posts, comments, images, seed)
    attachments = generator.write(out_dir / "export.xml")
    generator.summary.media_bytes = write_media(
        attachments, out_dir / "wp-content" / "uploads", seed
    )
    return generator.summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--posts", type=int, default=FULL["posts"])
    parser.add_argument("--comments", type=int, default=FULL["comments"])
    parser.add_argument("--images", type=int, default=FULL["images"])
    parser.add_argument("--small", action="store_true", help=f"a quick check: {SMALL}")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    sizes = (
        SMALL
        if args.small
        else {"posts": args.posts, "comments": args.comments, "images": args.images}
    )
    started = time.perf_counter()
    summary = generate(args.out_dir, seed=args.seed, **sizes)
    print(f"{args.out_dir}: {summary} in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    counts = read(args.out_dir)
    print(f"read back in {time.perf_counter() - started:.1f} s: {counts}")


if __name__ == "__main__":
    main()
