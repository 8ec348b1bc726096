"""The CV as an A4 PDF (WeasyPrint) and a Word file (portfolio/cv_docx.py), from one content.

`cv_content()` gathers what a CV shows, for the public CV (the profile's CV ticks) or a
tailored one (its own choices); both files are made from it, and the profile page and a
tailored link's page show the same lists through `page_content()`/`cv_content()`.

Files are generated on request and cached until the profile or one of its lists changes
(`Profile.updated_at` is bumped by the signals in `portfolio/signals.py`), or the tailored
CV is saved.
"""

import base64
import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from portfolio.core.site_url import absolute
from portfolio.models import group_skills, sanitize_rich_text
from portfolio.templatetags.profile_tags import availability_details, availability_label

logger = logging.getLogger(__name__)

CACHE_SECONDS = 60 * 60 * 24 * 30
# The CV keeps to one or two pages: its first few recommendations only.
CV_RECOMMENDATIONS = 3


@dataclass
class Content:
    """What a page or a CV shows of the profile, each list in the author's order."""

    profile: object
    pitch: str
    summary_html: str
    availability: str
    availability_details: str
    profile_url: str
    timeline: list
    skill_groups: list
    languages: list
    education: list
    certifications: list
    sectors: list
    services: list
    recommendations: list
    links: list
    press: list = field(default_factory=list)


def _content(profile, *, pitch, is_summary, timeline, skills, certifications, sections, press):
    return Content(
        profile=profile,
        pitch=pitch,
        summary_html=mark_safe(sanitize_rich_text(profile.summary)) if is_summary else "",  # noqa: S308
        availability=availability_label(profile),
        availability_details=availability_details(profile),
        profile_url=absolute(profile.get_absolute_url()),
        timeline=timeline,
        skill_groups=group_skills(skills),
        languages=list(profile.languages.all()) if sections("languages") else [],
        education=list(profile.education.all()) if sections("education") else [],
        certifications=certifications,
        sectors=list(profile.sectors.all()) if sections("sectors") else [],
        services=list(profile.services.all()) if sections("services") else [],
        recommendations=(
            list(profile.published_recommendations) if sections("recommendations") else []
        ),
        links=list(profile.links.all()),
        press=press,
    )


def page_content(profile):
    """Everything the public profile page shows (a profile from `Profile.objects.current_with_lists()`)."""
    return _content(
        profile,
        pitch=profile.pitch,
        is_summary=True,
        timeline=profile.timeline(),
        skills=profile.skills.all(),
        certifications=list(profile.certifications.all()),
        sections=lambda name: True,
        press=list(profile.press_mentions.all()),
    )


def cv_content(profile, tailored=None):
    """What the CV shows: the profile's CV ticks, or a tailored CV's choices.

    A tailored CV shows only the positions, skills and certifications ticked on it (three
    queries for the choices); the rest of the data is the profile's prefetched lists.
    """
    selection = tailored or profile

    def sections(name):
        return getattr(selection, f"is_{name}_on_cv")

    if tailored is None:
        positions = {entry.pk for entry in profile.positions.all() if entry.is_on_cv}
        skills = profile.skills.all() if profile.is_skills_on_cv else []
        certifications = profile.certifications.all() if profile.is_certifications_on_cv else []
    else:
        positions = set(tailored.positions.values_list("pk", flat=True))
        chosen_skills = set(tailored.skills.values_list("pk", flat=True))
        chosen_certifications = set(tailored.certifications.values_list("pk", flat=True))
        skills = [skill for skill in profile.skills.all() if skill.pk in chosen_skills]
        certifications = [
            entry for entry in profile.certifications.all() if entry.pk in chosen_certifications
        ]
    timeline = [
        entry
        for entry in profile.timeline()
        if (sections("periods") if entry.is_period else entry.pk in positions)
    ]
    content = _content(
        profile,
        pitch=(tailored and tailored.pitch) or profile.pitch,
        is_summary=getattr(selection, "is_summary_on_cv", True),
        timeline=timeline,
        skills=skills,
        certifications=list(certifications),
        sections=sections,
        press=[],
    )
    content.recommendations = content.recommendations[:CV_RECOMMENDATIONS]
    return content


def file_name(profile, extension="pdf"):
    return f"{slugify(profile.full_name) or 'profile'}-cv.{extension}"


def cache_key(profile, language, extension, tailored=None):
    key = f"portfolio:cv:{profile.pk}:{profile.updated_at.timestamp()}:{language}:{extension}"
    if tailored is not None:
        key += f":tailored:{tailored.pk}:{tailored.updated_at.timestamp()}"
    return key


def cached_file(render, profile, language, extension, tailored=None):
    """The file `render(profile, language, tailored)` makes, from the cache when it is there."""
    key = cache_key(profile, language, extension, tailored)
    data = cache.get(key)
    if data is None:
        data = render(profile, language, tailored)
        cache.set(key, data, CACHE_SECONDS)
    return data


def cached_pdf(profile, language, tailored=None):
    return cached_file(render_pdf, profile, language, "pdf", tailored)


def photo_jpeg(profile):
    """The photo's JPEG rendition as bytes, or None: a CV is made without it if unreadable."""
    if not profile.photo:
        return None
    try:
        with profile.photo_jpeg.file.open("rb") as file:
            return file.read()
    except (OSError, ValueError):
        logger.warning("CV: the profile photo could not be read; the CV is made without it")
        return None


def photo_data_uri(profile):
    """The photo inlined, so WeasyPrint fetches nothing (and works with any storage)."""
    data = photo_jpeg(profile)
    return "data:image/jpeg;base64," + base64.b64encode(data).decode() if data else ""


def refuse_fetch(url, *args, **kwargs):
    # Everything the CV needs is inline: no network, no file system access from the HTML.
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"The CV does not load external resources ({url[:40]})")


def render_pdf(profile, language, tailored=None):
    from weasyprint import CSS, HTML

    started = time.perf_counter()
    with translation.override(language):
        html = render_to_string(
            "portfolio/cv.html",
            {
                "profile": profile,
                "cv": cv_content(profile, tailored),
                "photo": photo_data_uri(profile),
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
