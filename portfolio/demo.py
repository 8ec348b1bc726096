"""Demo content of the profile app: a fictional freelance product manager, every section filled.

Nathalie Rousseau and every organisation named here are invented. The photo is
drawn with Pillow on the spot: nothing is downloaded.
"""

import datetime
from functools import cache
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter

from portfolio.models import (
    Certification,
    Education,
    Language,
    Link,
    Period,
    Position,
    PressMention,
    Profile,
    Recommendation,
    Sector,
    Service,
    Skill,
)

D = datetime.date

PROFILE = {
    "full_name": "Nathalie Rousseau",
    "headline": "Product Manager · Product Owner · Scrum Master — freelance",
    "photo_alt": "Portrait illustré de Nathalie Rousseau, souriante, sur fond orangé.",
    "location": "Lyon, France",
    "work_mode": Profile.WorkMode.HYBRID,
    "days_per_week": 4,
    "availability_note": "Télétravail de préférence, déplacements ponctuels en France.",
    "pitch": (
        "Je fais avancer des produits numériques utiles, de la discovery à la mise en "
        "production, avec des équipes qui savent pourquoi elles construisent ce qu’elles construisent."
    ),
    "summary": (
        "<p>Vingt ans de métier, d’abord côté <strong>support informatique</strong>, puis côté "
        "<strong>produit</strong> : je connais les utilisateurs par leurs tickets avant de les "
        "connaître par leurs personas.</p>"
        "<p>En mission, je prends le rôle de Product Owner ou de Product Manager : cadrage, "
        "discovery, roadmap, backlog ordonné et revue de sprint qui décide quelque chose. "
        "J’aime les contextes réglementés (santé, banque, secteur public) où la clarté "
        "fait gagner des mois.</p>"
        "<ul><li>Discovery et ateliers utilisateurs</li><li>Priorisation chiffrée et roadmap "
        "partagée</li><li>Accompagnement d’équipes Scrum et Kanban</li></ul>"
    ),
    "contact_email": "nathalie.rousseau@example.org",
}

LANGUAGES = [("Français", "native"), ("Anglais", "C1"), ("Espagnol", "B1")]

LINKS = [
    ("linkedin", "", "https://www.linkedin.com/in/nathalie-rousseau-demo-vitrine"),
    ("malt", "", "https://www.malt.fr/profile/nathalierousseaudemovitrine"),
    ("github", "", "https://github.com/nathalie-rousseau-demo-vitrine"),
]

PERIODS = [
    (
        1987,
        1997,
        "Une passion pour l’informatique, puis pour Internet : premiers programmes en BASIC, premier site perso en 1996.",
    ),
]

POSITIONS = [
    {
        "kind": Position.Kind.EMPLOYMENT,
        "role": "Webmestre et assistante informatique",
        "organization": "Atelier Pixel & Papier",
        "location": "Villeurbanne",
        "start_date": D(1998, 9, 1),
        "end_date": D(2006, 8, 31),
        "sector": "Communication",
        "description": "Sites des clients de l’agence, parc de vingt postes, sauvegardes et messagerie.",
    },
    {
        "kind": Position.Kind.EMPLOYMENT,
        "role": "Technicienne support informatique N2",
        "organization": "Groupe hospitalier des Monts d’Or",
        "location": "Lyon",
        "start_date": D(2006, 9, 1),
        "end_date": D(2016, 8, 31),
        "sector": "Santé",
        "description": (
            "Support de 3 000 utilisateurs et de leurs logiciels métiers. "
            "Refonte du catalogue de services ITIL, temps de résolution divisé par deux."
        ),
    },
    {
        "kind": Position.Kind.EMPLOYMENT,
        "role": "Product Owner",
        "organization": "Mobilis Transports",
        "location": "Lyon",
        "start_date": D(2016, 9, 1),
        "end_date": D(2019, 12, 31),
        "sector": "Transport",
        "description": "Application voyageurs (800 000 utilisateurs) : billettique mobile et information en temps réel.",
    },
    {
        "kind": Position.Kind.OWN_COMPANY,
        "role": "Fondatrice, conseil en produit numérique",
        "organization": "Rousseau Produit",
        "location": "Lyon",
        "start_date": D(2020, 1, 1),
        "end_date": None,
        "sector": "",
        "description": "Société de conseil qui porte mes missions de Product Manager et de coach agile.",
    },
    {
        "kind": Position.Kind.FREELANCE,
        "role": "Product Owner",
        "organization": "Banque Horizon",
        "location": "Paris (hybride)",
        "start_date": D(2020, 2, 1),
        "end_date": D(2021, 6, 30),
        "sector": "Banque",
        "description": "Ouverture de compte 100 % en ligne : parcours KYC repensé, abandon réduit de 35 %.",
    },
    {
        "kind": Position.Kind.FREELANCE,
        "role": "Product Manager",
        "organization": "SantéPlus",
        "url": "https://example.org/santeplus",
        "location": "Lyon",
        "start_date": D(2021, 9, 1),
        "end_date": D(2023, 3, 31),
        "sector": "E-santé",
        "description": "Prise de rendez-vous et téléconsultation : discovery avec 40 soignants, roadmap trimestrielle.",
    },
    {
        "kind": Position.Kind.FREELANCE,
        "role": "Scrum Master",
        "organization": "Métropole de Valombre",
        "location": "Valombre",
        "start_date": D(2023, 5, 1),
        "end_date": D(2024, 12, 31),
        "sector": "Secteur public",
        "description": "Trois équipes de la plateforme de démarches en ligne : rituels, indicateurs de flux, montée en autonomie.",
    },
    {
        "kind": Position.Kind.FREELANCE,
        "role": "Product Manager",
        "organization": "Ekko Énergie",
        "location": "Grenoble (à distance)",
        "start_date": D(2025, 2, 1),
        "end_date": None,
        "sector": "Énergie",
        "description": "Application de suivi de consommation : lancement de l’offre heures creuses dynamiques.",
    },
    {
        "kind": Position.Kind.VOLUNTEERING,
        "role": "Mentore",
        "organization": "Code & Cafés",
        "location": "Lyon",
        "start_date": D(2018, 10, 1),
        "end_date": None,
        "sector": "Associatif",
        "description": "Accompagnement de personnes en reconversion vers les métiers du numérique.",
    },
]

