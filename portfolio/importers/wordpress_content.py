"""WordPress post content → plain HTML that `blocks.html_to_blocks` understands.

What WordPress does when it shows a post, redone here without PHP:

- **Block editor** content (it has `<!-- wp:… -->` delimiters) is already HTML:
  the delimiters are read only to list blocks we do not know (their HTML and
  text are kept), then removed. Dynamic blocks with no content of their own
  (`<!-- wp:latest-posts /-->`) are listed as left out.
- **Classic** content gets WordPress's autop rule: a blank line separates
  paragraphs, a single newline is a line break, block-level tags stand alone.
  A URL alone on its line (WordPress's auto-embed) becomes a link.
- **Shortcodes**: `[caption]` → figure with its caption; `[gallery ids=…]` (or
  without ids: the post's attached images) → a figure of figures, which the
  converter makes consecutive gallery photos; `[embed]`, `[video]`,
  `[audio]`, `[youtube]`, `[tweet]`… → a link to the original. Any other
  shortcode stays as typed, and is listed in the report.
"""

import html as html_lib
import re
from dataclasses import dataclass, field

# Core blocks whose saved HTML the converter reads as it is.
KNOWN_BLOCKS = {
    "paragraph",
    "heading",
    "list",
    "list-item",
    "image",
    "gallery",
    "quote",
    "pullquote",
    "embed",
    "video",
    "audio",
    "separator",
    "spacer",
    "group",
    "columns",
    "column",
    "html",
    "freeform",
    "shortcode",
    "more",
    "nextpage",
    "preformatted",
    "code",
    "verse",
    "table",
    "media-text",
    "cover",
    "file",
    "buttons",
    "button",
    "details",
}
BLOCK_DELIMITER = re.compile(
    r"<!--\s+(?P<closing>/)?wp:(?P<name>[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)"
    r"(?P<attrs>\s+\{.*?\})?\s*(?P<void>/)?-->",
    re.DOTALL,
)
MORE = re.compile(r"<!--(more|nextpage|noteaser)(.*?)-->")
SHORTCODE = re.compile(
    r"\[(?P<name>[a-zA-Z][\w-]*)(?P<attrs>(?:\s[^\]]*)?)\]"
    r"(?:(?P<body>.*?)\[/(?P=name)\])?",
    re.DOTALL,
)
ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
LINK_SHORTCODES = {"embed", "video", "audio", "youtube", "vimeo", "tweet", "twitter", "playlist"}
URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.MULTILINE)
URL_IN = re.compile(r"https?://[^\s<>\"'\]]+")
# wpautop's block-level elements: they are never wrapped in a paragraph.
ALL_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|"
    r"form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|"
    r"article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
BLOCK_OPEN = re.compile(rf"(<{ALL_BLOCKS}[\s/>])", re.IGNORECASE)
BLOCK_CLOSE = re.compile(rf"(</{ALL_BLOCKS}>)", re.IGNORECASE)
STARTS_WITH_BLOCK = re.compile(rf"^</?{ALL_BLOCKS}[\s/>]", re.IGNORECASE)
PRE = re.compile(r"<pre[\s>].*?</pre>", re.IGNORECASE | re.DOTALL)
ATTACHMENT_CLASS = re.compile(r"wp-image-(\d+)|attachment_(\d+)")


@dataclass
class Prepared:
    html: str
    unknown: list = field(default_factory=list)  # "[name]" or "wp:name", kept as text
    left_out: list = field(default_factory=list)  # dynamic blocks with nothing written in them


def shortcode_attributes(text):
    return {
        match.group(1).lower(): next(group for group in match.groups()[1:] if group is not None)
        for match in ATTRIBUTE.finditer(text or "")
    }


def has_blocks(content):
    return "<!-- wp:" in content


def read_block_delimiters(content, prepared):
    """Remove `<!-- wp:… -->` delimiters, noting blocks we do not know."""

    def replace(match):
        name = match.group("name").removeprefix("core/")
        if name.startswith("core-embed/"):
            name = "embed"
        if not match.group("closing") and name not in KNOWN_BLOCKS:
            label = f"wp:{name}"
            target = prepared.left_out if match.group("void") else prepared.unknown
            if label not in target:
                target.append(label)
        return "\n"

    return BLOCK_DELIMITER.sub(replace, content)


