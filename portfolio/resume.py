"""The profile in the JSON Resume schema v1.0.0 (https://jsonresume.org/schema).

The private contact email is never part of it: the contact page is the way to reach the person.
"""

import html
import re

from django.utils.html import strip_tags
from django.utils.text import normalize_newlines
from django.utils.translation import gettext

from portfolio.core.site_url import absolute
from portfolio.models import Position

SCHEMA_URL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"


def month(date):
    return date.strftime("%Y-%m") if date else None


def without_empty(data):
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


# Where the HTML of the summary breaks a line: without them, strip_tags glues a list's
# items together ("utilisateurs</li><li>Priorisation" → "utilisateursPriorisation").
LINE_BREAK = re.compile(r"<br\s*/?>", re.I)
BLOCK_END = re.compile(r"</(p|ul|ol|blockquote)\s*>", re.I)
LIST_ITEM = re.compile(r"<li(\s[^>]*)?>", re.I)
BULLET = re.compile(r"^\s*[-•*–]\s+")


def plain_text(text):
    """Text with Unix line breaks, no trailing spaces and at most one blank line in a row."""
    lines = [line.rstrip() for line in normalize_newlines(text or "").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(markup):
    """The summary's HTML as plain text: paragraphs apart, each list item on its own line."""
    markup = LINE_BREAK.sub("\n", markup)
    markup = BLOCK_END.sub("\n\n", markup)
    markup = LIST_ITEM.sub("\n- ", markup)
    return plain_text(html.unescape(strip_tags(markup)))


def plain_summary(profile):
    paragraphs = [plain_text(profile.pitch), html_to_text(profile.summary_html)]
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def summary_and_highlights(description):
    """A position's text split as JSON Resume has it: prose, then the bulleted lines."""
    summary, highlights = [], []
    for line in plain_text(description).split("\n"):
        if BULLET.match(line):
            highlights.append(BULLET.sub("", line))
        else:
            summary.append(line)
    return {"summary": plain_text("\n".join(summary)), "highlights": highlights}


def json_resume(profile, request):
    basics = without_empty(
        {
            "name": profile.full_name,
            "label": profile.headline,
            "image": absolute(profile.photo_640.url) if profile.photo else None,
            "url": absolute(profile.get_absolute_url()),
            "summary": plain_summary(profile),
            "location": without_empty({"city": profile.location}),
            "profiles": [
                {"network": link.display_name, "url": link.url} for link in profile.links.all()
            ],
        }
    )
    positions = list(profile.positions.all())
    work = [
        without_empty(
            {
                "name": position.organization,
                "position": position.role,
                "url": position.url,
                "location": position.location,
                "description": " · ".join(
                    part for part in (position.get_kind_display(), position.sector) if part
                ),
                "startDate": month(position.start_date),
                "endDate": month(position.end_date),
                **summary_and_highlights(position.description),
            }
        )
        for position in positions
        if position.kind != Position.Kind.VOLUNTEERING
    ]
    volunteer = [
        without_empty(
            {
                "organization": position.organization,
                "position": position.role,
                "url": position.url,
                "startDate": month(position.start_date),
                "endDate": month(position.end_date),
                **summary_and_highlights(position.description),
            }
        )
        for position in positions
        if position.kind == Position.Kind.VOLUNTEERING
    ]
    education = [
        without_empty(
            {
                "institution": entry.school or entry.title,
                "area": entry.title,
                "studyType": entry.level,
                "endDate": str(entry.year) if entry.year else None,
            }
        )
        for entry in profile.education.all()
    ]
    certificates = [
        without_empty(
            {
                "name": entry.name,
                "issuer": entry.issuer,
                "date": entry.issued_on.isoformat() if entry.issued_on else None,
                "url": entry.credential_url,
            }
        )
        for entry in profile.certifications.all()
    ]
    skills = [
        {"name": category, "keywords": [skill.name for skill in group]}
        for category, group in profile.skill_groups()
    ]
    languages = [
        {"language": language.name, "fluency": language.get_level_display()}
        for language in profile.languages.all()
    ]
    references = [
        {
            "name": ", ".join(
                part for part in (entry.author, entry.author_role, entry.company) if part
            ),
            "reference": plain_text(entry.quote),
        }
        for entry in profile.published_recommendations
    ]
    projects = [
        without_empty(
            {
                "name": service.title,
                "description": plain_text(service.description),
                "type": "service",
            }
        )
        for service in profile.services.all()
    ]
    interests = (
        [
            {
                "name": gettext("Sectors worked in"),
                "keywords": [sector.name for sector in profile.sectors.all()],
            }
        ]
        if profile.sectors.all()
        else []
    )
    return without_empty(
        {
            "$schema": SCHEMA_URL,
            "basics": basics,
            "work": work,
            "volunteer": volunteer,
            "education": education,
            "certificates": certificates,
            "skills": skills,
            "languages": languages,
            "interests": interests,
            "references": references,
            "projects": projects,
            "meta": {
                "canonical": absolute(request.path),
                "version": "v1.0.0",
                "lastModified": profile.updated_at.replace(microsecond=0).isoformat(),
            },
        }
    )
