"""Slugs that read right in French: one function for the models, the importers and the admin.

Django's `slugify` drops an apostrophe, so "De l’Alsace" gives `de-lalsace` and "centres
d’appels" `centres-dappels`; a French reader expects `de-l-alsace`, `centres-d-appels`.
It also drops the ligatures œ and æ (Unicode has no decomposition for them), so "cœur"
gives `cur`. Both are fixed before Django's own slugify folds the accents.
static/js/admin-fields.js does the same in the admin, over Django’s URLify (whose
downcode map already folds œ and æ).
"""

import re

from django.utils.text import slugify

# The typewriter apostrophe, the typographic one (’) and the modifier letter (ʼ).
APOSTROPHES = re.compile("['\u2019\u02bc]")
LIGATURES = str.maketrans({"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "ß": "ss"})


def french_slugify(text, max_length=None):
    """ "De l’Alsace à Club-Internet : 22 ans…" → "de-l-alsace-a-club-internet-22-ans"."""
    slug = slugify(APOSTROPHES.sub("-", str(text)).translate(LIGATURES))
    if max_length:
        slug = slug[:max_length].strip("-")
    return slug


def unique_slug(text, taken, *, max_length=100, fallback="page"):
    """A slug of `text` no row of `taken` (a queryset) holds, numbered -2, -3… if needed.

    `taken` may also be a callable: `taken(slug)` is true when the slug cannot be used.
    """
    is_taken = taken if callable(taken) else (lambda slug: taken.filter(slug=slug).exists())
    base = french_slugify(text, max_length - 4) or fallback
    slug, number = base, 2
    while is_taken(slug):
        slug, number = f"{base}-{number}", number + 1
    return slug
