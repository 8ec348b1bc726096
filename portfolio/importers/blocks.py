"""HTML from another blog engine → Vitrine's body blocks, shared by every importer.

Two steps, so a caller can report before it writes:

    conversion = html_to_blocks(html)            # pure: no database, no network
    missing = save_blocks(post, conversion.blocks, store_image)

`html_to_blocks` takes HTML as an editor left it (WordPress after its own
shortcodes and paragraphs are expanded, see `wordpress_content`; Medium's
`section` markup) and returns `Conversion(blocks, kept_as_text)`:

- `RichTextSpec(html)`: paragraphs, headings, lists, links, emphasis, line
  breaks, already through the same sanitizer as text typed in the admin.
  Consecutive pieces make one block. `<b>`/`<i>` become `<strong>`/`<em>`
  (the editor offers only those); headings follow `headings` (WordPress:
  h1/h2 → h2, h3–h6 → h3, since the post title is the page's h1; an h3 before any h2
  becomes h2, so no level is skipped).
- `ImageSpec(src, alt, caption, credit, in_gallery)`: a `<figure>` or a lone
  `<img>`; a figure holding several images (a gallery) gives consecutive
  gallery photos. A caption that ends with its credit ("© Jane Doe",
  "Source Wikipedia", "Crédit : …", "Photo : …") is split, see `split_credit`.
- `QuoteSpec(quote, attribution)`: a `<blockquote>` (its `<cite>` or
  `<footer>` as the attribution). A quote longer than a pull quote holds stays
  rich text, as a blockquote.
- Embeds (`<iframe>`, `<video>`, `<audio>`, `<object>`, tweets) become a plain
  link to the original: no third-party frame, the CSP stays strict.
- What has no block (tables, code, definition lists) keeps its text as
  paragraphs, and is named in `kept_as_text` for the report. Scripts and styles
  are the only content dropped: they are code, not something the author wrote.

`save_blocks` replaces the post's body with the blocks. Images go through
`store_image(src) -> stored file name or None` (the caller finds, checks and
stores the file: see `media.py`); an image that cannot be stored is replaced
by a paragraph with its alt text, caption and credit, and its src returned.
"""

import html as html_lib
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from django.db import transaction

from blog.content import BLOCK_SETS, sanitize

# Where each source heading lands: the post title is the page's h1; the editor has h2 and h3.
WORDPRESS_HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h3", "h5": "h3", "h6": "h3"}
# Medium's title is its h1/h3 and the body starts at h3.
MEDIUM_HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h2", "h4": "h3", "h5": "h3", "h6": "h3"}

# The model limits (blog/models.py): longer text is kept elsewhere, never cut silently.
CAPTION_MAX = 300
CREDIT_MAX = 200
ALT_MAX = 300
QUOTE_MAX = 600
ATTRIBUTION_MAX = 200

INLINE_RENAMES = {"b": "strong", "i": "em"}
CONTAINERS = {
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "center",
    "span",
    "body",
    "html",
    "font",
}
DROPPED = {"script", "style", "noscript", "template", "link", "meta", "head", "title", "hr"}
EMBEDS = {"iframe", "video", "audio", "object", "embed", "source"}
KEPT_AS_TEXT = {"table", "pre", "dl", "form", "details", "address"}
LISTS = {"ul", "ol"}

# A caption's trailing credit: "© Jane Doe", "(c) X", "Crédit(s) (photo) : X", "Credit: X",
# "Photo : X", "Source : X", "Source Wikipedia". It starts the caption or follows a space.
CREDIT = re.compile(
    r"(?:^|(?<=\s)|(?<=[.,;|]))"
    r"(?P<credit>(?:©|\(c\)|cr[ée]dits?(?:\s+photos?)?\s*:|photos?\s*:|sources?\s*:|source\s+(?=(?-i:[A-ZÀ-Þ])))"
    r"\s*\S.*)$",
    re.IGNORECASE | re.DOTALL,
)


@dataclass
class RichTextSpec:
    html: str


@dataclass
class ImageSpec:
    src: str
    alt: str = ""
    caption: str = ""
    credit: str = ""
    in_gallery: bool = False


@dataclass
class QuoteSpec:
    quote: str
    attribution: str = ""


@dataclass
class Conversion:
    blocks: list = field(default_factory=list)
    # Human-readable names of what had no block and was kept as text ("table", "[audio]"…).
    kept_as_text: list = field(default_factory=list)

    @property
    def image_sources(self):
        return [block.src for block in self.blocks if isinstance(block, ImageSpec)]


