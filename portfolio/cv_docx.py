"""The CV as a Word file, for recruiters who put it in their own template.

Made with python-docx from `cv.cv_content()`, the content the PDF shows: real headings
(Heading 1 for sections, Heading 2 for positions) and real lists (List Bullet), so the
recruiter's styles apply when they paste it. The document's properties name the person;
python-docx's own template would otherwise sign it "python-docx".
"""

import io
import logging
import time

from bs4 import BeautifulSoup
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from docx import Document
from docx.shared import Cm

from portfolio import cv
from portfolio.templatetags.profile_tags import duration

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BULLET_MARKS = ("- ", "• ", "* ", "– ")


def month(date):
    return date_format(date, "YEAR_MONTH_FORMAT").capitalize()


def add_text_lines(document, text):
    """A description as typed: lines starting with a dash become list items."""
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if not line:
            continue
        if line.startswith(BULLET_MARKS):
            document.add_paragraph(line[2:].strip(), style="List Bullet")
        else:
            document.add_paragraph(line)


def add_summary(document, summary_html):
    """The summary's paragraphs, lists and quotes (the sanitised HTML the page shows)."""
    soup = BeautifulSoup(summary_html, "html.parser")
    for element in soup.find_all(["p", "li", "blockquote"]):
        text = element.get_text(" ", strip=True)
        if not text or element.find_parent(["li", "blockquote"]):
            continue
        if element.name == "li":
            numbered = element.parent is not None and element.parent.name == "ol"
            document.add_paragraph(text, style="List Number" if numbered else "List Bullet")
        elif element.name == "blockquote":
            document.add_paragraph(text, style="Quote")
        else:
            document.add_paragraph(text)


def key_figures(figures):
    lines = []
    if figures["years_of_experience"]:
        count = figures["years_of_experience"]
        lines.append(f"{count} " + ngettext("year of experience", "years of experience", count))
    if figures["missions"]:
        count = figures["missions"]
        lines.append(f"{count} " + ngettext("freelance mission", "freelance missions", count))
    if figures["certifications"]:
        count = figures["certifications"]
        lines.append(
            f"{count} " + ngettext("certification obtained", "certifications obtained", count)
        )
    if figures["recommendations"]:
        count = figures["recommendations"]
        lines.append(
            f"{count} " + ngettext("recommendation received", "recommendations received", count)
        )
    return lines


def build(content, photo=None):
    """The Word document of one CV content (`cv.cv_content()`)."""
    profile = content.profile
    document = Document()
    properties = document.core_properties
    properties.author = profile.full_name
    properties.last_modified_by = profile.full_name
    properties.title = f"{profile.full_name} — {gettext('CV')}"
    properties.subject = profile.headline
    properties.language = translation.get_language()
    properties.keywords = ""
    properties.comments = ""
    properties.created = properties.modified = timezone.now()
    properties.revision = 1

    if photo:
        document.add_picture(io.BytesIO(photo), width=Cm(3))
    document.add_heading(profile.full_name, level=0)
    document.add_paragraph(profile.headline)
    facts = [content.availability, content.availability_details, profile.location]
    document.add_paragraph(" · ".join(fact for fact in facts if fact))
    document.add_paragraph(f"{gettext('Profile and contact:')} {content.profile_url}")

    if content.pitch or content.summary_html:
        document.add_heading(gettext("About"), level=1)
        if content.pitch:
            document.add_paragraph().add_run(content.pitch).bold = True
        if content.summary_html:
            add_summary(document, content.summary_html)

    figures = key_figures(profile.key_figures)
    if figures:
        document.add_heading(gettext("Key figures"), level=1)
        for line in figures:
            document.add_paragraph(line, style="List Bullet")

    if content.timeline:
        document.add_heading(gettext("Career"), level=1)
        for entry in content.timeline:
            if entry.is_period:
                document.add_paragraph(f"{entry.years} {entry.text}")
                continue
            document.add_heading(f"{entry.role} — {entry.organization}", level=2)
            end = month(entry.end_date) if entry.end_date else gettext("present")
            dates = f"{month(entry.start_date)} – {end} · {duration(entry)}"
            document.add_paragraph(f"{dates} · {entry.get_kind_display()}")
            meta = " · ".join(part for part in (entry.location, entry.sector) if part)
            if meta:
                document.add_paragraph(meta)
            add_text_lines(document, entry.cv_text)

    if content.skill_groups:
        document.add_heading(gettext("Skills"), level=1)
        for category, skills in content.skill_groups:
            names = " · ".join(skill.name for skill in skills)
            document.add_paragraph(f"{category}: {names}", style="List Bullet")

    if content.languages:
        document.add_heading(gettext("Languages"), level=1)
        for language in content.languages:
            document.add_paragraph(
                f"{language.name} — {language.get_level_display()}", style="List Bullet"
            )

    if content.education:
        document.add_heading(gettext("Education"), level=1)
        for entry in content.education:
            title = f"{entry.title} ({entry.level})" if entry.level else entry.title
            details = " · ".join(str(part) for part in (entry.school, entry.year) if part)
            text = f"{title} — {details}" if details else title
            document.add_paragraph(text, style="List Bullet")

    if content.certifications:
        document.add_heading(gettext("Certifications"), level=1)
        for entry in content.certifications:
            year = entry.issued_on.year if entry.issued_on else ""
            details = " · ".join(str(part) for part in (entry.issuer, year) if part)
            text = f"{entry.name} — {details}" if details else entry.name
            document.add_paragraph(text, style="List Bullet")

    if content.sectors:
        document.add_heading(gettext("Sectors"), level=1)
        for sector in content.sectors:
            document.add_paragraph(sector.name, style="List Bullet")

    if content.services:
        document.add_heading(gettext("Services"), level=1)
        for service in content.services:
            document.add_paragraph(service.title, style="List Bullet")

    if content.recommendations:
        document.add_heading(gettext("Recommendations"), level=1)
        for entry in content.recommendations:
            who = ", ".join(
                part for part in (entry.author, entry.author_role, entry.company) if part
            )
            document.add_paragraph(f"“{entry.quote}” — {who}", style="Quote")

    if content.links:
        document.add_heading(gettext("Elsewhere"), level=1)
        for link in content.links:
            document.add_paragraph(f"{link.display_name}: {link.url}", style="List Bullet")
    return document


def render_docx(profile, language, tailored=None):
    started = time.perf_counter()
    with translation.override(language):
        document = build(cv.cv_content(profile, tailored), photo=cv.photo_jpeg(profile))
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    logger.info(
        "CV (Word) generated in %.0f ms (%d bytes)",
        (time.perf_counter() - started) * 1000,
        len(data),
    )
    return data


def cached_docx(profile, language, tailored=None):
    return cv.cached_file(render_docx, profile, language, "docx", tailored)