EDUCATION = [
    ("Master Management de l’innovation", "Master (Bac+5)", "Université de Valombre", 2015),
    (
        "Licence professionnelle Métiers de l’Internet",
        "Licence (Bac+3)",
        "IUT de Villeurbanne",
        2005,
    ),
    ("BTS Informatique de gestion", "BTS (Bac+2)", "Lycée La Martinière", 1997),
]

CERTIFICATIONS = [
    (
        "Professional Scrum Product Owner I",
        "Scrum.org",
        D(2017, 4, 12),
        None,
        "https://example.org/credentials/pspo-1",
    ),
    (
        "Professional Scrum Master I",
        "Scrum.org",
        D(2018, 6, 5),
        None,
        "https://example.org/credentials/psm-1",
    ),
    ("SAFe POPM", "Scaled Agile", D(2021, 3, 18), D(2023, 3, 18), ""),
    ("ITIL 4 Foundation", "AXELOS", D(2012, 11, 2), None, ""),
]

SKILLS = {
    "Produit": [
        "Discovery",
        "Roadmap",
        "Priorisation (RICE, WSJF)",
        "User stories",
        "Tests utilisateurs",
        "Indicateurs produit",
    ],
    "Agilité": ["Scrum", "Kanban", "SAFe", "Facilitation d’ateliers", "Coaching d’équipe"],
    "Outils": ["Jira", "Confluence", "Miro", "Figma", "SQL", "Matomo"],
    "Technique": ["API REST", "Support N2", "ITIL", "Accessibilité (RGAA)"],
}

SECTORS = ["Santé", "Banque", "Transport", "Énergie", "Secteur public", "Communication"]

SERVICES = [
    (
        "Product Owner en mission",
        "Je rejoins votre équipe de 3 à 18 mois : backlog, priorités, revue de sprint et lien avec le métier.",
    ),
    (
        "Cadrage et discovery",
        "En quatre à six semaines, entretiens utilisateurs, prototypes et une roadmap que tout le monde comprend.",
    ),
    (
        "Coaching Scrum et Kanban",
        "Des rituels courts et utiles, des indicateurs de flux, une équipe qui décide seule.",
    ),
    (
        "Audit de backlog",
        "Deux jours pour trier, réécrire et ordonner : vous repartez avec un backlog sain et une méthode.",
    ),
]

RECOMMENDATIONS = [
    {
        "quote": "Nathalie a transformé un backlog de 400 tickets en une roadmap lisible en trois semaines. L’équipe savait enfin pourquoi elle travaillait.",
        "author": "Julien Mercier",
        "author_role": "Directeur produit",
        "company": "SantéPlus",
        "given_on": D(2023, 4, 2),
        "has_consent": True,
    },
    {
        "quote": "Une Product Owner qui écoute les conseillers autant que les clients. Le parcours d’ouverture de compte lui doit beaucoup.",
        "author": "Sonia Benali",
        "author_role": "Responsable digital",
        "company": "Banque Horizon",
        "given_on": D(2021, 7, 9),
        "has_consent": True,
    },
    {
        "quote": "Calme, précise, drôle. Nos revues de sprint sont devenues le meilleur moment de la quinzaine.",
        "author": "Thomas Girard",
        "author_role": "Développeur",
        "company": "Métropole de Valombre",
        "given_on": D(2025, 1, 20),
        "source_url": "https://example.org/recommandations/thomas-girard",
        "has_consent": True,
    },
    {
        "quote": "Elle parle aussi bien aux développeurs qu’aux élus, et elle traduit dans les deux sens.",
        "author": "Claire Fontaine",
        "author_role": "Directrice du numérique",
        "company": "Métropole de Valombre",
        "given_on": D(2024, 12, 15),
        "has_consent": True,
    },
    {
        # No consent yet: stays private, as the admin shows.
        "quote": "Très bonne collaboration sur le projet billettique.",
        "author": "Marc Lefèvre",
        "author_role": "Chef de projet",
        "company": "Mobilis Transports",
        "given_on": D(2019, 12, 20),
        "has_consent": False,
    },
]


