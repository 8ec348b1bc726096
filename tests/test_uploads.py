"""Every image the site stores went through SafeImageField: real crafted files, real refusals.

Each file here is built byte by byte or with Pillow at test time: a PNG that
claims 100 megapixels in 65 bytes, a photo with GPS coordinates and a rotation
flag, a JPEG cut in half, an SVG carrying a script.
"""

import io
import os
import struct
import threading
import zlib

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from PIL import Image, ImageFile

from portfolio.core.uploads import SafeImageField, SafeImageFormField, reencode, validate_image_file
from tests.conftest import pass_second_factor

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pixel_bomb():
    """A valid PNG header claiming 10,000 × 10,000 pixels, with almost no data."""
    header = struct.pack(">IIBBBBB", 10_000, 10_000, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b""))
        + png_chunk(b"IEND", b"")
    )


def photo_with_gps_and_rotation(size=(40, 20)):
    """A JPEG as a phone writes it: landscape pixels, 'rotate 90°' flag, GPS position."""
    image = Image.new("RGB", size, "red")
    image.paste((0, 0, 255), (0, 0, size[0] // 2, size[1]))  # left half blue
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # display rotated 90° clockwise
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (48.0, 51.0, 24.0)
    gps[3] = "E"
    gps[4] = (2.0, 21.0, 3.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def jpeg(size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, "JPEG")
    return buffer.getvalue()


def noisy_png(side):
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG")
    return buffer.getvalue()


SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)


@pytest.fixture(autouse=True)
def in_english():
    """Messages are checked in English here; the admin page test reads them in French."""
    with translation.override("en"):
        yield


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(file):
    with pytest.raises(ValidationError) as caught:
        validate_image_file(file)
    return caught.value


# Direct validation ---------------------------------------------------------


@override_settings(MAX_UPLOAD_MB=1)
def test_a_file_over_the_size_limit_is_refused_with_its_size_and_the_limit():
    error = refusal(upload("big.png", noisy_png(700), "image/png"))
    assert error.code == "too_big"
    assert "1.4 MB" in error.messages[0] and "limit is 1 MB" in error.messages[0]
    with translation.override("fr"):
        error = refusal(upload("big.png", noisy_png(700), "image/png"))
        assert "1,4 Mo" in error.messages[0] and "limite est de 1 Mo" in error.messages[0]


def test_a_pixel_bomb_is_refused_from_its_header_before_decoding(monkeypatch):
    bomb = pixel_bomb()
    assert len(bomb) < 70
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(self) or None)
    error = refusal(upload("tiny.png", bomb, "image/png"))
    assert error.code == "too_many_pixels"
    assert "10000 × 10000" in error.messages[0]
    assert decoded == []  # Pillow never started decoding 100 megapixels


def test_plain_django_imagefield_would_have_accepted_the_bomb():
    """Why SafeImageField exists: the stock form field lets the bomb through."""
    from django import forms

    field = forms.ImageField()
    with pytest.warns(Image.DecompressionBombWarning):
        assert field.clean(upload("tiny.png", pixel_bomb(), "image/png"))


@pytest.mark.parametrize(
    ("name", "content", "code", "words"),
    [
        ("notes.jpg", b"This is a text file, not a photo.\n" * 20, "not_an_image", "not an image"),
        ("cv.png", b"%PDF-1.7\n1 0 obj<<>>endobj\n" * 10, "not_an_image", "not an image"),
        ("logo.svg", SVG, "svg", "SVG"),
        ("logo.png", SVG, "svg", "SVG"),
        ("half.jpg", jpeg((400, 300))[:700], "damaged", "damaged or incomplete"),
    ],
)
def test_what_is_not_a_complete_raster_image_is_refused_with_a_reason(name, content, code, words):
    error = refusal(upload(name, content))
    assert error.code == code
    assert words in error.messages[0]


def test_half_a_jpeg_is_refused_even_after_weasyprint_relaxed_pillow():
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES globally when the CV module loads."""
    import weasyprint  # noqa: F401

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    assert refusal(upload("half.jpg", jpeg((400, 300))[:700])).code == "damaged"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as the other library wants it


class UploadReadAlongsideAThreadThatRelaxesPillow(SimpleUploadedFile):
    """Each read lets another thread run, which wants truncated images loaded (WeasyPrint)."""

    flags_seen_by_the_other_thread = []

    def read(self, *args):
        def relax():
            self.flags_seen_by_the_other_thread.append(ImageFile.LOAD_TRUNCATED_IMAGES)
            ImageFile.LOAD_TRUNCATED_IMAGES = True

        other = threading.Thread(target=relax)
        other.start()
        other.join()
        return super().read(*args)


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "GIF"])
def test_a_truncated_image_is_refused_while_another_thread_relies_on_pillows_global(kind):
    """gunicorn may run threads: validation must neither depend on the global nor touch it."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (300, 200), os.urandom(300 * 200 * 3)).save(buffer, kind)
    truncated = buffer.getvalue()[: len(buffer.getvalue()) * 3 // 4]
    previous, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, True
    try:
        file = UploadReadAlongsideAThreadThatRelaxesPillow("half", truncated)
        assert refusal(file).code == "damaged"
        assert set(file.flags_seen_by_the_other_thread) == {True}
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def test_formats_pillow_could_parse_but_we_do_not_accept_are_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "BMP")
    assert refusal(upload("old.bmp", buffer.getvalue())).code == "not_an_image"
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "TIFF")
    assert refusal(upload("scan.tif", buffer.getvalue())).code == "not_an_image"


