"""schema.org JSON-LD of the profile page: ProfilePage whose main entity is a Person."""

from portfolio.core.script_json import json_for_script
from portfolio.core.site_url import absolute


def person(profile):
    data = {
        "@type": "Person",
        "@id": absolute(profile.get_absolute_url()) + "#person",
        "name": profile.full_name,
        "jobTitle": profile.headline,
        "url": absolute(profile.get_absolute_url()),
    }
    if profile.pitch:
        data["description"] = profile.pitch
    if profile.photo:
        data["image"] = absolute(profile.photo_640.url)
    if profile.location:
        data["homeLocation"] = {"@type": "Place", "name": profile.location}
    links = [link.url for link in profile.links.all()]
    if links:
        data["sameAs"] = links
    employers = [
        {
            "@type": "Organization",
            "name": position.organization,
            **({"url": position.url} if position.url else {}),
        }
        for position in profile.current_positions()
    ]
    if employers:
        data["worksFor"] = employers
    schools = {entry.school for entry in profile.education.all() if entry.school}
    if schools:
        data["alumniOf"] = [
            {"@type": "EducationalOrganization", "name": school} for school in sorted(schools)
        ]
    credentials = [credential(entry) for entry in profile.certifications.all()]
    credentials += [diploma(entry) for entry in profile.education.all()]
    if credentials:
        data["hasCredential"] = credentials
    skills = [skill.name for skill in profile.skills.all()]
    if skills:
        data["knowsAbout"] = skills
    languages = [
        {"@type": "Language", "name": language.name} for language in profile.languages.all()
    ]
    if languages:
        data["knowsLanguage"] = languages
    press = [article(entry) for entry in profile.press_mentions.all()]
    if press:
        data["subjectOf"] = press
    return data


def article(mention):
    """What a publication wrote about the person."""
    data = {
        "@type": "Article",
        "name": mention.title,
        "headline": mention.title,
        "publisher": {"@type": "Organization", "name": mention.publication},
    }
    if mention.published_on:
        data["datePublished"] = mention.published_on.isoformat()
    if mention.url:
        data["url"] = mention.url
    return data


def credential(certification):
    data = {
        "@type": "EducationalOccupationalCredential",
        "name": certification.name,
        "credentialCategory": "certification",
    }
    if certification.issuer:
        data["recognizedBy"] = {"@type": "Organization", "name": certification.issuer}
    if certification.issued_on:
        data["dateCreated"] = certification.issued_on.isoformat()
    if certification.expires_on:
        data["expires"] = certification.expires_on.isoformat()
    if certification.credential_url:
        data["url"] = certification.credential_url
    return data


def diploma(education):
    data = {
        "@type": "EducationalOccupationalCredential",
        "name": education.title,
        "credentialCategory": "degree",
    }
    if education.level:
        data["educationalLevel"] = education.level
    if education.school:
        data["recognizedBy"] = {"@type": "EducationalOrganization", "name": education.school}
    return data


def profile_page(profile, request):
    return json_for_script(
        {
            "@context": "https://schema.org",
            "@type": "ProfilePage",
            "url": absolute(request.path),
            "dateModified": profile.updated_at.isoformat(),
            "mainEntity": person(profile),
        }
    )
