"""Demo posts: original texts written for Vitrine, mostly in French, using every block type.

Images are drawn here with Pillow (nothing is downloaded). Running `load` twice
changes nothing: posts are looked up by slug.
"""

import random
from datetime import date, datetime, timedelta
from functools import cache
from io import BytesIO

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter

from blog.models import (
    Author,
    Category,
    Figure,
    GalleryImage,
    Page,
    PageRichText,
    Post,
    PullQuote,
    Question,
    RichText,
    Series,
    Tag,
)

PALETTES = {
    "aube": [(250, 214, 165), (236, 146, 110), (92, 74, 114), (52, 58, 94)],
    "lac": [(198, 226, 233), (133, 183, 199), (58, 110, 124), (32, 61, 74)],
    "foret": [(226, 235, 206), (160, 190, 130), (74, 112, 67), (36, 58, 40)],
    "ville": [(244, 232, 216), (209, 170, 141), (120, 98, 104), (55, 52, 66)],
    "nuit": [(58, 66, 110), (38, 44, 80), (24, 28, 54), (232, 210, 150)],
    "atelier": [(240, 236, 228), (202, 190, 172), (142, 122, 103), (66, 60, 58)],
}


def drawn_photo(name, seed, palette, size=(960, 600)):
    """A landscape-like picture: sky gradient, sun, layered hills, a few buildings.

    Small enough to re-encode and resize in a blink (the test suite loads the demo often),
    wide enough for the 800-pixel rendition.
    """
    return ContentFile(drawn_jpeg(seed, palette, size), name=f"{name}.jpg")


# The same arguments draw the same picture: the test suite loads the demo many times.
@cache
def drawn_jpeg(seed, palette, size):
    rng = random.Random(seed)
    colours = PALETTES[palette]
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    top, bottom = colours[0], colours[1]
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    sun_x, sun_y, radius = (
        rng.randint(200, width - 200),
        rng.randint(120, height // 3),
        rng.randint(50, 110),
    )
    draw.ellipse(
        [sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius], fill=(255, 246, 220)
    )
    for layer in range(3):
        base = height * (0.55 + layer * 0.14)
        points = [(0, height)]
        for x in range(0, width + 100, 100):
            points.append((x, base + rng.randint(-60, 60)))
        points.append((width, height))
        shade = colours[2] if layer < 2 else colours[3]
        shade = tuple(max(0, c - layer * 18) for c in shade)
        draw.polygon(points, fill=shade)
    for _ in range(rng.randint(3, 9)):
        x, w, h = rng.randint(0, width), rng.randint(40, 120), rng.randint(80, 260)
        draw.rectangle([x, height - h, x + w, height], fill=colours[3])
        for wy in range(height - h + 15, height - 10, 30):
            draw.rectangle([x + 10, wy, x + 20, wy + 12], fill=(255, 226, 160))
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=84)
    return buffer.getvalue()


def p(*paragraphs):
    return "".join(f"<p>{text}</p>" for text in paragraphs)


OWNER = {
    "name": "Nathalie Rousseau",
    "bio": (
        "Dix ans de support informatique, puis le produit : j’écris sur le métier, "
        "les équipes et les outils qui rendent service."
    ),
}
GUEST = {
    "name": "Inès Moreau",
    "bio": "Journaliste indépendante, elle mène pour ce blog la série d’entretiens « Métiers de l’ombre ».",
    "website": "https://example.org/ines-moreau",
}
CATEGORIES = {
    "carriere": ("Carrière", "Récits de parcours, choix et bifurcations."),
    "produit": ("Produit", "Méthodes et habitudes pour construire le bon produit."),
    "entretiens": ("Entretiens", "Des professionnels racontent leur quotidien."),
    "carnets": ("Carnets", "Notes de voyage et de terrain, en images."),
}
TAGS = {
    "support": "support",
    "metier": "métier",
    "backlog": "backlog",
    "methode": "méthode",
    "remote": "télétravail",
    "documentation": "documentation",
    "photo": "photo",
    "terrain": "terrain",
}


