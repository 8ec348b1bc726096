"""Renditions of stored images: WebP at a few widths, made when the image is saved.

django-imagekit's Optimistic strategy (settings) generates each `ImageSpecField`
on the source's `post_save` and trusts the URL afterwards, so showing a page never
touches the storage.

imagekit makes each width on its own: four decodes, four resizes from full size and
four encodes, two of them identical when the photo is narrower than 1200 pixels.
`Rendition` makes the whole set the first time one width is asked for (one decode,
each width resized from the next larger one) and hands the others theirs from memory.

An import saves hundreds of images in one process, one core busy. Inside
`renditions_in_parallel()` the saves of this thread only note their sources, and the
renditions are made by a pool of processes, one a core, while the rows go on being
written; leaving the block waits for the last of them.
"""

import functools
import hashlib
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from multiprocessing import get_context

import django
from django.apps import apps
from django.conf import settings
from django.test.utils import override_settings
from imagekit.cachefiles import ImageCacheFile
from imagekit.cachefiles.strategies import Optimistic
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFit
from imagekit.specs import ImageSpec
from imagekit.utils import get_storage
from PIL import Image
from pilkit.processors.utils import resolve_palette
from pilkit.utils import img_to_fobj

from portfolio.core.site_url import absolute

WIDTHS = (480, 800, 1200, 1600)
# Part of each rendition's file name (imagekit hashes the spec): changing it renames them all.
WEBP_OPTIONS = {"quality": 82}
# libwebp's effort, not in the name: method 2 encodes in half the time of Pillow's default 4
# for 3-4 % more bytes on a photo (docs/performance.md).
WEBP_METHOD = 2


def rendition(source, width):
    """A WebP copy of `source` at most `width` pixels wide (never enlarged)."""
    return ImageSpecField(source=source, spec=rendition_spec(width))


@functools.cache
def rendition_spec(width):
    """The spec of one width, shared by every field (a rendition pool worker makes it too)."""
    return type(
        f"Rendition{width}",
        (Rendition,),
        {
            "width": width,
            "processors": [ResizeToFit(width=width, upscale=False)],
            "format": "WEBP",
            "options": WEBP_OPTIONS,
        },
    )


_deferral = threading.local()  # .batch: the _Batch of renditions_in_parallel(), if any


class DeferrableOptimistic(Optimistic):
    """imagekit's Optimistic strategy, except that inside `renditions_in_parallel()` a
    saved source is handed to the batch instead of being rendered there and then."""

    def on_source_saved(self, file):
        batch = getattr(_deferral, "batch", None)
        if batch is None:
            file.generate()
        else:
            batch.add(file.generator.source)


class Rendition(ImageSpec):
    """One width of WIDTHS; its file holds what `ResizeToFit(width, upscale=False)` gives."""

    width = None
    cachefile_strategy = DeferrableOptimistic

    def generate(self):
        return BytesIO(_renditions_of(self.source)[self.width])


_last_set = (None, None)  # (digest of the source's bytes, {width: WebP bytes})
_last_set_lock = threading.Lock()


def _renditions_of(source):
    """Every width's WebP bytes for `source`, the last source's set kept for its other widths.

    Keyed by the source's bytes, not its name: a name can come back for another file.
    """
    global _last_set
    closed = source.closed
    if closed:
        source.open("rb")
    try:
        source.seek(0)
        data = source.read()
    finally:
        if closed:
            source.close()
    digest = hashlib.blake2b(data, digest_size=16).digest()
    with _last_set_lock:
        if _last_set[0] == digest:
            return _last_set[1]
    made = make_renditions(data)
    with _last_set_lock:
        _last_set = (digest, made)
    return made


def make_renditions(data):
    """{width: WebP bytes} for each of WIDTHS, from the image file in `data`."""
    with Image.open(BytesIO(data)) as image:
        full_size = image.size
        # A JPEG decodes at 1/2, 1/4 or 1/8 scale for a fraction of the time, when
        # what comes out is still at least as wide as the widest rendition.
        image.draft(image.mode, (max(WIDTHS), 1))
        image.load()
        made, by_size = {}, {}
        previous = image
        for width in sorted(WIDTHS, reverse=True):
            size = _fitted(full_size, width)
            if size not in by_size:
                if size != previous.size:
                    # From the next larger rendition: much less work than from the
                    # original, and no visible difference (PSNR > 50 dB against it).
                    previous = resolve_palette(previous).resize(size, Image.Resampling.LANCZOS)
                by_size[size] = img_to_fobj(
                    previous, "WEBP", **WEBP_OPTIONS, method=WEBP_METHOD
                ).getvalue()
            made[width] = by_size[size]
    return made


# Below this many sources the pool's start-up (a Django per worker) costs more than it saves.
PARALLEL_FROM = 8


@contextmanager
def renditions_in_parallel():
    """Renditions of the images this thread saves inside the block, made by a process pool
    and all written (at imagekit's names, through the storage API) when the block ends.

    An error in a worker is raised on leaving the block, so a caller inside a transaction
    rolls back rather than commit rows whose pictures are missing.
    """
    batch = _Batch()
    _deferral.batch = batch
    try:
        yield
        _deferral.batch = None
        batch.finish()
    finally:
        _deferral.batch = None
        batch.close()


