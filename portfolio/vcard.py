"""The profile as a vCard 4.0 (RFC 6350) that phones' contacts apps import.

Written by hand: the format is a few escaped, folded lines, and vobject (used
in the tests to read it back) only writes vCard 3.0.
"""

import base64
import re
import uuid

from portfolio.core.site_url import absolute

LINE_LENGTH = 75  # octets, before the line break (RFC 6350 §3.2)


def escape(value):
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")  # a lone CR is a line end too; raw, it would start a property
        .replace("\n", "\\n")
    )


def fold(line):
    """Split a content line into ≤ 75-octet pieces, never inside a UTF-8 character."""
    pieces, current, size = [], "", 0
    for character in line:
        width = len(character.encode())
        limit = (
            LINE_LENGTH if not pieces else LINE_LENGTH - 1
        )  # continuation lines start with a space
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += character
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def name_parts(full_name):
    """Family;Given — the last word is taken as the family name."""
    words = full_name.split()
    if len(words) < 2:
        return [escape(full_name), "", "", "", ""]
    return [escape(words[-1]), escape(" ".join(words[:-1])), "", "", ""]


def vcard(profile, request):
    uid = uuid.uuid5(uuid.NAMESPACE_URL, absolute(profile.get_absolute_url()))
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        "KIND:individual",
        f"FN:{escape(profile.full_name)}",
        "N:" + ";".join(name_parts(profile.full_name)),
        f"TITLE:{escape(profile.headline)}",
    ]
    current = profile.current_positions()
    if current:
        lines.append(f"ORG:{escape(current[0].organization)}")
    if profile.location:
        lines.append(f"ADR;LABEL={quote_param(profile.location)}:;;;{escape(profile.location)};;;")
    if profile.pitch:
        lines.append(f"NOTE:{escape(profile.pitch)}")
    lines.append(f"URL;PREF=1:{absolute(profile.get_absolute_url())}")
    lines += [f"URL:{link.url}" for link in profile.links.all()]
    if profile.is_email_in_vcard and profile.contact_email:
        lines.append(f"EMAIL;TYPE=work:{escape(profile.contact_email)}")
    for index, language in enumerate(profile.languages.all(), start=1):
        lines.append(f"X-SPOKEN-LANGUAGE;PREF={index}:{escape(language.name)}")
    if profile.photo:
        photo = read_photo(profile)
        if photo:
            lines.append("PHOTO:data:image/jpeg;base64," + base64.b64encode(photo).decode())
    lines += [
        f"REV:{profile.updated_at.strftime('%Y%m%dT%H%M%SZ')}",
        f"UID:urn:uuid:{uid}",
        "END:VCARD",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)


def quote_param(value):
    # Parameter values may not hold double quotes; commas and colons are fine once quoted.
    # No line end of any kind either (a parameter cannot escape one).
    return '"' + re.sub(r"[\r\n]+", " ", str(value).replace('"', "'")) + '"'


def read_photo(profile):
    try:
        with profile.photo_jpeg.file.open("rb") as file:
            return file.read()
    except (OSError, ValueError):
        return None