def _blocks(post, blocks):
    if post.blog_richtext_set.exists() or post.blog_question_set.exists():
        return
    for index, (kind, fields) in enumerate(blocks, start=1):
        model = {
            "text": RichText,
            "figure": Figure,
            "gallery": GalleryImage,
            "quote": PullQuote,
            "qa": Question,
        }[kind]
        fields = dict(fields)
        if "image" in fields:
            fields["image"] = drawn_photo(*fields["image"])
        model.objects.create(parent=post, region="body", ordering=index * 10, **fields)


def _post(slug, *, blocks, tags=(), cover=None, **fields):
    if timezone.is_naive(fields["published_at"]):
        fields["published_at"] = timezone.make_aware(fields["published_at"])
    fields.setdefault("status", Post.Status.PUBLISHED)
    post = Post.objects.filter(slug=slug).first()
    if post is None:
        post = Post(slug=slug, **fields)
        if cover:
            post.cover = drawn_photo(*cover)
        post.save()
        post.tags.set([Tag.objects.get(slug=tag) for tag in tags])
    _blocks(post, blocks)
    return post


def has_content():
    return Post.objects.exists()


def load(stdout):
    owner, _created = Author.objects.get_or_create(
        is_site_owner=True,
        defaults={**OWNER, "photo": drawn_photo("nathalie", 7, "atelier", (400, 400))},
    )
    guest, _created = Author.objects.get_or_create(
        name=GUEST["name"], defaults={**GUEST, "photo": drawn_photo("ines", 11, "lac", (400, 400))}
    )
    categories = {}
    for slug, (name, description) in CATEGORIES.items():
        categories[slug], _created = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
    for slug, name in TAGS.items():
        Tag.objects.get_or_create(slug=slug, defaults={"name": name})
    interviews, _created = Series.objects.get_or_create(
        slug="metiers-de-l-ombre",
        defaults={
            "name": "Métiers de l’ombre",
            "item_label": "Entretien",
            "description": "Ceux qu’on appelle quand tout s’arrête racontent leur métier.",
        },
    )

    _post(
        "dix-ans-de-support-informatique",
        title="Dix ans de support informatique : ce que les utilisateurs m’ont appris",
        standfirst="Du téléphone qui sonne à 8 h au ticket résolu avant le café : un bilan, sans nostalgie ni amertume.",
        published_at=datetime(2016, 10, 21, 12, 29),
        author=owner,
        category=categories["carriere"],
        tags=["support", "metier"],
        cover=("plateau-support", 1, "aube"),
        cover_alt="Un plateau de bureaux au lever du jour, vu depuis la fenêtre",
        cover_caption="Le plateau du support, un matin d’octobre, avant les premiers appels.",
        cover_credit="© Nathalie Rousseau",
        blocks=[
            (
                "text",
                {
                    "text": p(
                        "J’ai commencé au support un lundi de septembre, avec un casque trop grand et une liste de procédures que personne ne lisait. Dix ans plus tard, je quitte ce métier pour un autre, et je voudrais garder une trace de ce qu’il m’a appris.",
                        "La leçon principale tient en une phrase : l’utilisateur a presque toujours raison sur le symptôme, et presque toujours tort sur la cause. Tout le reste découle de là.",
                    )
                    + "<h2>Écouter avant de diagnostiquer</h2>"
                    + p(
                        "Les premières années, je coupais la parole. Je reconnaissais un problème aux trois premiers mots et je donnais la solution avant la fin de la phrase. J’avais souvent raison, et les gens raccrochaient mécontents.",
                        "J’ai appris à laisser finir. Pas par politesse : parce que la quatrième phrase contient presque toujours le détail qui change tout, « depuis qu’on a déménagé le bureau », « seulement le mardi », « quand ma collègue est absente ».",
                    )
                },
            ),
            (
                "figure",
                {
                    "image": ("tickets", 2, "ville"),
                    "alt": "Des immeubles de bureaux éclairés en fin de journée",
                    "caption": "Le siège, vu du parking : chaque fenêtre allumée, un poste à dépanner un jour ou l’autre.",
                    "credit": "Photo : Nathalie Rousseau",
                },
            ),
            (
                "quote",
                {
                    "quote": "Un ticket bien écrit, c’est la moitié de la solution ; un ticket bien fermé, c’est l’autre moitié.",
                    "attribution": "Affiché au-dessus de la machine à café",
                },
            ),
            (
                "text",
                {
                    "text": "<h2>Écrire pour la personne suivante</h2>"
                    + p(
                        "Un ticket fermé sans explication est une dette. Six mois plus tard, le même problème revient, et personne ne sait ce qui avait marché. J’ai pris l’habitude d’écrire chaque résolution comme une lettre à un collègue qui ne me connaît pas.",
                        "Trois lignes suffisent : ce que l’utilisateur voyait, ce qui en était la cause, ce que j’ai fait. La base de connaissances de l’équipe est née de ces trois lignes, bien plus que d’un projet décidé en réunion.",
                    )
                    + "<h2>Ce que je garde</h2>"
                    + p(
                        "Je garde la patience, l’habitude de reformuler, et un respect profond pour les gens qui osent dire « je ne comprends pas ». Je garde aussi une méfiance salutaire envers les solutions qui marchent du premier coup sans qu’on sache pourquoi.",
                    )
                },
            ),
            (
                "figure",
                {
                    "image": ("dernier-jour", 3, "nuit"),
                    "alt": "La ville de nuit, quelques fenêtres encore allumées",
                    "caption": "Dernier soir au bureau, dernière astreinte.",
                    "credit": "Source : archives personnelles",
                },
            ),
        ],
    )

    _post(
        "backlog-produit-sans-douleur",
        title="Un backlog produit sans douleur",
        standfirst="Trois habitudes simples pour que l’équipe sache toujours quoi faire ensuite.",
        published_at=datetime(2024, 3, 4, 9, 0),
        author=owner,
        category=categories["produit"],
        tags=["backlog", "methode"],
        updated_on=date(2025, 6, 12),
        update_note="ajout d’un paragraphe sur le tri trimestriel, après vos nombreuses questions.",
        cover=("backlog", 4, "atelier"),
        cover_alt="Un atelier baigné de lumière, des collines au loin",
        cover_caption="Le calme d’un backlog bien tenu (vue d’artiste).",
        cover_credit="Illustration : Vitrine",
        blocks=[
            (
                "text",
                {
                    "text": p(
                        "Un backlog n’est pas une liste de souhaits : c’est une file d’attente ordonnée, que l’on relit chaque semaine. Quand il devient un grenier où l’on range tout ce qu’on n’ose pas jeter, l’équipe cesse de le lire.",
                    )
                    + "<h2>Une carte, un problème</h2>"
                    + p(
                        "Tout élément du haut de la file tient sur une carte. S’il faut une page pour l’expliquer, c’est qu’il s’agit de plusieurs éléments, ou d’une question qui n’est pas encore mûre.",
                    )
                    + "<h2>Le problème avant la solution</h2>"
                    + p(
                        "On écrit d’abord ce qui ne va pas, pour qui, et comment on saura que c’est réglé. La solution vient ensuite, en discussion avec l’équipe : c’est là qu’elle s’améliore.",
                    )
                    + "<h2>Jeter sans remords</h2>"
                    + p(
                        "Ce qui dort depuis six mois n’est pas important. S’il l’était, quelqu’un l’aurait réclamé. On l’archive ; s’il revient, on le réécrira mieux.",
                        "<strong>Mise à jour :</strong> chaque trimestre, nous trions désormais le bas de la file en trente minutes, chronomètre en main. Ce qui ne trouve pas de défenseur part aux archives.",
                    )
                },
            ),
            (
                "quote",
                {"quote": "Un backlog que personne ne lit n’est pas un backlog, c’est un grenier."},
            ),
        ],
    )

    _post(
        "notes-from-a-remote-sprint-review",
        title="Notes from a remote sprint review",
        standfirst="What changed when half the team stopped sharing a room.",
        published_at=datetime(2025, 1, 15, 17, 45),
        author=owner,
        language="en",
        category=categories["produit"],
        tags=["remote", "methode"],
        blocks=[
            (
                "text",
                {
                    "text": p(
                        "Our first remote review ran for two hours and decided nothing. People talked over each other, the demo froze twice, and the stakeholders left with more questions than they came with.",
                        "The fix was boring: a written agenda sent the day before, a demo recorded in advance, and fifteen minutes of questions with cameras on. Reviews now take forty minutes and end with decisions written down.",
                    )
                    + "<h2>What we kept from the office</h2>"
                    + p(
                        "The ritual of showing real software to real users. Slides never replaced it, and they never will.",
                    )
                },
            ),
            (
                "quote",
                {
                    "quote": "Record the demo, keep the conversation live.",
                    "attribution": "Our team’s rule since 2024",
                },
            ),
        ],
    )

    _post(
        "entretien-nadia-technicienne-de-proximite",
        title="Nadia, technicienne de proximité : « Je répare surtout la confiance »",
        standfirst="Dans un hôpital de 1 200 lits, elle dépanne les postes, les imprimantes et parfois les nerfs.",
        published_at=datetime(2025, 3, 20, 8, 30),
        author=guest,
        category=categories["entretiens"],
        tags=["support", "metier", "terrain"],
        series=interviews,
        series_number=1,
        cover=("hopital", 5, "lac"),
        cover_alt="Un lac calme au pied de collines bleutées",
        cover_caption="Nadia aime marcher au bord de l’eau après ses gardes.",
        cover_credit="© Inès Moreau",
        blocks=[
            (
                "text",
                {
                    "text": p(
                        "Nadia travaille depuis huit ans au service informatique d’un grand hôpital. Nous l’avons rencontrée entre deux interventions."
                    )
                },
            ),
            (
                "qa",
                {
                    "question": "À quoi ressemble une journée type ?",
                    "answer": p(
                        "Il n’y en a pas. Je commence par les urgences de la nuit, puis je fais le tour des services. Un jour c’est un lecteur de badge, le lendemain une imprimante d’étiquettes au laboratoire : si elle s’arrête, les prélèvements attendent."
                    ),
                },
            ),
            (
                "qa",
                {
                    "question": "Qu’est-ce qui vous a le plus surprise en arrivant ?",
                    "answer": p(
                        "La pression. Ici, un poste en panne, ce n’est pas un tableur qui ne s’ouvre pas : c’est une infirmière qui ne peut pas vérifier un traitement. On apprend vite à prioriser."
                    ),
                },
            ),
            (
                "quote",
                {
                    "quote": "Quand j’arrive dans un service, les gens ne voient pas une technicienne : ils voient la fin de leur problème.",
                    "attribution": "Nadia",
                },
            ),
            (
                "qa",
                {
                    "question": "Que diriez-vous à quelqu’un qui veut faire ce métier ?",
                    "answer": p(
                        "Qu’il faut aimer les gens au moins autant que les machines. La technique s’apprend ; l’écoute aussi, mais plus lentement."
                    ),
                },
            ),
        ],
    )

    _post(
        "entretien-marc-administrateur-reseau",
        title="Marc, administrateur réseau : « Une bonne nuit, c’est une nuit où l’on ne m’appelle pas »",
        standfirst="Vingt ans d’astreintes, trois fusions d’entreprises et une passion intacte pour les câbles bien rangés.",
        published_at=datetime(2025, 9, 8, 7, 0),
        author=guest,
        category=categories["entretiens"],
        tags=["metier", "terrain"],
        series=interviews,
        series_number=2,
        blocks=[
            (
                "qa",
                {
                    "question": "Comment êtes-vous arrivé dans le réseau ?",
                    "answer": p(
                        "Par hasard : j’étais le seul du bureau à ne pas avoir peur de la baie de brassage. On m’a confié les câbles, puis les commutateurs, puis tout le reste."
                    ),
                },
            ),
            (
                "qa",
                {
                    "question": "Votre pire souvenir d’astreinte ?",
                    "answer": p(
                        "Une coupure un 24 décembre, à 23 h. Un disjoncteur, rien de plus. Mais il a fallu traverser la ville pour le trouver."
                    ),
                },
            ),
            (
                "figure",
                {
                    "image": ("baie", 6, "nuit"),
                    "alt": "Une ville endormie sous un ciel bleu nuit",
                    "caption": "« La nuit, le réseau est calme. C’est là qu’on fait les mises à jour. »",
                    "credit": "© Inès Moreau",
                },
            ),
            (
                "qa",
                {
                    "question": "Et le meilleur ?",
                    "answer": p(
                        "Le jour où une équipe entière a déménagé un vendredi soir et a travaillé le lundi matin sans remarquer quoi que ce soit. Le meilleur compliment, c’est le silence."
                    ),
                },
            ),
        ],
    )

    _post(
        "trois-jours-en-vercors",
        title="Trois jours en Vercors, carnet en images",
        standfirst="Un séminaire d’équipe loin des écrans, et quelques photos pour s’en souvenir.",
        published_at=datetime(2025, 6, 2, 18, 0),
        author=owner,
        category=categories["carnets"],
        tags=["photo", "terrain"],
        cover=("vercors", 8, "foret"),
        cover_alt="Des collines boisées sous un ciel clair",
        cover_caption="Le plateau du Vercors, premier matin.",
        cover_credit="© Nathalie Rousseau",
        blocks=[
            (
                "text",
                {
                    "text": p(
                        "Chaque année, l’équipe passe trois jours ensemble, loin du bureau. Cette fois, nous avions choisi le Vercors : peu de réseau, beaucoup de marche, et des discussions qui prennent le temps de finir.",
                    )
                },
            ),
            (
                "gallery",
                {
                    "image": ("vercors-1", 21, "foret"),
                    "alt": "Sentier entre des collines vertes",
                    "caption": "Le sentier du premier jour.",
                    "credit": "© Nathalie Rousseau",
                },
            ),
            (
                "gallery",
                {
                    "image": ("vercors-2", 22, "aube"),
                    "alt": "Lever de soleil orangé sur les crêtes",
                    "caption": "Lever de soleil sur les crêtes.",
                    "credit": "© Nathalie Rousseau",
                },
            ),
            (
                "gallery",
                {
                    "image": ("vercors-3", 23, "lac"),
                    "alt": "Un lac entouré de collines",
                    "caption": "Pause au bord du lac.",
                    "credit": "Photo : Nadia B.",
                },
            ),
            (
                "gallery",
                {
                    "image": ("vercors-4", 24, "nuit"),
                    "alt": "Un ciel nocturne au-dessus du gîte",
                    "caption": "Le gîte, tard le soir.",
                    "credit": "© Nathalie Rousseau",
                },
            ),
            (
                "text",
                {
                    "text": p(
                        "Nous sommes rentrés avec moins de décisions que prévu, mais avec une équipe qui se parle mieux. C’était, au fond, le seul objectif.",
                    )
                },
            ),
        ],
    )

    _post(
        "ecrire-une-documentation-qu-on-lit",
        title="Écrire une documentation qu’on lit vraiment",
        standfirst="La meilleure documentation répond à la question que l’on se pose, au moment où on se la pose.",
        published_at=datetime(2025, 11, 3, 10, 15),
        author=owner,
        category=categories["produit"],
        tags=["documentation", "methode", "support"],
        blocks=[
            (
                "text",
                {
                    "text": p(
                        "Nous avons tous écrit une documentation que personne n’a lue. Souvent parce qu’elle répondait à nos propres questions, pas à celles des lecteurs.",
                    )
                    + "<h2>Partir des questions</h2>"
                    + p(
                        "Relisez les tickets du dernier mois et notez les questions qui reviennent. Ce sont vos titres. Une page par question, la réponse dans la première phrase, les détails ensuite.",
                    )
                    + "<h2>Dater et signer</h2>"
                    + p(
                        "Une page sans date inspire la méfiance. Une page signée donne quelqu’un à qui poser la question suivante.",
                    )
                    + "<h2>Supprimer</h2>"
                    + p(
                        "Une page fausse fait plus de dégâts qu’une page absente. Chaque trimestre, supprimez ce qui ne sert plus.",
                    )
                },
            ),
            ("quote", {"quote": "La réponse d’abord, les détails ensuite, la date toujours."}),
        ],
    )

    _post(
        "changer-de-metier-a-quarante-ans",
        title="Changer de métier à quarante ans",
        standfirst="Du support au produit : ce qui s’est transféré, ce qu’il a fallu réapprendre.",
        published_at=datetime(2026, 2, 16, 9, 0),
        author=owner,
        category=categories["carriere"],
        tags=["metier", "support"],
        blocks=[
            (
                "text",
                {
                    "text": p(
                        "On me demande souvent si dix ans de support m’ont servi dans le produit. La réponse est oui, mais pas comme je l’imaginais.",
                        "Ce qui s’est transféré : l’écoute, l’art de reformuler, la connaissance intime des irritants du quotidien. Ce qu’il a fallu réapprendre : dire non, et attendre des mois avant de voir le résultat de son travail.",
                    )
                },
            ),
        ],
    )

    _post(
        "bilan-de-mission-a-venir",
        title="Bilan de mission : six mois dans une équipe plateforme",
        standfirst="Ce billet paraîtra de lui-même à la date prévue.",
        published_at=timezone.now() + timedelta(days=30),
        author=owner,
        category=categories["carriere"],
        tags=["metier"],
        blocks=[
            ("text", {"text": p("Six mois dans une équipe plateforme, racontés sans jargon.")})
        ],
    )

    _post(
        "brouillon-outils-du-quotidien",
        title="Mes outils du quotidien (brouillon)",
        standfirst="Une liste en cours d’écriture.",
        status=Post.Status.DRAFT,
        published_at=timezone.now(),
        author=owner,
        category=categories["produit"],
        blocks=[
            (
                "text",
                {
                    "text": p(
                        "Un carnet, un bon stylo, et un éditeur de texte qui ne plante jamais."
                    )
                },
            )
        ],
    )
    _legal_pages()
    stdout.write(f"Blog: {Post.objects.count()} posts, {Page.objects.count()} pages.")