def split_credit(caption):
    """(caption, credit): the trailing credit of a caption moved to its own field.

    "Le pont Mirabeau © Edouard Jacquinet" → ("Le pont Mirabeau", "© Edouard Jacquinet");
    "Source Wikipedia" → ("", "Source Wikipedia"). A "credit" longer than the field
    holds is not one: the caption stays whole.
    """
    caption = " ".join(caption.split())
    match = CREDIT.search(caption)
    if not match or len(match.group("credit")) > CREDIT_MAX:
        return caption, ""
    rest = caption[: match.start("credit")].rstrip(" \t–—-|/,;")
    return rest, match.group("credit").strip()


def embed_link(url):
    """The address a reader opens for an embedded player (YouTube's embed → its watch page)."""
    url = html_lib.unescape(url.strip())
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host.endswith(("youtube.com", "youtube-nocookie.com")) and parts.path.startswith("/embed/"):
        return "https://www.youtube.com/watch?v=" + parts.path.split("/")[2]
    if host == "player.vimeo.com" and parts.path.startswith("/video/"):
        return "https://vimeo.com/" + parts.path.split("/")[2]
    if host.endswith("twitter.com") and "id" in parse_qs(parts.query):
        return "https://twitter.com/i/status/" + parse_qs(parts.query)["id"][0]
    return url


def link_paragraph(url, text=None):
    """A paragraph holding one link, as the editor would store it (http(s) only)."""
    if not url.lower().startswith(("http://", "https://")):
        return f"<p>{html_lib.escape(text or url)}</p>"
    return f'<p><a href="{html_lib.escape(url)}">{html_lib.escape(text or url)}</a></p>'


