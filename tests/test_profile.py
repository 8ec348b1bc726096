"""The recruiter-facing profile: page, key figures, JSON-LD, CV (PDF), JSON Resume, vCard, admin."""

import datetime
import io
import json
import re
from pathlib import Path

import jsonschema
import pypdf
import pytest
import vobject
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portfolio import demo
from portfolio.models import (
    Certification,
    ContactMessage,
    Language,
    Period,
    Position,
    Profile,
    Recommendation,
    Skill,
)
from tests.s3 import media_prefix

CV_SECTIONS = [
    "periods",
    "education",
    "certifications",
    "skills",
    "languages",
    "sectors",
    "services",
    "recommendations",
]
SCHEMA = json.loads((Path(__file__).parent / "data" / "jsonresume-schema.json").read_text())
PRIVATE_EMAIL = "nathalie.rousseau@example.org"
LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
SECTION_HEADINGS = [
    "About",
    "Career",
    "Education",
    "Certifications",
    "Skills",
    "Sectors",
    "Services",
    "Recommendations",
    "In",  # "In the press": the first word of each heading is compared
    "Languages",
]


@pytest.fixture
def full_profile(db):
    demo.load(io.StringIO())
    return Profile.objects.get()


def make_profile(**fields):
    fields = {"full_name": "Ada Martin", "headline": "Scrum Master", **fields}
    return Profile.objects.create(**fields)


def make_position(profile, **fields):
    fields = {
        "role": "Product Owner",
        "organization": "Acme",
        "start_date": datetime.date(2015, 1, 1),
        **fields,
    }
    return Position.objects.create(profile=profile, **fields)


def h2_texts(html):
    return [
        re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)
    ]


# Models and computed figures -------------------------------------------------


def test_key_figures_are_computed_from_the_data(db):
    profile = make_profile()
    today = timezone.localdate()
    make_position(profile, start_date=today.replace(year=today.year - 12, day=1))
    make_position(
        profile, kind=Position.Kind.FREELANCE, start_date=today.replace(year=today.year - 3, day=1)
    )
    make_position(
        profile, kind=Position.Kind.FREELANCE, start_date=today.replace(year=today.year - 1, day=1)
    )
    Certification.objects.create(profile=profile, name="PSPO I")
    Recommendation.objects.create(profile=profile, quote="Great", author="A", has_consent=True)
    Recommendation.objects.create(profile=profile, quote="Private", author="B", has_consent=False)

    profile = Profile.objects.current_with_lists()

    assert profile.key_figures == {
        "years_of_experience": 12,
        "missions": 2,
        "certifications": 1,
        "recommendations": 1,
    }


def test_the_database_refuses_a_second_profile(db):
    make_profile()
    with pytest.raises(IntegrityError):
        make_profile(full_name="Someone else")


def test_a_position_cannot_end_before_it_starts(db):
    profile = make_profile()
    with pytest.raises(IntegrityError):
        make_position(
            profile, start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2019, 1, 1)
        )


def test_editing_any_list_of_the_profile_marks_it_modified(db):
    profile = make_profile()
    before = Profile.objects.get().updated_at
    skill = Skill.objects.create(profile=profile, category="Agile", name="Scrum")
    after_create = Profile.objects.get().updated_at
    skill.delete()
    after_delete = Profile.objects.get().updated_at
    assert before < after_create < after_delete


def test_models_read_well_and_point_to_the_profile_page(full_profile):
    assert str(full_profile) == "Nathalie Rousseau"
    assert full_profile.get_absolute_url() == "/profile/"
    assert str(full_profile.positions.first()) == "Product Manager — Ekko Énergie"
    assert str(Language.objects.first()) == "Français (Langue maternelle)"


# The page ------------------------------------------------------------------


def test_no_profile_yet_page_says_so_and_exports_are_404(client, db):
    html = client.get("/en/profile/").content.decode()
    assert "The profile has not been filled in yet." in html
    for path in ["/profile/cv.pdf", "/profile/resume.json", "/profile/vcard.vcf"]:
        assert client.get(path).status_code == 404
    assert "profile-card" not in client.get("/en/").content.decode()