# A placeholder host: the author replaces it with theirs in the admin (Pages › Mentions légales).
DEMO_HOST = {
    "host_name": "Hébergeur Exemple SAS",
    "host_address": "1 rue de l’Exemple, 69000 Lyon, France",
    "host_phone": "+33 4 00 00 00 00",
}


def _page(slug, *, text, **fields):
    page, created = Page.objects.get_or_create(
        slug=slug,
        parent=None,
        defaults={"status": Page.Status.PUBLISHED, "show_in_footer": True, **fields},
    )
    if created:
        PageRichText.objects.create(parent=page, region="body", ordering=10, text=text)
    return page


def _legal_pages():
    """The two pages a French professional site must publish, linked from every footer."""
    _page(
        "mentions-legales",
        title="Mentions légales",
        kind=Page.Kind.LEGAL_NOTICE,
        menu_order=90,
        meta_description="Qui édite et qui héberge ce site.",
        text=p(
            "Les textes et les photos de ce site sont la propriété de leur autrice, sauf mention "
            "contraire. Toute reproduction demande son accord préalable.",
        ),
        **DEMO_HOST,
    )
    _page(
        "politique-de-confidentialite",
        title="Politique de confidentialité",
        kind=Page.Kind.PRIVACY_NOTICE,
        menu_order=91,
        meta_description="Ce que ce site enregistre, pourquoi et pour combien de temps.",
        text=p(
            "Cette politique peut évoluer avec le site ; la version en ligne est celle qui "
            "s’applique.",
        ),
    )