class _Converter:
    def __init__(self, headings):
        self.headings = headings
        self.has_h2 = False
        self.result = Conversion()
        self.rich = []  # HTML pieces of the rich text block being built
        self.inline = []  # loose inline HTML waiting for its paragraph

    # Output -------------------------------------------------------------------------

    def flush_inline(self):
        text = "".join(self.inline)
        self.inline = []
        if text.strip():
            self.rich.append(f"<p>{text.strip()}</p>")

    def flush_rich(self):
        self.flush_inline()
        cleaned = sanitize("".join(self.rich)) if self.rich else ""
        self.rich = []
        if _has_text(cleaned):
            self.result.blocks.append(RichTextSpec(cleaned))

    def emit(self, block):
        self.flush_rich()
        self.result.blocks.append(block)

    def keep_as_text(self, name):
        if name not in self.result.kept_as_text:
            self.result.kept_as_text.append(name)

    def heading_level(self, name):
        """`headings[name]`, except that an h3 before any h2 is an h2: after the title
        (the page's h1) an h3 would skip a level, which screen reader users navigate by."""
        level = self.headings[name]
        if level == "h3" and not self.has_h2:
            level = "h2"
        self.has_h2 = self.has_h2 or level == "h2"
        return level

    # Walking ------------------------------------------------------------------------

    def walk(self, node):
        for child in list(node.children):
            self.visit(child)

    def visit(self, node):
        if isinstance(node, Comment):
            return
        if isinstance(node, NavigableString):
            self.inline.append(html_lib.escape(str(node)))
            return
        if not isinstance(node, Tag):
            return
        name = node.name.lower()
        if name in DROPPED:
            return
        if name == "p":
            self.paragraph(node)
        elif name in self.headings:
            self.flush_inline()
            level = self.heading_level(name)
            inner = self.inline_html(node, drop_images=False)
            self.images_in(node)
            if _has_text(inner):
                self.rich.append(f"<{level}>{inner.strip()}</{level}>")
        elif name in LISTS:
            self.flush_inline()
            images = [image.extract() for image in node.find_all("img")]
            self.rich.append(self.block_html(node))
            for image in images:
                self.image(image)
        elif name == "blockquote":
            self.blockquote(node)
        elif name == "figure":
            self.figure(node)
        elif name == "img":
            self.flush_inline()
            self.image(node)
        elif name in EMBEDS:
            self.embed(node)
        elif name in KEPT_AS_TEXT:
            self.text_block(node, name)
        elif name == "br":
            self.inline.append("<br>")
        elif name in CONTAINERS and node.find(_is_block_level):
            self.flush_inline()
            self.walk(node)
            self.flush_inline()
        elif node.find(["img", *EMBEDS]):
            # An inline element around an image (WordPress links photos to their file).
            self.walk(node)
        else:
            self.inline.append(self.element_html(node))

    # Elements -----------------------------------------------------------------------

    def paragraph(self, node):
        self.flush_inline()
        if node.find(["img", *EMBEDS]):
            # Images split the paragraph: text before, the figure, text after.
            self.walk(node)
            self.flush_inline()
            return
        inner = self.inline_html(node)
        if _has_text(inner):
            self.rich.append(f"<p>{inner.strip()}</p>")

    def blockquote(self, node):
        self.flush_inline()
        classes = node.get("class") or []
        if "twitter-tweet" in classes or "instagram-media" in classes:
            links = [a["href"] for a in node.find_all("a", href=True)]
            if links:
                self.rich.append(link_paragraph(links[-1]))
                return
        cite = node.find(["cite", "footer"])
        attribution = ""
        if cite is not None:
            attribution = _text(cite)
            cite.extract()
        quote = "\n".join(_text(part) for part in node.find_all("p")) or _text(node)
        if not quote:
            if attribution:
                self.rich.append(f"<p>{html_lib.escape(attribution)}</p>")
            return
        if len(quote) > QUOTE_MAX or len(attribution) > ATTRIBUTION_MAX:
            # Too long for a pull quote: a blockquote in the text keeps every word.
            inner = self.block_html(node)
            if attribution:
                inner += f"<p>{html_lib.escape(attribution)}</p>"
            self.rich.append(f"<blockquote>{inner}</blockquote>")
            return
        self.emit(QuoteSpec(quote, attribution))

    def figure(self, node):
        self.flush_inline()
        classes = " ".join(node.get("class") or [])
        if "wp-block-embed" in classes or node.find(EMBEDS):
            self.embed(node)
            return
        images = node.find_all("img")
        caption_node = node.find("figcaption", recursive=False)
        if not images:
            self.walk(node)
            return
        if len(images) == 1:
            caption = _text(caption_node) if caption_node else ""
            self.image(images[0], caption=caption)
            return
        # A gallery: each photo its own caption (its nearest figcaption), one for all last.
        for image in images:
            inner = image.find_parent("figure")
            own = inner.find("figcaption") if inner is not None and inner is not node else None
            self.image(image, caption=_text(own) if own else "", in_gallery=True)
        if caption_node is not None and _text(caption_node):
            self.rich.append(f"<p>{html_lib.escape(_text(caption_node))}</p>")

    def image(self, node, caption="", in_gallery=False):
        src = (node.get("src") or node.get("data-src") or "").strip()
        if not src:
            return
        alt = " ".join((node.get("alt") or "").split())
        caption, credit = split_credit(caption)
        spec = ImageSpec(src, alt[:ALT_MAX], caption, credit, in_gallery)
        overflow = ""
        if len(caption) > CAPTION_MAX:
            spec.caption, overflow = "", caption
        self.emit(spec)
        if overflow:
            self.rich.append(f"<p>{html_lib.escape(overflow)}</p>")

    def images_in(self, node):
        for image in node.find_all("img"):
            self.image(image)

    def embed(self, node):
        self.flush_inline()
        url = ""
        wrapper = node.find(class_="wp-block-embed__wrapper") if node.name == "figure" else None
        if wrapper is not None and _text(wrapper):
            url = _text(wrapper)
        else:
            source = node if node.name in EMBEDS else node.find(EMBEDS)
            if source is not None:
                url = source.get("src") or source.get("data") or ""
                if not url and source.find("source"):
                    url = source.find("source").get("src", "")
        if url:
            self.rich.append(link_paragraph(embed_link(url)))
        caption = node.find("figcaption")
        if caption is not None and _text(caption):
            self.rich.append(f"<p>{html_lib.escape(_text(caption))}</p>")

    def text_block(self, node, name):
        """A table, code or list of terms: each row or line a paragraph, nothing lost."""
        self.flush_inline()
        self.keep_as_text(name)
        if name == "table":
            for row in node.find_all("tr"):
                cells = [_text(cell) for cell in row.find_all(["td", "th"])]
                if any(cells):
                    self.rich.append(f"<p>{html_lib.escape(' | '.join(cells))}</p>")
            return
        lines = node.get_text().strip("\n").split("\n")
        if any(line.strip() for line in lines):
            self.rich.append("<p>" + "<br>".join(html_lib.escape(line) for line in lines) + "</p>")

    # HTML of inline content -------------------------------------------------------

    def inline_html(self, node, drop_images=True):
        """The element's content as inline HTML, `<b>`/`<i>` renamed; the sanitizer does the rest."""
        copy = BeautifulSoup(node.decode_contents(), "html.parser")
        for tag in copy.find_all(list(INLINE_RENAMES)):
            tag.name = INLINE_RENAMES[tag.name]
        for tag in copy.find_all(DROPPED):
            tag.decompose()
        if drop_images:
            for tag in copy.find_all("img"):
                tag.decompose()
        return copy.decode()

    def element_html(self, node):
        copy = BeautifulSoup(str(node), "html.parser")
        for tag in copy.find_all(list(INLINE_RENAMES)):
            tag.name = INLINE_RENAMES[tag.name]
        for tag in copy.find_all(DROPPED):
            tag.decompose()
        return copy.decode()

    def block_html(self, node):
        copy = BeautifulSoup(str(node), "html.parser")
        for tag in copy.find_all(list(INLINE_RENAMES)):
            tag.name = INLINE_RENAMES[tag.name]
        for tag in copy.find_all(list(self.headings)):
            tag.name = self.heading_level(tag.name)
        for tag in copy.find_all(DROPPED):
            tag.decompose()
        return copy.decode()