def test_an_almost_empty_profile_renders_without_empty_headings(client, db):
    make_profile(full_name="Ada Martin", headline="Scrum Master")
    response = client.get("/en/profile/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ada Martin" in html
    assert "Scrum Master" in html
    assert "Available now" in html
    assert h2_texts(html) == []
    assert "key-figures" not in html
    assert "<img" not in html
    # The exports work too.
    assert client.get("/profile/cv.pdf").status_code == 200
    assert client.get("/profile/resume.json").status_code == 200
    assert client.get("/profile/vcard.vcf").status_code == 200


def test_full_profile_shows_who_what_availability_and_every_section(client, full_profile):
    html = client.get("/en/profile/").content.decode()
    above_the_fold = html[: html.index("</header>", html.index("profile-hero"))]
    assert "Nathalie Rousseau" in above_the_fold
    assert "Product Manager · Product Owner · Scrum Master — freelance" in above_the_fold
    assert "Available from" in above_the_fold
    assert "Lyon, France" in above_the_fold
    assert "Hybrid · 4 days a week" in above_the_fold
    assert 'href="/en/contact/"' in above_the_fold
    assert 'href="/en/profile/cv.pdf" download' in above_the_fold
    assert "years of experience" in above_the_fold
    assert [heading.split()[0] for heading in h2_texts(html)] == SECTION_HEADINGS
    # Timeline: most recent first, the free-form period in its place.
    assert (
        html.index("Ekko Énergie")
        < html.index("Mobilis Transports")
        < html.index("Une passion pour")
    )
    # Recommendations: only those with consent, and how many.
    assert "Julien Mercier" in html
    assert "Marc Lefèvre" not in html
    assert re.search(r"Recommendations <span class=\"count\">4</span>", html)
    # h-card microformat.
    for name in ["h-card", "p-name", "u-photo", "p-job-title", "p-locality", "p-note", "u-url"]:
        assert name in html


def test_the_private_email_never_reaches_a_public_output(client, full_profile):
    for path in ["/", "/profile/", "/en/profile/", "/profile/resume.json", "/profile/vcard.vcf"]:
        assert PRIVATE_EMAIL not in client.get(path).content.decode(), path


def test_photo_has_renditions_srcset_size_and_alt(client, full_profile):
    html = client.get("/profile/").content.decode()
    img = re.search(r'<img class="profile-hero__photo[^>]*>', html).group(0)
    assert re.search(r'srcset="[^"]+\.webp 160w, [^"]+\.webp 320w, [^"]+\.webp 640w"', img)
    assert 'width="320" height="320"' in img
    assert 'alt="Portrait illustré de Nathalie Rousseau' in img
    assert 'sizes="' in img


def test_summary_is_sanitized(client, db):
    make_profile(
        summary='<p onclick="x()">Hello <script>alert(1)</script><a href="javascript:x()">me</a></p>'
    )
    html = client.get("/en/profile/").content.decode()
    assert "Hello" in html
    assert "alert(1)" not in html
    assert "onclick" not in html
    assert "javascript:" not in html


def test_json_ld_describes_the_person_and_cannot_be_broken_out_of(client, full_profile):
    full_profile.headline = "PM </script><script>alert(1)</script> & co"
    full_profile.save()
    html = client.get("/en/profile/").content.decode()
    assert "</script><script>alert(1)" not in html
    data = json.loads(LD_JSON.search(html).group(1))
    assert data["@type"] == "ProfilePage"
    person = data["mainEntity"]
    assert person["@type"] == "Person"
    assert person["name"] == "Nathalie Rousseau"
    assert person["jobTitle"] == "PM </script><script>alert(1)</script> & co"
    assert {org["name"] for org in person["worksFor"]} == {"Ekko Énergie", "Rousseau Produit"}
    assert "Université de Valombre" in [school["name"] for school in person["alumniOf"]]
    assert "Professional Scrum Product Owner I" in [c["name"] for c in person["hasCredential"]]
    assert "Scrum" in person["knowsAbout"]
    assert [language["name"] for language in person["knowsLanguage"]] == [
        "Français",
        "Anglais",
        "Espagnol",
    ]
    assert PRIVATE_EMAIL not in json.dumps(data)


def test_home_shows_the_profile_card_above_the_latest_posts(client, full_profile):
    html = client.get("/en/").content.decode()
    card = html.index("profile-card")
    assert card < html.index("Latest posts")
    assert "Nathalie Rousseau" in html
    assert "Available from" in html
    assert 'href="/en/profile/"' in html


def add_rows(profile, count):
    for index in range(count):
        make_position(
            profile,
            kind=Position.Kind.FREELANCE,
            role=f"Role {index}",
            start_date=datetime.date(2000 + index % 20, 1 + index % 12, 1),
        )
        Skill.objects.create(
            profile=profile, category=f"Category {index % 3}", name=f"Skill {index}"
        )
        Recommendation.objects.create(
            profile=profile, quote=f"Quote {index}", author=f"Author {index}", has_consent=True
        )
        Certification.objects.create(profile=profile, name=f"Certification {index}")
        Language.objects.create(profile=profile, name=f"Language {index}", level="B1")


def test_profile_page_query_count_does_not_grow_with_the_data(
    client, db, django_assert_num_queries
):
    profile = make_profile()
    add_rows(profile, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/profile/").status_code == 200
    add_rows(profile, 30)
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get("/profile/").content.decode()
    assert "Role 29" in html and "Skill 29" in html and "Author 29" in html
    # One for the profile, one for all its lists (the frame of the page may add its own).
    profile_queries = [q for q in few.captured_queries if '"portfolio_' in q["sql"]]
    assert len(profile_queries) == 2


# Exports ---------------------------------------------------------------------


def test_json_resume_is_valid_against_the_official_schema(client, full_profile):
    response = client.get("/profile/resume.json")
    assert response["Content-Type"] == "application/json"
    data = response.json()
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    jsonschema.validate(data, SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    assert data["basics"]["name"] == "Nathalie Rousseau"
    assert data["basics"]["label"].startswith("Product Manager")
    assert "email" not in data["basics"]
    assert data["work"][0] == {
        "name": "Ekko Énergie",
        "position": "Product Manager",
        "location": "Grenoble (à distance)",
        "description": "Mission freelance · Énergie",
        "startDate": "2025-02",
        "summary": "Application de suivi de consommation : lancement de l’offre heures creuses dynamiques.",
    }
    assert data["volunteer"][0]["organization"] == "Code & Cafés"
    assert {"language": "Anglais", "fluency": "Avancé (C1)"} in data["languages"]
    assert len(data["references"]) == 4
    assert data["meta"]["version"] == "v1.0.0"


def test_json_resume_of_an_almost_empty_profile_is_valid(client, db):
    make_profile()
    data = client.get("/profile/resume.json").json()
    jsonschema.validate(data, SCHEMA)
    assert data["basics"] == {
        "name": "Ada Martin",
        "label": "Scrum Master",
        "url": "http://127.0.0.1:8000/profile/",
    }


def test_vcard_is_read_back_by_a_vcard_parser(client, full_profile):
    response = client.get("/profile/vcard.vcf")
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert 'filename="nathalie-rousseau-cv.vcf"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    card = vobject.readOne(text)
    assert card.fn.value == "Nathalie Rousseau"
    assert card.n.value.family == "Rousseau"
    assert card.n.value.given == "Nathalie"
    assert card.title.value == "Product Manager · Product Owner · Scrum Master — freelance"
    assert card.org.value == ["Ekko Énergie"]
    assert "http://127.0.0.1:8000/profile/" in [url.value for url in card.contents["url"]]
    assert card.photo.value
    assert "\r\nPHOTO:data:image/jpeg;base64," in text
    assert "email" not in card.contents


def test_a_lone_carriage_return_never_splits_a_vcard_line(client, db):
    """A CR typed in a field (old Mac line end) would start a new property in some readers."""
    make_profile(
        full_name="Ada Martin",
        headline="Scrum\rMaster",
        pitch="Première ligne\rFAKE:injecté\r\nTroisième, ligne ; fin " + "é" * 60,
        location="Lyon\rFrance",
    )
    text = client.get("/profile/vcard.vcf").content.decode()
    assert "\r" not in text.replace("\r\n", "")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    card = vobject.readOne(text)
    assert card.title.value == "Scrum\nMaster"
    assert card.note.value == "Première ligne\nFAKE:injecté\nTroisième, ligne ; fin " + "é" * 60
    assert "fake" not in card.contents


def test_vcard_carries_the_email_only_when_the_author_opts_in(client, full_profile):
    full_profile.is_email_in_vcard = True
    full_profile.save()
    card = vobject.readOne(client.get("/profile/vcard.vcf").content.decode())
    assert card.email.value == PRIVATE_EMAIL


def pdf_text(content):
    reader = pypdf.PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_cv_pdf_is_an_a4_document_with_the_name_and_extractable_text(client, full_profile):
    response = client.get("/en/profile/cv.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="nathalie-rousseau-cv.pdf"'
    assert response.content.startswith(b"%PDF")
    pages, text = pdf_text(response.content)
    assert 1 <= pages <= 2
    assert "Nathalie Rousseau" in text
    assert "Ekko Énergie" in text
    assert "Years of experience".lower() in text.lower()
    assert PRIVATE_EMAIL not in text
    first_page = pypdf.PdfReader(io.BytesIO(response.content)).pages[0]
    width_mm, height_mm = (float(v) / 72 * 25.4 for v in first_page.mediabox[2:])
    assert round(width_mm) == 210 and round(height_mm) == 297


def test_cv_pdf_is_cached_until_the_profile_changes(client, full_profile):
    first = client.get("/profile/cv.pdf").content
    again = client.get("/profile/cv.pdf").content
    assert again == first
    skill = Skill.objects.create(
        profile=full_profile, category="Produit", name="Cartographie d’impact"
    )
    _pages, text = pdf_text(client.get("/profile/cv.pdf").content)
    assert "Cartographie d’impact" in text
    skill.delete()
    _pages, text = pdf_text(client.get("/profile/cv.pdf").content)
    assert "Cartographie d’impact" not in text


# Admin -------------------------------------------------------------------------


def test_admin_profile_form_links_each_list_to_its_own_screen(admin_client, full_profile):
    response = admin_client.get(f"/admin/portfolio/profile/{full_profile.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    # The profile's own fields, no inline forms of the lists: one short screen.
    assert 'name="full_name"' in html and "-TOTAL_FORMS" not in html
    position = full_profile.positions.first()
    for model in ["position", "period", "education", "certification", "skill", "language"]:
        assert f'id="list-{model}"' in html, model
        assert f'href="/admin/portfolio/{model}/add/"' in html, model
    assert f'href="/admin/portfolio/position/{position.pk}/change/"' in html
    assert f'action="/admin/portfolio/position/{position.pk}/move/"' in html
    assert "/admin/r/" in html  # "View on site"
    # One profile only: no "Add" once it exists.
    assert admin_client.get("/admin/portfolio/profile/add/").status_code == 403
    # A list's own change list leads back to its table on the profile's form.
    response = admin_client.get("/admin/portfolio/position/")
    assert response["Location"] == (
        f"/admin/portfolio/profile/{full_profile.pk}/change/#list-position"
    )


def test_admin_index_counts_unread_contact_messages(admin_client, db):
    ContactMessage.objects.create(
        name="A", email="a@example.org", subject="S", message="Hello there"
    )
    ContactMessage.objects.create(
        name="B", email="b@example.org", subject="S", message="Hello there", status="read"
    )
    html = admin_client.get("/admin/").content.decode()
    inbox = re.search(r'id="contact-inbox".*?</p>', html, re.S).group(0)
    assert "1 message non lu" in inbox
    assert "/admin/portfolio/contactmessage/?status__exact=unread" in inbox


def test_admin_profile_list_goes_straight_to_the_one_profile(admin_client, full_profile):
    response = admin_client.get("/admin/portfolio/profile/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/portfolio/profile/{full_profile.pk}/change/"
    html = admin_client.get(response["Location"]).content.decode()
    assert f'<img src="{media_prefix()}CACHE/' in html


def test_author_edits_the_profile_and_adds_a_skill_in_the_admin_and_the_cv_follows(
    admin_client, db
):
    profile = make_profile(summary="<p>Old</p>")
    assert "Kanban" not in pdf_text(admin_client.get("/profile/cv.pdf").content)[1]
    data = {
        "full_name": "Ada Martin",
        "headline": "Scrum Master",
        "availability": "on_mission",
        "summary": '<p>New <script>alert(1)</script><a href="https://example.org">site</a></p>',
        "photo_alt": "",
        "location": "Nantes",
        "work_mode": "remote",
        "days_per_week": "3",
        # Ticked, as the form shows them by default.
        **{f"is_{section}_on_cv": "on" for section in CV_SECTIONS},
    }
    response = admin_client.post(f"/admin/portfolio/profile/{profile.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    response = admin_client.post(
        "/admin/portfolio/skill/add/", {"category": "Agile", "name": "Kanban"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    profile.refresh_from_db()
    assert (
        profile.summary
        == '<p>New <a href="https://example.org" rel="noopener noreferrer">site</a></p>'
    )
    assert Skill.objects.get().profile == profile
    html = admin_client.get("/en/profile/").content.decode()
    assert "On a mission" in html and "Remote · 3 days a week" in html and "Kanban" in html
    assert "Kanban" in pdf_text(admin_client.get("/profile/cv.pdf").content)[1]


def test_admin_refuses_available_from_without_a_date(admin_client, db):
    profile = make_profile()
    data = {"full_name": "Ada Martin", "headline": "Scrum Master", "availability": "available_from"}
    response = admin_client.post(f"/admin/portfolio/profile/{profile.pk}/change/", data)
    assert response.status_code == 200
    assert "Give the date you are available from." in response.content.decode() or (
        "Indiquez la date à partir de laquelle vous êtes disponible." in response.content.decode()
    )


def test_admin_explains_a_position_that_ends_before_it_starts(admin_client, db):
    make_profile()
    data = {
        "kind": "employment",
        "role": "PO",
        "organization": "Acme",
        "start_date": "2020-05-01",
        "end_date": "2019-01-01",
        "is_on_cv": "on",
    }
    response = admin_client.post("/admin/portfolio/position/add/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "The end date must come after the start date." in html
        or "La date de fin doit suivre la date de début." in html
    )
    assert not Position.objects.exists()


def test_free_form_periods_follow_the_order_set_in_the_admin(client, db):
    profile = make_profile()
    make_position(profile, start_date=datetime.date(2015, 1, 1))
    # The author puts the earlier stretch first, whatever its year: sort_order decides.
    Period.objects.create(
        profile=profile, start_year=2001, text="Une année de voyage", sort_order=2
    )
    Period.objects.create(profile=profile, start_year=1987, text="La passion du code", sort_order=1)
    html = client.get("/en/profile/").content.decode()
    assert html.index("Product Owner") < html.index("La passion du code")
    assert html.index("La passion du code") < html.index("Une année de voyage")
    _pages, text = pdf_text(client.get("/en/profile/cv.pdf").content)
    assert text.index("La passion du code") < text.index("Une année de voyage")


# Hand order and a short CV ---------------------------------------------------------

LONG_DESCRIPTION = (
    "Cadrage du produit avec les équipes métier, ateliers d’idéation, cartographie des "
    "parcours et priorisation du backlog avec les parties prenantes. "
) * 12


def move(client, position, direction):
    return client.post(f"/admin/portfolio/position/{position.pk}/move/", {"direction": direction})


def test_author_moves_a_position_and_the_profile_cv_and_resume_follow(admin_client, db):
    profile = make_profile()
    newest = make_position(profile, role="Coach agile", start_date=datetime.date(2020, 1, 1))
    middle = make_position(profile, role="Développeur", start_date=datetime.date(2015, 1, 1))
    oldest = make_position(profile, role="Analyste", start_date=datetime.date(2010, 1, 1))
    html = admin_client.get("/en/profile/").content.decode()
    assert html.index("Coach agile") < html.index("Développeur") < html.index("Analyste")

    response = move(admin_client, oldest, "up")
    assert response.status_code == 302
    assert response["Location"].endswith("#list-position")

    html = admin_client.get("/en/profile/").content.decode()
    assert html.index("Coach agile") < html.index("Analyste") < html.index("Développeur")
    _pages, text = pdf_text(admin_client.get("/en/profile/cv.pdf").content)
    assert text.index("Coach agile") < text.index("Analyste") < text.index("Développeur")
    work = admin_client.get("/profile/resume.json").json()["work"]
    assert [entry["position"] for entry in work] == ["Coach agile", "Analyste", "Développeur"]
    # The admin's table shows the same order, the first item cannot go up.
    admin_html = admin_client.get(f"/admin/portfolio/profile/{profile.pk}/change/").content
    admin_html = admin_html.decode()
    assert admin_html.index("Coach agile") < admin_html.index("Analyste")
    assert admin_html.index("Analyste") < admin_html.index("Développeur")

    move(admin_client, newest, "up")  # already first: nothing moves
    move(admin_client, middle, "down")  # already last
    html = admin_client.get("/en/profile/").content.decode()
    assert html.index("Coach agile") < html.index("Analyste") < html.index("Développeur")


def test_moving_an_item_takes_a_post_with_its_csrf_token(admin_client, db):
    profile = make_profile()
    first = Skill.objects.create(profile=profile, category="Agile", name="Scrum")
    second = Skill.objects.create(profile=profile, category="Agile", name="Kanban")
    url = f"/admin/portfolio/skill/{second.pk}/move/"
    assert admin_client.get(url).status_code == 405
    assert admin_client.post(url, {"direction": "sideways"}).status_code == 400
    admin_client.handler.enforce_csrf_checks = True
    assert admin_client.post(url, {"direction": "up"}).status_code == 403
    assert list(profile.skills.all()) == [first, second]
    admin_client.handler.enforce_csrf_checks = False
    assert admin_client.post(url, {"direction": "up"}).status_code == 302
    assert list(profile.skills.all()) == [second, first]


def test_a_new_position_comes_first_and_a_new_skill_last(admin_client, db):
    profile = make_profile()
    make_position(profile, role="Ancien poste", start_date=datetime.date(2010, 1, 1))
    Skill.objects.create(profile=profile, category="Agile", name="Scrum", sort_order=0)
    admin_client.post(
        "/admin/portfolio/position/add/",
        {
            "kind": "freelance",
            "role": "Nouvelle mission",
            "organization": "Acme",
            "start_date": "2009-01-01",
            "is_on_cv": "on",
        },
    )
    admin_client.post("/admin/portfolio/skill/add/", {"category": "Agile", "name": "Kanban"})
    assert [p.role for p in profile.positions.all()] == ["Nouvelle mission", "Ancien poste"]
    assert [s.name for s in profile.skills.all()] == ["Scrum", "Kanban"]


def test_line_breaks_of_a_position_are_kept_in_the_cv(client, db):
    profile = make_profile()
    make_position(profile, description="Première ligne du poste\r\nDeuxième ligne du poste")
    _pages, text = pdf_text(client.get("/profile/cv.pdf").content)
    assert "Première ligne du poste\nDeuxième ligne du poste" in text


def test_short_cv_descriptions_keep_a_long_career_to_two_pages(client, db):
    profile = make_profile()
    positions = [
        make_position(
            profile,
            role=f"Product Owner {year}",
            start_date=datetime.date(year, 1, 1),
            description=LONG_DESCRIPTION,
        )
        for year in range(2004, 2024, 2)
    ]
    long_pages, text = pdf_text(client.get("/profile/cv.pdf").content)
    assert long_pages > 2
    for position in positions:
        position.cv_description = "Cadrage, backlog et ateliers avec les équipes métier."
        position.save()
    pages, text = pdf_text(client.get("/profile/cv.pdf").content)
    assert pages <= 2
    assert "Product Owner 2004" in text and "Product Owner 2022" in text
    assert "idéation" not in text
    # The profile page still tells the whole story.
    assert "idéation" in client.get("/profile/").content.decode()


def test_the_author_chooses_the_positions_and_sections_of_the_cv(client, full_profile):
    _pages, text = pdf_text(client.get("/en/profile/cv.pdf").content)
    assert "Ekko Énergie" in text and "SKILLS" in text and "EDUCATION" in text
    for position in Position.objects.filter(organization="Ekko Énergie"):
        position.is_on_cv = False
        position.save()
    full_profile.is_skills_on_cv = full_profile.is_education_on_cv = False
    full_profile.save()
    _pages, text = pdf_text(client.get("/en/profile/cv.pdf").content)
    assert "Ekko Énergie" not in text
    assert "SKILLS" not in text and "EDUCATION" not in text
    assert "CERTIFICATIONS" in text
    # Left out of the CV only: the profile page keeps them.
    html = client.get("/en/profile/").content.decode()
    assert "Ekko Énergie" in html and 'id="skills-title"' in html


def test_json_resume_carries_clean_text(client, db):
    profile = make_profile(
        pitch="Deux lignes\r\nde présentation",
        summary="<p>Mes points forts :</p><ul><li>Recherche utilisateurs</li>"
        "<li>Priorisation</li></ul><p>Et l’été&nbsp;: la montagne.</p>",
    )
    make_position(
        profile,
        description="Refonte du parcours client.\r\n- Recherche utilisateurs\r\n• Priorisation",
    )
    response = client.get("/profile/resume.json")
    assert "\\r" not in response.content.decode()
    data = response.json()
    jsonschema.validate(data, SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    assert data["basics"]["summary"] == (
        "Deux lignes\nde présentation\n\nMes points forts :\n\n- Recherche utilisateurs\n"
        "- Priorisation\n\nEt l’été\xa0: la montagne."
    )
    assert data["work"][0]["summary"] == "Refonte du parcours client."
    assert data["work"][0]["highlights"] == ["Recherche utilisateurs", "Priorisation"]
