"""Uploaded images: refused with a reason when unsafe, re-encoded clean when accepted.

Django's ImageField alone accepts a 67-byte PNG that claims 100 megapixels,
keeps EXIF GPS coordinates and has no per-file size limit. `SafeImageField`
closes those gaps for every image the site stores.
"""

from io import BytesIO
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# What we store, and the format each is written back as (metadata dropped).
ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG", "MPO": "JPEG"}
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def validate_image_file(upload):
    """Refuse, with a message a person understands, what we will not store."""
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("This file is %(size)s MB; the limit is %(limit)s MB. Resize it and try again."),
            code="too_big",
            params={"size": f"{upload.size / 1024 / 1024:.1f}", "limit": settings.MAX_UPLOAD_MB},
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        # Image.open reads only the header: the pixel count is checked before any decoding.
        with Image.open(upload) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    _("%(format)s images are not accepted. Use JPEG, PNG or WebP."),
                    code="format",
                    params={"format": image.format or "?"},
                )
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
            image.load()  # a truncated or corrupt file fails here
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
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("This image is damaged or incomplete. Export it again and retry."),
            code="damaged",
        ) from None
    finally:
        upload.seek(position)


def reencode(upload):
    """A clean copy: orientation applied, then every metadata block (EXIF, GPS, XMP) dropped."""
    upload.seek(0)
    with Image.open(upload) as original:
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
    name = PurePath(upload.name).stem + EXTENSIONS[target]
    return InMemoryUploadedFile(buffer, None, name, CONTENT_TYPES[target], buffer.tell(), None)


class SafeImageField(models.ImageField):
    """An ImageField that validates uploads and stores them re-encoded, metadata stripped."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [])
        kwargs["validators"] = [validate_image_file, *kwargs["validators"]]
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["validators"] = [
            v for v in kwargs.get("validators", []) if v is not validate_image_file
        ]
        if not kwargs["validators"]:
            del kwargs["validators"]
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            # Storing a new upload: write the clean copy instead of the visitor's bytes.
            file.file = reencode(file.file)
            file.name = file.file.name
        return super().pre_save(model_instance, add)