def autop(text):
    """WordPress's paragraph rule: blank line → new paragraph, newline → `<br>`."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = []

    def protect(match):
        kept.append(match.group(0))
        return f"\n\n<pre data-kept='{len(kept) - 1}'></pre>\n\n"

    text = PRE.sub(protect, text)
    text = BLOCK_OPEN.sub(r"\n\n\1", text)
    text = BLOCK_CLOSE.sub(r"\1\n\n", text)
    paragraphs = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if STARTS_WITH_BLOCK.match(chunk):
            paragraphs.append(chunk)
        else:
            paragraphs.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>")
    result = "\n".join(paragraphs)
    return re.sub(r"<pre data-kept='(\d+)'></pre>", lambda m: kept[int(m.group(1))], result)


def _link(url):
    url = html_lib.unescape(url.strip())
    escaped = html_lib.escape(url)
    return f'\n\n<p><a href="{escaped}">{escaped}</a></p>\n\n'


def _figure(attachment, caption=None):
    """`<figure>` for an attachment (an `wxr.Item`), its alt text and caption from WordPress."""
    alt = attachment.meta.get("_wp_attachment_image_alt", "")
    caption = attachment.excerpt if caption is None else caption
    figcaption = f"<figcaption>{html_lib.escape(caption)}</figcaption>" if caption.strip() else ""
    return (
        f'<figure><img src="{html_lib.escape(attachment.attachment_url)}" '
        f'alt="{html_lib.escape(alt)}">{figcaption}</figure>'
    )


def expand_shortcodes(content, prepared, attachments, children_of):
    """Replace the shortcodes we know by HTML; leave the others as typed and list them.

    `attachments` maps attachment ids to their items; `children_of()` gives the
    images attached to this post, for a `[gallery]` without ids.
    """

    def replace(match):
        name = match.group("name").lower()
        attrs = shortcode_attributes(match.group("attrs"))
        body = match.group("body") or ""
        if name in ("caption", "wp_caption"):
            image = re.search(r"<img\b[^>]*>", body, re.IGNORECASE)
            if not image:
                return match.group(0)
            text = attrs.get("caption") or re.sub(
                r"<a\b[^>]*>\s*<img\b[^>]*>\s*</a>|<img\b[^>]*>", "", body
            )
            caption = " ".join(re.sub(r"<[^>]+>", " ", text).split())
            return (
                f"\n\n<figure>{image.group(0)}"
                f"<figcaption>{html_lib.escape(html_lib.unescape(caption))}</figcaption></figure>\n\n"
            )
        if name == "gallery":
            ids = [
                int(part)
                for part in re.findall(r"\d+", attrs.get("ids", "") or attrs.get("include", ""))
            ]
            found = [attachments[i] for i in ids if i in attachments] if ids else children_of()
            if not found:
                return match.group(0)
            figures = "".join(_figure(attachment) for attachment in found)
            return f'\n\n<figure class="gallery">{figures}</figure>\n\n'
        if name in LINK_SHORTCODES:
            url = attrs.get("src") or attrs.get("url") or attrs.get("mp4") or attrs.get("mp3")
            url = url or next(iter(URL_IN.findall(body + " " + match.group("attrs"))), "")
            return _link(url) if url else match.group(0)
        label = f"[{name}]"
        if label not in prepared.unknown:
            prepared.unknown.append(label)
        return match.group(0)

    return SHORTCODE.sub(replace, content)


def fill_missing_alt(html, attachments):
    """An `<img class="wp-image-12">` without alt gets the attachment's alt text."""

    def replace(match):
        tag = match.group(0)
        found = ATTACHMENT_CLASS.search(tag)
        if not found or re.search(r'\balt="[^"]+"', tag):
            return tag
        attachment = attachments.get(int(found.group(1) or found.group(2)))
        alt = attachment.meta.get("_wp_attachment_image_alt", "") if attachment else ""
        if not alt:
            return tag
        tag = re.sub(r'\salt="[^"]*"', "", tag)
        return tag[:4] + f' alt="{html_lib.escape(alt)}"' + tag[4:]

    return re.sub(r"<img\b[^>]*>", replace, html, flags=re.IGNORECASE)


def prepare(content, attachments=None, children_of=lambda: []):
    """The post's content as HTML the converter reads, and what it did not recognise."""
    attachments = attachments or {}
    prepared = Prepared("")
    content = MORE.sub("", content or "")
    if has_blocks(content):
        content = read_block_delimiters(content, prepared)
        content = expand_shortcodes(content, prepared, attachments, children_of)
    else:
        content = URL_LINE.sub(lambda match: _link(match.group(1)), content)
        content = expand_shortcodes(content, prepared, attachments, children_of)
        content = autop(content)
    prepared.html = fill_missing_alt(content, attachments)
    return prepared