def _is_block_level(tag):
    return isinstance(tag, Tag) and tag.name in {
        "p",
        "figure",
        "blockquote",
        "img",
        "ul",
        "ol",
        *WORDPRESS_HEADINGS,
        *EMBEDS,
        *KEPT_AS_TEXT,
        *CONTAINERS - {"span", "font"},
    }


def _text(node):
    return " ".join(node.get_text(" ").split()) if node is not None else ""


def _has_text(fragment):
    return bool(re.sub(r"<[^>]*>|&nbsp;|\s", "", fragment or ""))


def html_to_blocks(html, *, headings=None):
    """Convert `html` into block specs (see the module docstring for the rules)."""
    converter = _Converter(headings or WORDPRESS_HEADINGS)
    converter.walk(BeautifulSoup(html or "", "html.parser"))
    converter.flush_rich()
    return converter.result


def missing_image_text(spec):
    """What stays in the post when an image cannot be found: its alt, caption and credit."""
    described = " – ".join(part for part in (spec.caption, spec.credit) if part)
    alt = f"[{spec.alt}]" if spec.alt else ""
    return "<p>" + html_lib.escape(" ".join(part for part in (alt, described) if part)) + "</p>"


@transaction.atomic
def save_blocks(owner, blocks, store_image):
    """Replace the body of `owner` (a post or a page) with `blocks`; returns images not stored.

    `store_image(src)` returns the stored file name (already checked and
    re-encoded) or None. The alt text falls back to the caption: the image
    block requires one, and a caption describes the picture better than nothing.
    """
    # A page names its block tables (Page.block_sets); a post's are blog.content.BLOCK_SETS.
    block_sets = getattr(owner, "block_sets", BLOCK_SETS)
    models = {kind: getattr(owner, accessor).model for kind, accessor in block_sets.items()}
    for accessor in block_sets.values():
        getattr(owner, accessor).all().delete()
    missing = []
    rows = []
    for ordering, spec in enumerate(_merge_rich_text(blocks, store_image, missing), start=1):
        common = {"parent": owner, "region": "body", "ordering": ordering * 10}
        if isinstance(spec, RichTextSpec):
            rows.append(models["richtext"](text=spec.html, **common))
        elif isinstance(spec, QuoteSpec):
            rows.append(
                models["pullquote"](quote=spec.quote, attribution=spec.attribution, **common)
            )
        else:
            stored, spec = spec
            model = models["gallery"] if spec.in_gallery else models["figure"]
            rows.append(
                model(
                    image=stored,
                    alt=spec.alt or spec.caption[:ALT_MAX],
                    caption=spec.caption,
                    credit=spec.credit,
                    **common,
                )
            )
    for row in rows:
        # One save each (not bulk_create): image renditions are made on post_save.
        row.save()
    return missing


def _merge_rich_text(blocks, store_image, missing):
    """Blocks to write: images resolved, a missing one turned into text merged with its neighbours."""
    pending_text = []
    for spec in blocks:
        if isinstance(spec, ImageSpec):
            stored = store_image(spec.src)
            if stored is None:
                missing.append(spec.src)
                pending_text.append(missing_image_text(spec))
                continue
            spec = (stored, spec)
        if isinstance(spec, RichTextSpec):
            pending_text.append(spec.html)
            continue
        if pending_text:
            yield RichTextSpec(sanitize("".join(pending_text)))
            pending_text = []
        yield spec
    if pending_text:
        yield RichTextSpec(sanitize("".join(pending_text)))
