"""Uploaded images: refused with a reason when unsafe, re-encoded clean when accepted.

Django's ImageField alone accepts a 67-byte PNG that claims 100 megapixels,
keeps EXIF GPS coordinates and has no per-file size limit. `SafeImageField`
closes those gaps for every image the site stores:

- size checked on the upload's byte count before Pillow sees it;
- Pillow only tries the formats we accept (no EPS, PSD, ICO… parsers run on
  a visitor's bytes), and the pixel count is read from the header and refused
  before any decoding;
- SVG, non-images, truncated or corrupt files refused with a message a person
  understands, in the admin form itself (the form field runs the same checks
  before Django's generic "Upload a valid image");
- what is stored is a fresh image: orientation applied, then every metadata
  block (EXIF, GPS, XMP, comments, ICC) dropped, under a harmless file name.
"""

import posixpath
import secrets
import warnings
from io import BytesIO
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# What we store, and the format each is written back as (metadata dropped).
ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG", "MPO": "JPEG"}
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# The parsers Pillow may run on a visitor's bytes (its JPEG parser also yields MPO).
PARSERS = ["JPEG", "PNG", "WEBP", "GIF"]
# Enough bytes to recognise an SVG (or any XML/HTML) file and name it in the error.
SNIFF_BYTES = 1024


class EndWatchingBytes(BytesIO):
    """The upload's bytes, noting whether a decoder asked for more than the file holds.

    WeasyPrint (the CV) sets Pillow's global `ImageFile.LOAD_TRUNCATED_IMAGES = True`
    when imported, and Pillow then loads half a JPEG as a grey-padded image without a
    word. Switching the global around our own load would race with the other threads of
    a threaded worker, so we leave it alone and watch the reads instead: whatever the
    flag, a truncated file is one whose decoding hit the end of the data.
    """

    watching = False
    ran_out = False

    def read(self, size=-1):
        data = super().read(size)
        if self.watching and not data and size != 0:
            self.ran_out = True
        return data


def _looks_like_markup(head):
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype", b"<html")) or b"<svg" in text


def validate_image_file(upload):
    """Refuse, with a message a person understands, what we will not store."""
    if getattr(upload, "_committed", False):
        # Already stored (a form saved again without a new upload): it was checked when
        # uploaded, and ImageField's dimension update may have closed it (seek would fail).
        return
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("This file is %(size)s MB; the limit is %(limit)s MB. Resize it and try again."),
            code="too_big",
            params={
                "size": number_format(upload.size / 1024 / 1024, decimal_pos=1),
                "limit": settings.MAX_UPLOAD_MB,
            },
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        if _looks_like_markup(upload.read(SNIFF_BYTES)):
            raise ValidationError(
                _(
                    "SVG and other text files are not accepted: they can carry scripts. "
                    "Export the image as PNG or JPEG."
                ),
                code="svg",
            )
        upload.seek(0)
        data = EndWatchingBytes(upload.read())  # at most MAX_UPLOAD_MB, checked above
        # Image.open reads only the header, and only tries the formats we accept:
        # the pixel count is checked before any decoding.
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it; our own limit follows.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(data, formats=PARSERS)
        with image:
            width, height = image.size
            if width * height > settings.MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _(
                        "This image is %(width)s × %(height)s pixels, more than the "
                        "%(megapixels)s megapixels accepted. Resize it and try again."
                    ),
                    code="too_many_pixels",
                    params={
                        "width": width,
                        "height": height,
                        "megapixels": settings.MAX_IMAGE_PIXELS // 1_000_000,
                    },
                )
            data.watching = True
            image.load()  # a corrupt file fails here, a truncated one may run out
            if data.ran_out:
                raise OSError("image file is truncated")
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(
            _("This image has too many pixels to be processed safely. Resize it and try again."),
            code="too_many_pixels",
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(
            _(
                "This file is not an image we can read. Use JPEG, PNG or WebP (SVG is not accepted)."
            ),
            code="not_an_image",
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            _("This image is damaged or incomplete. Export it again and retry."),
            code="damaged",
        ) from None
    finally:
        upload.seek(position)


def reencode(upload):
    """A clean copy: orientation applied, then every metadata block (EXIF, GPS, XMP) dropped."""
    upload.seek(0)
    with Image.open(upload, formats=PARSERS) as original:
        source_format = original.format
        image = ImageOps.exif_transpose(original)
        target = ACCEPTED_FORMATS[source_format]
        if target == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        elif target != "JPEG" and image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA")
        # A fresh image has an empty info dict: no EXIF, GPS, XMP or comment follows.
        clean = Image.new(image.mode, image.size)
        clean.paste(image)
        buffer = BytesIO()
        options = {"JPEG": {"quality": 88, "optimize": True}, "WEBP": {"quality": 88}}
        clean.save(buffer, format=target, **options.get(target, {}))
    # The visitor's file name may be anything (path parts, markup, 300 characters).
    stem = slugify(PurePath(str(upload.name or "")).stem)[:60].strip("-") or "image"
    name = stem + EXTENSIONS[target]
    return InMemoryUploadedFile(buffer, None, name, CONTENT_TYPES[target], buffer.tell(), None)


class SafeImageFormField(forms.ImageField):
    """Runs our checks first, so the admin shows our message, not "Upload a valid image"."""

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "size"):
            validate_image_file(data)
        return super().to_python(data)


@deconstructible
class UnguessableName:
    """`upload_to` that puts a random token before the file's name: `blog/covers/2026/<token>-x.jpg`.

    Named after the upload alone, a draft's cover was public at an address anyone could
    guess (`/media/blog/covers/2026/photo.jpg`) before the post was. 128 random bits
    make the address as secret as the draft, and keep two uploads of `photo.jpg` apart.
    """

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        folder = timezone.now().strftime(self.folder)
        return posixpath.join(folder, f"{secrets.token_urlsafe(16)}-{posixpath.basename(filename)}")

    def __eq__(self, other):
        return isinstance(other, UnguessableName) and other.folder == self.folder


class SafeImageField(models.ImageField):
    """An ImageField that validates uploads and stores them re-encoded, metadata stripped,
    under an unguessable name (`UnguessableName` around the `upload_to` folder given)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [])
        kwargs["validators"] = [validate_image_file, *kwargs["validators"]]
        if isinstance(kwargs.get("upload_to", ""), str):
            kwargs["upload_to"] = UnguessableName(kwargs.get("upload_to", ""))
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        # Migrations keep the folder: how a name is made matters only at upload time.
        if isinstance(kwargs.get("upload_to"), UnguessableName):
            kwargs["upload_to"] = kwargs["upload_to"].folder
            if not kwargs["upload_to"]:
                del kwargs["upload_to"]
        kwargs["validators"] = [
            v for v in kwargs.get("validators", []) if v is not validate_image_file
        ]
        if not kwargs["validators"]:
            del kwargs["validators"]
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SafeImageFormField, **kwargs})

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            # Storing a new upload: write the clean copy instead of the visitor's bytes.
            file.file = reencode(file.file)
            file.name = file.file.name
        return super().pre_save(model_instance, add)
