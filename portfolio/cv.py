"""The CV as an A4 PDF, made by WeasyPrint from the same data as the profile page.

Generated on request and cached until the profile or one of its lists changes
(`Profile.updated_at` is bumped by the signals in `portfolio/signals.py`).
"""

import base64
import logging
import time

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify

from portfolio.core.site_url import absolute

logger = logging.getLogger(__name__)

CACHE_SECONDS = 60 * 60 * 24 * 30


def file_name(profile, extension="pdf"):
    return f"{slugify(profile.full_name) or 'profile'}-cv.{extension}"


def cache_key(profile, language):
    return f"portfolio:cv:{profile.pk}:{profile.updated_at.timestamp()}:{language}"


def cached_pdf(profile, language):
    key = cache_key(profile, language)
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf(profile, language)
        cache.set(key, pdf, CACHE_SECONDS)
    return pdf


def photo_data_uri(profile):
    """The photo inlined, so WeasyPrint fetches nothing (and works with any storage)."""
    if not profile.photo:
        return ""
    try:
        with profile.photo_jpeg.file.open("rb") as file:
            return "data:image/jpeg;base64," + base64.b64encode(file.read()).decode()
    except (OSError, ValueError):
        logger.warning("CV: the profile photo could not be read; the CV is made without it")
        return ""


def refuse_fetch(url, *args, **kwargs):
    # Everything the CV needs is inline: no network, no file system access from the HTML.
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"The CV does not load external resources ({url[:40]})")


def render_pdf(profile, language):
    from weasyprint import CSS, HTML

    started = time.perf_counter()
    with translation.override(language):
        html = render_to_string(
            "portfolio/cv.html",
            {
                "profile": profile,
                "photo": photo_data_uri(profile),
                "profile_url": absolute(profile.get_absolute_url()),
                "LANGUAGE_CODE": language,
                "SITE_NAME": settings.SITE_NAME,
            },
        )
    stylesheet = CSS(filename=finders.find("css/cv.css"))
    pdf = HTML(string=html, url_fetcher=refuse_fetch).write_pdf(stylesheets=[stylesheet])
    logger.info(
        "CV generated in %.0f ms (%d bytes)", (time.perf_counter() - started) * 1000, len(pdf)
    )
    return pdf
