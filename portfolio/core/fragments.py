"""Pieces of pages each process keeps while nothing has changed: the page cache's generation.

A fragment (the menus, a post's card, a page of a post's comments) is built once per
generation by each worker and reused by every page that shows it, with the page cache on
or off: for the visitors the page cache never serves (a session or a `vitrine_*` cookie),
for the first visit of each page after a change, for the pages of a list sharing cards.

Always right, as the page cache is (docs/performance.md):

- Any model saved or deleted replaces the generation (page_cache), so every fragment
  built before is dropped at its next use.
- Read `current_generation()` *before* reading the rows a fragment is made of, as the page
  cache reads the generation before rendering: rows changed meanwhile leave the fragment
  under the old generation, which nobody asks for again.
- Nothing is kept from inside a transaction: its rows may be rolled back.
- The key names everything else the fragment shows. The active language is part of every
  key; the caller adds the rest (whether comments are open…). What depends on the clock
  or on the visitor stays out of fragments.
- No generation (cache down): every fragment is built each time.
- `memoized()` is for fragments made only of the values in their key: those never go
  stale, whenever they are read.

A setting changed (a test's override) replaces the page cache's generation, so fragments
follow settings too.
"""

import logging
import threading
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import get_script_prefix
from django.utils.translation import get_language

from portfolio.core import page_cache

logger = logging.getLogger(__name__)

# Characters of fragments a process keeps (FRAGMENT_CACHE_CHARS): the comment pages of a
# few busy posts and every card and menu, a few MB of each worker's memory.
MAX_CHARS = 4_000_000
# What a value other than text (or a tuple, list or dict of them) counts for.
OTHER_VALUE_CHARS = 1_000


def current_generation(using=DEFAULT_DB_ALIAS):
    """The generation to keep fragments under now, or None: build them, keep nothing."""
    if connections[using].in_atomic_block:
        return None
    return shared_generation()


def shared_generation():
    """The page cache's current generation (a new one if it is missing), or None if unreadable."""
    try:
        shared = page_cache.store()
        generation = shared.generation()
        if generation is None:
            shared.add_generation(uuid.uuid4().hex)
            generation = shared.generation()
    except Exception:
        logger.exception("Fragments: the page cache's generation is unreadable, building afresh")
        return None
    return generation


def _chars(value):
    if isinstance(value, str):
        return len(value)
    if isinstance(value, tuple | list):
        return sum(map(_chars, value))
    if isinstance(value, dict):
        return sum(map(_chars, value.values()))
    return OTHER_VALUE_CHARS


class Fragments:
    """The latest fragments of the current generation, least recently used dropped first."""

    def __init__(self):
        self.generation = None
        self.entries = OrderedDict()  # key -> (value, chars)
        self.chars = 0
        self.lock = threading.Lock()

    def get(self, generation, key, build):
        with self.lock:
            if generation != self.generation:
                self.generation = generation
                self.entries.clear()
                self.chars = 0
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                return found[0]
        value = build()
        chars = _chars(value)
        max_chars = getattr(settings, "FRAGMENT_CACHE_CHARS", MAX_CHARS)
        if chars > max_chars:
            return value
        with self.lock:
            if generation == self.generation and key not in self.entries:
                self.entries[key] = (value, chars)
                self.chars += chars
                while self.chars > max_chars:
                    _key, (_value, dropped) = self.entries.popitem(last=False)
                    self.chars -= dropped
        return value

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.chars = 0


_fragments = Fragments()
_pure = Fragments()


def cached(generation, key, build):
    """`build()`'s value for `key` in the active language, built once per `generation`.

    `generation` comes from `current_generation()`, read before the rows `build` uses;
    with None, `build()` runs every time.
    """
    if generation is None:
        return build()
    return _fragments.get(generation, (get_language(), *key), build)


def memoized(key, build):
    """`build()`'s value for `key` in the active language, where `key` holds every value it shows.

    For a fragment that is a function of its key alone (a post's card, keyed by the
    fields it shows), so no change can make it stale and no generation is needed.
    """
    return _pure.get(None, (get_language(), get_script_prefix(), *key), build)


def forget_memoized(**kwargs):
    # A setting (a test's override of the URLs, the media storage) may change what a
    # memoized fragment shows beyond its key; generation-bound ones follow the page cache.
    _pure.clear()


def connect_signals():
    """Called from CoreConfig.ready()."""
    setting_changed.connect(forget_memoized, dispatch_uid="fragments_forget_memoized")
