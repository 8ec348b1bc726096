"""Renditions of stored images: WebP at a few widths, made when the image is saved.

django-imagekit's Optimistic strategy (settings) generates each `ImageSpecField`
on the source's `post_save` and trusts the URL afterwards, so showing a page never
touches the storage.
"""

from dataclasses import dataclass

from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFit

from portfolio.core.site_url import absolute

WIDTHS = (480, 800, 1200, 1600)


def rendition(source, width):
    """A WebP copy of `source` at most `width` pixels wide (never enlarged)."""
    return ImageSpecField(
        source=source,
        processors=[ResizeToFit(width=width, upscale=False)],
        format="WEBP",
        options={"quality": 82},
    )


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
            candidates[actual] = getattr(instance, f"{field_name}_{target}").url
    srcset = ", ".join(f"{url} {size}w" for size, url in sorted(candidates.items()))
    # The fallback for browsers without srcset: the 800 (or smaller) copy.
    fallback = candidates[
        max(size for size in candidates if size <= 800 or size == min(candidates))
    ]
    return Picture(fallback, srcset, width, height, alt)
