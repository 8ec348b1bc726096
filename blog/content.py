"""A post's body: its blocks rendered to HTML, and its text for search, excerpts and reading time.

Both read only what `PostQuerySet.with_content()` prefetches (or what one
post's related managers return when not prefetched), so rendering a list of
posts costs a constant number of queries.
"""

import html
import math
import re
from dataclasses import dataclass
from itertools import groupby

from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, slugify

from blog.models import RichText, text_of_html

WORDS_PER_MINUTE = 230
EXCERPT_WORDS = 40
# A table of contents helps from this many entries (headings or questions) on.
TOC_MIN_ENTRIES = 3

BLOCK_SETS = {
    "richtext": "blog_richtext_set",
    "figure": "blog_figure_set",
    "gallery": "blog_galleryimage_set",
    "pullquote": "blog_pullquote_set",
    "question": "blog_question_set",
}
HEADING = re.compile(r"<h([23])>(.*?)</h\1>", re.DOTALL)


def sanitize(fragment):
    """The rich text sanitizer (nh3, rules from the editor's extensions), as the admin applies it."""
    return RichText._meta.get_field("text").sanitize(fragment)


@dataclass
class Section:
    """One piece of the body as rendered: a block kind and its block(s); galleries group photos."""

    kind: str
    items: list


@dataclass(frozen=True)
class TocEntry:
    level: int
    text: str
    anchor: str


def blocks(post):
    """The post's blocks in the author's order (one query per block type unless prefetched)."""
    found = []
    # A page names its own related managers (Page.block_sets); a post's are BLOCK_SETS.
    for kind, accessor in getattr(post, "block_sets", BLOCK_SETS).items():
        found.extend(
            (block.ordering, block.pk, kind, block) for block in getattr(post, accessor).all()
        )
    found.sort(key=lambda entry: entry[:2])
    return [(kind, block) for _ordering, _pk, kind, block in found]


def sections(post):
    """Blocks as the page shows them: consecutive gallery photos become one gallery."""
    result = []
    for kind, group in groupby(blocks(post), key=lambda entry: entry[0]):
        items = [block for _kind, block in group]
        if kind == "gallery":
            result.append(Section(kind, items))
        else:
            result.extend(Section(kind, [block]) for block in items)
    return result


class _Anchors:
    """Unique, readable ids for headings and questions within one post."""

    def __init__(self):
        self.seen = set()

    def __call__(self, text):
        base = slugify(strip_tags(html.unescape(text)))[:60].strip("-") or "section"
        anchor, number = base, 2
        while anchor in self.seen:
            anchor, number = f"{base}-{number}", number + 1
        self.seen.add(anchor)
        return anchor


def _outline(post):
    """The sections plus the table of contents, with the anchors both use."""
    anchors = _Anchors()
    toc = []
    rendered = []
    for section in sections(post):
        if section.kind == "richtext":
            block = section.items[0]

            def add_id(match):
                level, inner = int(match.group(1)), match.group(2)
                anchor = anchors(inner)
                toc.append(TocEntry(level, html.unescape(strip_tags(inner)), anchor))
                return f'<h{level} id="{anchor}">{inner}</h{level}>'

            # Sanitized again at render time: text saved outside the admin gets the same rules.
            rendered.append((section, mark_safe(HEADING.sub(add_id, sanitize(block.text)))))
        elif section.kind == "question":
            block = section.items[0]
            anchor = anchors(block.question)
            toc.append(TocEntry(2, block.question, anchor))
            rendered.append((section, (anchor, mark_safe(sanitize(block.answer)))))
        else:
            rendered.append((section, None))
    return rendered, toc


def table_of_contents(post):
    """Entries (headings h2/h3 and interview questions) when the post is long enough to need one."""
    _rendered, toc = _outline(post)
    return _shown_toc(toc)


def _shown_toc(toc):
    return toc if len(toc) >= TOC_MIN_ENTRIES else []


def body_html(post, absolute=False) -> SafeString:
    """The whole body as HTML. With `absolute`, image URLs include SITE_URL (for feeds)."""
    rendered, _toc = _outline(post)
    return _body_html(rendered, absolute)


def body_and_toc(post):
    """`body_html(post)` and `table_of_contents(post)` from one pass (each sanitizes every text)."""
    rendered, toc = _outline(post)
    return _body_html(rendered, absolute=False), _shown_toc(toc)


def _body_html(rendered, absolute):
    parts = []
    for section, extra in rendered:
        context = {"section": section, "absolute": absolute}
        if section.kind in ("figure", "gallery"):
            pictures = [block.picture for block in section.items]
            if absolute:
                pictures = [picture.absolute() for picture in pictures]
            context["figures"] = list(zip(section.items, pictures, strict=True))
        if section.kind == "richtext":
            context["html"] = extra
        elif section.kind == "question":
            context["anchor"], context["answer"] = extra
            context["block"] = section.items[0]
        else:
            context["block"] = section.items[0]
        parts.append(render_to_string(f"blog/blocks/{section.kind}.html", context))
    return mark_safe("\n".join(parts))


def plain_text(post) -> str:
    """All the words of a post: title, standfirst and every block's text, captions included."""
    pieces = [post.title, post.standfirst]
    for kind, block in blocks(post):
        if kind == "richtext":
            pieces.append(text_of_html(block.text))
        elif kind in ("figure", "gallery"):
            pieces.extend([block.caption, block.credit])
        elif kind == "pullquote":
            pieces.extend([block.quote, block.attribution])
        elif kind == "question":
            pieces.extend([block.question, text_of_html(block.answer)])
    return "\n\n".join(piece.strip() for piece in pieces if piece and piece.strip())


def body_text(post):
    """The body's words only (no title or standfirst): what excerpts are cut from."""
    words = plain_text(post)
    prefix = "\n\n".join(piece for piece in (post.title, post.standfirst) if piece)
    return words[len(prefix) :].strip() if words.startswith(prefix) else words


def reading_minutes(post):
    """Minutes to read at about 230 words a minute, at least one."""
    return max(1, math.ceil(len(plain_text(post).split()) / WORDS_PER_MINUTE))


def excerpt(post, words=EXCERPT_WORDS):
    """The first words of the body, cut on a word boundary."""
    return Truncator(" ".join(body_text(post).split())).words(words, truncate="…")