PRESS = [
    {
        "title": "Nathalie Rousseau, du support au produit",
        "publication": "En-Contact",
        "published_on": D(2016, 10, 21),
        "url": "https://en-contact.example.com/portraits/nathalie-rousseau",
        "quote": "Dix ans de support m’ont appris à écouter avant de construire.",
    },
    {
        "title": "Product Owner à l’hôpital : trois leçons",
        "publication": "Medium",
        "published_on": D(2022, 5, 12),
        "url": "https://medium.example.com/@demo/product-owner-a-l-hopital",
        "quote": "",
    },
]


# Drawn once per process: the test suite loads the demo many times.
@cache
def portrait(size=640):
    """An illustrated portrait: warm background, head and shoulders, drawn with Pillow."""
    image = Image.new("RGB", (size, size), "#f2b48c")
    draw = ImageDraw.Draw(image)
    for y in range(size):  # soft vertical gradient
        shade = int(40 * y / size)
        draw.line([(0, y), (size, y)], fill=(242 - shade, 180 - shade, 140 - shade // 2))
    s = size / 800
    draw.ellipse([150 * s, 560 * s, 650 * s, 1100 * s], fill="#2f4858")  # shoulders
    draw.polygon([(340 * s, 560 * s), (400 * s, 660 * s), (460 * s, 560 * s)], fill="#f6f1e9")
    draw.rectangle([360 * s, 470 * s, 440 * s, 580 * s], fill="#c98b6b")  # neck
    draw.ellipse([250 * s, 150 * s, 550 * s, 500 * s], fill="#5a3825")  # hair, back
    draw.ellipse([285 * s, 220 * s, 515 * s, 500 * s], fill="#d9a07f")  # face
    draw.chord([270 * s, 140 * s, 540 * s, 360 * s], 180, 360, fill="#5a3825")  # fringe
    for x in (345, 455):  # eyes
        draw.ellipse([(x - 12) * s, 340 * s, (x + 12) * s, 364 * s], fill="#2b1d14")
    draw.arc([350 * s, 380 * s, 450 * s, 450 * s], 20, 160, fill="#8c3b2e", width=int(8 * s))
    image = image.filter(ImageFilter.SMOOTH)
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def has_content():
    return Profile.objects.exists()


def load(stdout):
    if Profile.objects.exists():
        stdout.write("Profile: already there, left as it is.")
        return
    today = timezone.localdate()
    available_from = (today.replace(day=1) + datetime.timedelta(days=62)).replace(day=1)
    profile = Profile(
        **PROFILE,
        availability=Profile.Availability.AVAILABLE_FROM,
        available_from=available_from,
    )
    profile.photo = SimpleUploadedFile("nathalie-rousseau.jpg", portrait(), "image/jpeg")
    profile.save()
    for order, (name, level) in enumerate(LANGUAGES):
        Language.objects.create(profile=profile, name=name, level=level, sort_order=order)
    for order, (kind, label, url) in enumerate(LINKS):
        Link.objects.create(profile=profile, kind=kind, label=label, url=url, sort_order=order)
    for start, end, text in PERIODS:
        Period.objects.create(profile=profile, start_year=start, end_year=end, text=text)
    for data in POSITIONS:
        Position.objects.create(profile=profile, **data)
    for order, (title, level, school, year) in enumerate(EDUCATION):
        Education.objects.create(
            profile=profile, title=title, level=level, school=school, year=year, sort_order=order
        )
    for order, (name, issuer, issued, expires, url) in enumerate(CERTIFICATIONS):
        Certification.objects.create(
            profile=profile,
            name=name,
            issuer=issuer,
            issued_on=issued,
            expires_on=expires,
            credential_url=url,
            sort_order=order,
        )
    order = 0
    for category, names in SKILLS.items():
        for name in names:
            Skill.objects.create(profile=profile, category=category, name=name, sort_order=order)
            order += 1
    for order, name in enumerate(SECTORS):
        Sector.objects.create(profile=profile, name=name, sort_order=order)
    for order, (title, description) in enumerate(SERVICES):
        Service.objects.create(
            profile=profile, title=title, description=description, sort_order=order
        )
    for order, data in enumerate(RECOMMENDATIONS):
        Recommendation.objects.create(profile=profile, sort_order=order, **data)
    for order, data in enumerate(PRESS):
        PressMention.objects.create(profile=profile, sort_order=order, **data)
    stdout.write("Profile: Nathalie Rousseau, with every section filled.")