def test_an_ordinary_photo_passes():
    validate_image_file(upload("ok.jpg", jpeg(), "image/jpeg"))


def test_reencoding_applies_orientation_then_drops_gps_and_every_exif_tag():
    original = photo_with_gps_and_rotation()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(GPS_IFD)  # the crafted file really has GPS

    clean = reencode(upload("../../holiday <b>.jpg", original, "image/jpeg"))
    with Image.open(clean) as image:
        assert image.size == (20, 40)  # portrait, as the phone showed it
        assert len(image.getexif()) == 0
        assert "exif" not in image.info and "xmp" not in image.info
        # The blue half was on the left; rotated 90° clockwise it is on top.
        assert image.getpixel((10, 5))[2] > 200
        assert image.getpixel((10, 35))[0] > 200
    assert clean.name == "holiday-b.jpg"


def test_gif_is_stored_as_png_and_webp_stays_webp():
    for source, expected in (("GIF", "PNG"), ("WEBP", "WEBP")):
        buffer = io.BytesIO()
        Image.new("RGB", (12, 12), "blue").save(buffer, source)
        clean = reencode(upload(f"x.{source.lower()}", buffer.getvalue()))
        assert Image.open(clean).format == expected


# Through models and the admin ---------------------------------------------


def models_with_safe_images():
    found = []
    for model, model_admin in admin.site._registry.items():
        for field in model._meta.get_fields():
            if isinstance(field, SafeImageField):
                found.append((model, model_admin, field.name))
    return found


def test_every_admin_image_field_uses_the_safe_form_field(rf, admin_user):
    found = models_with_safe_images()
    if not found:
        pytest.skip("no model with an image field is in the admin yet")
    request = rf.get("/")
    request.user = admin_user
    for _model, model_admin, name in found:
        form_class = model_admin.get_form(request)
        assert isinstance(form_class.base_fields[name], SafeImageFormField), name


@pytest.mark.django_db
def test_admin_form_shows_our_message_for_each_bad_file(rf, admin_user):
    found = models_with_safe_images()
    if not found:
        pytest.skip("no model with an image field is in the admin yet")
    _model, model_admin, name = found[0]
    request = rf.get("/")
    request.user = admin_user
    form_class = model_admin.get_form(request)
    cases = {
        "bomb.png": (pixel_bomb(), "megapixels accepted"),
        "logo.svg": (SVG, "SVG"),
        "notes.jpg": (b"hello" * 100, "not an image"),
        "half.jpg": (jpeg((400, 300))[:700], "damaged or incomplete"),
    }
    for filename, (content, words) in cases.items():
        form = form_class(data={}, files={name: upload(filename, content)})
        form.is_valid()
        assert any(words in message for message in form.errors.get(name, [])), (
            filename,
            form.errors.get(name),
        )


@pytest.mark.django_db
def test_admin_page_shows_the_refusal_to_the_author(client):
    """The author uploads a pixel bomb in the admin and reads why it was refused."""
    found = models_with_safe_images()
    if not found:
        pytest.skip("no model with an image field is in the admin yet")
    model, _model_admin, name = found[0]
    user = get_user_model().objects.create_superuser("author", "author@example.org", "pw")
    pass_second_factor(client, user)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    response = client.post(url, {name: upload("bomb.png", pixel_bomb(), "image/png")})
    assert response.status_code == 200
    # The author's admin speaks the site's language: French.
    assert "mégapixels acceptés" in response.content.decode()
    assert model.objects.count() == 0


@pytest.mark.django_db
def test_stored_image_has_no_gps_and_right_dimensions():
    """Saved through a real model: the file on disk is the clean, upright copy."""
    from blog.models import Author

    author = Author(name="Jeanne")
    author.photo = upload("me.jpg", photo_with_gps_and_rotation(), "image/jpeg")
    author.full_clean()
    author.save()
    author.refresh_from_db()
    with author.photo.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (20, 40)
        assert len(image.getexif()) == 0
    assert (author.photo_width, author.photo_height) == (20, 40)
    assert author.photo.name.endswith(".jpg")
