"""French typography on output: the no-break spaces French puts before « : ; ! ? ».

A narrow no-break space (U+202F) before ; ! ? and », and after «; a no-break space
(U+00A0) before :. A space the author typed there is replaced, never doubled, and one
is added where none was typed ("Bonjour!" → "Bonjour !"), so a line never starts with
the punctuation. Nothing else changes.

HTML-aware: only text between tags changes. Never touched: tags and their attributes,
the text of <code>, <pre>, <kbd>, <samp>, <script>, <style>, <textarea>, URLs, e-mail
addresses, character references (the ";" of "&amp;") and times like 12:30 (a colon is
spaced only when a space or the end of the text follows it).

Why our own: the French typographers on PyPI (typographeur, 2020; french-typo) also
rewrite units, ordinals (<sup>) and quotes, and read HTML as text; what we need is these
spaces only, in text nodes only, at ~0.1 ms for a long post.
"""

import re

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
_SPACES = "[ \t\u00a0\u202f]*"
_SIGNS = re.compile("[;:!?«»]")

# Tags, comments and doctype; attributes stay inside the match, so they are never touched.
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
_VERBATIM = {"code", "pre", "kbd", "samp", "script", "style", "textarea"}
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)")
# Pieces of text left as they are: a URL, an e-mail address, a character reference. Each
# is looked for only when its sign is in the text: most text nodes hold none of them.
_UNTOUCHED = (
    (("://", "www."), re.compile(r"(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)[^\s<>]+")),
    (("@",), re.compile(r"[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+")),
    (("&",), re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);")),
)


def _untouched_spans(text):
    spans = []
    for signs, pattern in _UNTOUCHED:
        if any(sign in text for sign in signs):
            spans += [found.span() for found in pattern.finditer(text)]
    spans.sort()
    merged = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# A word (or a closing quote, bracket) then the punctuation: "mot ;", "mot;" → "mot ;".
# Not after another sign ("?!" keeps its second sign glued) nor at a line's start.
_AFTER_WORD = r"(?<=[^\s;:!?«(\[])"
_BEFORE_NARROW = re.compile(_AFTER_WORD + _SPACES + r"([;!?»])")
_BEFORE_COLON = re.compile(_AFTER_WORD + _SPACES + r":(?=\s|$)")
_AFTER_OPENING = re.compile(r"«" + _SPACES + r"(?=\S|$)")


def _narrow_before(found):
    return NARROW_NBSP + found.group(1)


def _space_text(text, lead):
    """Space `text`; `lead`, the character before it, only tells whether a word precedes."""
    text = _BEFORE_NARROW.sub(_narrow_before, lead + text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)[len(lead) :]
    return _AFTER_OPENING.sub("«" + NARROW_NBSP, text)


def _space_node(text, previous):
    """Space one text node; `previous` is the text just before it, across inline tags."""
    if not _SIGNS.search(text):
        return text
    # The last character before the node decides whether a sign opening it follows a word.
    lead = previous[-1:] if previous else ""
    pieces, position = [], 0
    for start, end in _untouched_spans(text):
        pieces.append(_space_text(text[position:start], lead))
        pieces.append(text[start:end])
        lead, position = text[end - 1], end
    pieces.append(_space_text(text[position:], lead))
    return "".join(pieces)


def french_spaces_html(html):
    """`html` (markup, already escaped) with French spaces in its text nodes."""
    if not _SIGNS.search(html):
        return html
    out, previous, verbatim, position = [], "", 0, 0
    for tag in _TAG.finditer(html):
        text = html[position : tag.start()]
        if text:
            out.append(text if verbatim else _space_node(text, previous))
            previous = text
        markup = tag.group()
        out.append(markup)
        name = _TAG_NAME.match(markup)
        if name and name.group(1).lower() in _VERBATIM and not markup.endswith("/>"):
            verbatim = max(0, verbatim + (-1 if markup.startswith("</") else 1))
        position = tag.end()
    text = html[position:]
    if text:
        out.append(text if verbatim else _space_node(text, previous))
    return "".join(out)


def is_french(language):
    return (language or "").lower().split("-")[0] == "fr"


def french_typography(value, language):
    """The filter's work: `value` escaped if it is not markup, spaced if `language` is French.

    Returns safe markup either way, as an autoescaped `{{ value }}` would.
    """
    html = conditional_escape(value)
    if not is_french(language):
        return html
    return mark_safe(french_spaces_html(str(html)))  # noqa: S308 - escaped above, spaces only


def french_typography_text(text, language):
    """Plain text (a feed's title): the same spaces, no escaping, nothing read as a tag."""
    if not is_french(language) or not text:
        return text
    return _space_node(str(text), "")