class _Batch:
    def __init__(self):
        self.seen = set()
        self.waiting = []  # jobs not yet submitted (before the pool is worth starting)
        self.futures = []
        self.pool = None

    def add(self, source):
        # One file often backs several rows (the importers store a photo once): made once.
        if not source.name or source.name in self.seen:
            return
        self.seen.add(source.name)
        names = {
            width: ImageCacheFile(rendition_spec(width)(source=source)).name for width in WIDTHS
        }
        self.waiting.append((source.field.model._meta.label, source.field.name, source.name, names))
        if self.pool is None and len(self.waiting) >= PARALLEL_FROM:
            self.pool = ProcessPoolExecutor(
                max_workers=os.cpu_count() or 1,
                # spawn, not fork: the web process that runs an admin import has threads.
                mp_context=get_context("spawn"),
                initializer=_start_worker,
                initargs=(
                    os.environ.get("DJANGO_SETTINGS_MODULE", ""),
                    # What decides where files go, as this process sees it (a test's
                    # override included).
                    {
                        "STORAGES": settings.STORAGES,
                        "MEDIA_ROOT": settings.MEDIA_ROOT,
                        "MEDIA_URL": settings.MEDIA_URL,
                    },
                ),
            )
        if self.pool is not None:
            self.futures += [self.pool.submit(_make_set, *job) for job in self.waiting]
            self.waiting = []

    def finish(self):
        for job in self.waiting:
            _make_set(*job)
        self.waiting = []
        for future in self.futures:
            future.result()

    def close(self):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _start_worker(settings_module, storage_settings):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    django.setup()
    override_settings(**storage_settings).enable()


def _make_set(model_label, field_name, source_name, names):
    """Every width of one source, each written by imagekit's own cache file `generate()`."""
    field = apps.get_model(model_label)._meta.get_field(field_name)
    source = field.attr_class(None, field, source_name)
    try:
        for width, name in names.items():
            ImageCacheFile(rendition_spec(width)(source=source), name=name).generate()
    finally:
        source.close()


def _fitted(size, width):
    """The size ResizeToFit(width, upscale=False) gives an image of `size`."""
    ratio = width / size[0]
    fitted = (round(size[0] * ratio), round(size[1] * ratio))
    return fitted if fitted[0] < size[0] and fitted[1] < size[1] else size


@dataclass(frozen=True)
class Picture:
    """What an <img> needs: a fallback src, the srcset, the intrinsic size and the alt text."""

    src: str
    srcset: str
    width: int
    height: int
    alt: str

    def absolute(self):
        """The same picture with absolute URLs, for feeds read outside the site."""
        srcset = ", ".join(
            f"{absolute(url)} {descriptor}"
            for url, descriptor in (item.rsplit(" ", 1) for item in self.srcset.split(", "))
        )
        return Picture(absolute(self.src), srcset, self.width, self.height, self.alt)


def rendition_name(source_name, width):
    """The file name imagekit gives the `width` rendition of `source_name`, as its
    `<field>_<width>` attribute would (`instance.cover_800.name`).

    imagekit works it out on every access by pickling and hashing the spec: 0.15 ms a
    rendition, 6 ms for the 40 srcset entries of a list page. The name depends only on
    the source's name, the spec and imagekit's naming settings, so it is kept. The URL is
    still asked of the storage each time, and never whether the file exists: the
    (Deferrable)Optimistic strategy trusts renditions made at save, as imagekit does.
    """
    return _rendition_name(
        source_name,
        width,
        settings.IMAGEKIT_CACHEFILE_DIR,
        settings.IMAGEKIT_SPEC_CACHEFILE_NAMER,
    )


def rendition_url(image, width):
    """`instance.<field>_<width>.url` for the image in `instance.<field>`, from its kept name."""
    return get_storage().url(rendition_name(image.name, width))


@functools.lru_cache(maxsize=20_000)
def _rendition_name(source_name, width, _cachefile_dir, _namer):
    # The settings are in the key so that a test overriding them gets fresh names.
    spec = rendition_spec(width)(source=_NamedSource(source_name))
    return ImageCacheFile(spec).name


@dataclass(frozen=True)
class _NamedSource:
    """All imagekit's namer and hash read of a source: its name (and that it is set)."""

    name: str

    def __bool__(self):
        return bool(self.name)


def picture_of(instance, field_name, alt):
    """The Picture of `instance.<field_name>` from its `<field_name>_<width>` renditions.

    Returns None when no image is set. Widths wider than the original collapse
    into one entry: a 900-pixel photo offers 480w, 800w and 900w.
    """
    image = getattr(instance, field_name)
    if not image:
        return None
    width = getattr(instance, f"{field_name}_width") or 0
    height = getattr(instance, f"{field_name}_height") or 0
    candidates = {}
    for target in WIDTHS:
        actual = min(target, width) if width else target
        if actual not in candidates:
            candidates[actual] = rendition_url(image, target)
    srcset = ", ".join(f"{url} {size}w" for size, url in sorted(candidates.items()))
    # The fallback for browsers without srcset: the 800 (or smaller) copy.
    fallback = candidates[
        max(size for size in candidates if size <= 800 or size == min(candidates))
    ]
    return Picture(fallback, srcset, width, height, alt)
