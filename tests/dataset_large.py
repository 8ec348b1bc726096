"""The large site of `bench/run --scale large` (issue 15): ten years of writing, in bulk.

`build()` grows the site `tests/dataset.py` made ("large": the demo, 200 copies of its
richest post, one post of 300 comments) to 10,000 published posts of generated French
text over ten years, 100,000 comments (the bench post's in threads up to 2,000, the rest
spread, with pending, spam, reported and removed ones so each queue of the moderation
admin has rows), 2,000 contact messages and every list of the profile filled.
`add_long_post()` adds the post of 60 blocks whose admin form is measured; the
benchmark adds it before measuring the current size, so both sizes have it.

Everything goes through `bulk_create`, which calls no `save()` and sends no signal, so
this module does what they would: slugs, django-comments-xtd's thread fields (its
`XtdComment.save()` computes them one query at a time), the moderation's review rows;
then it rebuilds the search index and tells the page cache. A seed makes the same site
every time. At full size it takes about a minute on SQLite (the benchmark prints it).
"""

import copy
import random
import time
import unicodedata
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django_comments.models import Comment as BaseComment
from django_comments_xtd.models import XtdComment

from blog.models import (
    Author,
    Category,
    Figure,
    Post,
    PullQuote,
    Question,
    RichText,
    Series,
    Tag,
)
from blog.search import index_post, rebuild_index
from comments.models import Comment, CommentReview
from portfolio import models as profile_models
from portfolio.core.page_cache import invalidate_pages

LARGE = {"posts": 10_000, "comments": 100_000, "busy_comments": 2_000, "messages": 2_000}
PREFIX = "grand-site-"
LONG_POST_SLUG = "bench-article-de-soixante-blocs"
SERIES = [
    ("journal-de-migration", "Journal de migration", "Épisode"),
    ("outils-du-quotidien", "Les outils du quotidien", "Outil"),
]
CATEGORIES = [
    ("reseaux", "Réseaux"),
    ("securite", "Sécurité"),
    ("methodes", "Méthodes"),
    ("terrain", "Terrain"),
]
# The profile's lists, each filled to this many rows (copies of the demo's, reordered).
PROFILE_LISTS = {
    "Position": 30,
    "Period": 8,
    "Education": 8,
    "Certification": 20,
    "Skill": 60,
    "Language": 6,
    "Link": 8,
    "Sector": 15,
    "Service": 10,
    "Recommendation": 15,
    "PressMention": 25,
}
BATCH = 2_000

# Text ---------------------------------------------------------------------------------
# Sentences are put together from these pieces: real-looking French, with common words
# that many posts share and rarer ones (places, tools) that few do, so that searches
# find one post, a hundred or most of them.

SUBJECTS = [
    "L’équipe du support",
    "Notre cliente",
    "Le technicien de proximité",
    "La direction informatique",
    "Chaque administrateur",
    "La cheffe de projet",
    "Un utilisateur pressé",
    "Le prestataire",
    "Le comité de pilotage",
    "La responsable du réseau",
    "Mon binôme",
    "L’agence de Lyon",
    "Le service comptable",
    "Toute la promotion",
]
VERBS = [
    "a migré",
    "documente",
    "priorise",
    "a automatisé",
    "réorganise",
    "a découvert",
    "teste chaque semaine",
    "sauvegarde",
    "remet en question",
    "a simplifié",
    "surveille",
    "a abandonné",
    "explique patiemment",
    "chiffre",
    "répare",
]
OBJECTS = [
    "les postes de travail",
    "le parc informatique",
    "la messagerie",
    "le réseau de l’agence",
    "les sauvegardes nocturnes",
    "le backlog produit",
    "la base de connaissances",
    "les tickets en attente",
    "les mots de passe",
    "le pare-feu",
    "les imprimantes du deuxième étage",
    "la documentation d’exploitation",
    "les comptes des stagiaires",
    "le plan de reprise d’activité",
    "les mises à jour de sécurité",
    "l’annuaire des utilisateurs",
]
CIRCUMSTANCES = [
    "avant la fin du trimestre",
    "en trois semaines",
    "sans couper le service",
    "malgré la neige",
    "pendant la revue de sprint",
    "dès le lundi matin",
    "avec un budget serré",
    "après l’incident de mars",
    "pour la première fois",
    "sans le dire à personne",
    "depuis le télétravail",
    "à la demande des utilisateurs",
]
REFLECTIONS = [
    "Ce qui compte, c’est la confiance des utilisateurs, pas le nombre de tickets fermés.",
    "Personne ne lit une procédure de quarante pages : une page claire suffit.",
    "La meilleure panne est celle qu’on a appris à prévenir.",
    "On ne mesure bien que ce qu’on prend le temps d’observer.",
    "Le changement fait peur quand on ne l’explique pas.",
    "Une sauvegarde qu’on n’a jamais restaurée n’est qu’un espoir.",
    "Il a fallu désapprendre des habitudes vieilles de dix ans.",
    "La réunion du vendredi est devenue un vrai moment d’équipe.",
    "Les utilisateurs savent souvent mieux que nous où se trouve le problème.",
    "Écrire oblige à comprendre ce qu’on croyait savoir.",
]
# Rare words: a post gets one or two, so each is in a few dozen posts out of 10,000.
RARE = [
    "Proxmox",
    "Zabbix",
    "Ansible",
    "Kubernetes",
    "PostgreSQL",
    "Nextcloud",
    "WireGuard",
    "Grafana",
    "Keycloak",
    "Bitwarden",
    "Grenoble",
    "Annecy",
    "Chambéry",
    "Valence",
    "Briançon",
    "Clermont-Ferrand",
    "Quimper",
    "Besançon",
    "Perpignan",
    "Vercors",
    "Chartreuse",
    "Belledonne",
    "télémaintenance",
    "hyperviseur",
    "virtualisation",
    "supervision",
    "chiffrement",
    "authentification",
    "onboarding",
    "rétrospective",
    "astreinte",
    "obsolescence",
    "inventaire",
    "cartographie",
    "tableau de bord",
    "sobriété numérique",
    "accessibilité",
    "mentorat",
    "reconversion",
    "facturation",
]
TITLES = [
    "Ce que {rare} m’a appris sur {object}",
    "Retour d’expérience : {object} {circumstance}",
    "{subject} {verb} {object}",
    "Dix questions sur {object}",
    "Pourquoi nous avons changé {object}",
    "Carnet de terrain : {rare}",
    "{rare}, deux ans après",
    "Comment parler de {object} à une équipe",
]
HEADINGS = [
    "Le contexte",
    "Ce qui a marché",
    "Ce qui a coincé",
    "Les chiffres",
    "Et maintenant ?",
    "Trois leçons",
    "Le détail technique",
    "Ce que je referais",
]
FIRST_NAMES = [
    "Claire",
    "Marc",
    "Nadia",
    "Julien",
    "Sophie",
    "Karim",
    "Émilie",
    "Thomas",
    "Inès",
    "Hugo",
    "Léa",
    "Mathieu",
    "Amélie",
    "Youssef",
    "Camille",
    "Bruno",
    "Chloé",
    "Antoine",
    "Sarah",
    "François",
]
LAST_NAMES = [
    "Dubois",
    "Lefèvre",
    "Martin",
    "Bernard",
    "Moreau",
    "Laurent",
    "Girard",
    "Roux",
    "Fontaine",
    "Mercier",
    "Benali",
    "Chevalier",
    "Garnier",
    "Faure",
    "Rousseau",
    "Nguyen",
]
REACTIONS = [
    "Merci pour ce billet, très concret.",
    "Je ne suis pas d’accord sur un point.",
    "Exactement ce que nous vivons au bureau.",
    "Vous avez des chiffres plus récents ?",
    "Je partage avec mon équipe lundi.",
    "Belle analyse, même si le contexte d’une PME est différent.",
    "Nous avons essayé la même chose, sans succès.",
    "Une question : combien de temps avant de voir les effets ?",
]


def sentence(rng):
    """One sentence of a post: a subject doing something, sometimes a reflection."""
    if rng.random() < 0.2:
        return rng.choice(REFLECTIONS)
    words = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)]
    if rng.random() < 0.6:
        words.append(rng.choice(CIRCUMSTANCES))
    if rng.random() < 0.15:
        words.append(f"grâce à {rng.choice(RARE)}")
    return " ".join(words) + "."


def paragraph(rng, sentences):
    return " ".join(sentence(rng) for _ in range(sentences))


def rich_text(rng, rare):
    """A block of rich text: sometimes a heading, one to four paragraphs of varied length."""
    parts = []
    if rng.random() < 0.5:
        parts.append(f"<h2>{rng.choice(HEADINGS)}</h2>")
    for _ in range(rng.randint(1, 4)):
        text = paragraph(rng, rng.randint(1, 7))
        if rng.random() < 0.3:
            text += f" Tout a commencé à {rare}, un mardi."
        parts.append(f"<p>{text}</p>")
    return "".join(parts)


def title(rng, rare):
    return rng.choice(TITLES).format(
        rare=rare,
        subject=rng.choice(SUBJECTS),
        verb=rng.choice(VERBS),
        object=rng.choice(OBJECTS),
        circumstance=rng.choice(CIRCUMSTANCES),
    )


def search_words(count=50):
    """Words to search for: rare ones (a few dozen posts) and common ones (thousands)."""
    common = [
        "sauvegardes",
        "réseau",
        "messagerie",
        "imprimantes",
        "confiance",
        "procédure",
        "utilisateurs",
        "trimestre",
        "documentation",
        "neige",
        "incident",
        "stagiaires",
        "pare-feu",
        "budget",
        "télétravail",
        "desapprendre",  # without its accents: the index ignores them
    ]
    rare = [word for word in RARE if " " not in word]
    return (rare + common)[:count]


def ascii_of(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


# Building -----------------------------------------------------------------------------


def build(bench_post, seed=15, **sizes):
    """Grow the site to LARGE (or `sizes`); returns {step: seconds}, printed by the benchmark.

    `bench_post` is the post that gets `busy_comments` comments in threads; the posts
    that existed before keep their comments, so a post copied by tests/dataset.py
    stays a post without any.
    """
    sizes = {**LARGE, **sizes}
    rng = random.Random(seed)
    timings = {}

    def step(name, function, *args):
        started = time.perf_counter()
        result = function(*args)
        timings[name] = time.perf_counter() - started
        return result

    with transaction.atomic():
        new_posts = step("posts", add_posts, rng, sizes["posts"])
        step("comments", add_comments, rng, bench_post, new_posts, sizes)
        step("contact messages", add_messages, rng, sizes["messages"])
        step("profile", fill_profile, PROFILE_LISTS)
    step("search index", rebuild_index)
    # Bulk writes sent no signal: no generation was replaced, cached pages would stay.
    invalidate_pages()
    return timings


def add_posts(rng, total):
    """Published posts up to `total`, dated over ten years; returns the new ones (id, date)."""
    existing = Post.objects.published().count()
    count = max(0, total - existing)
    owner = Author.objects.filter(is_site_owner=True).first() or Author.objects.first()
    categories = list(Category.objects.all())
    for slug, name in CATEGORIES:
        category, _created = Category.objects.get_or_create(slug=slug, defaults={"name": name})
        if category not in categories:
            categories.append(category)
    for slug, name, label in SERIES:
        Series.objects.get_or_create(slug=slug, defaults={"name": name, "item_label": label})
    series = list(Series.objects.order_by("pk")[:3])
    numbers = {
        item.pk: Post.objects.filter(series=item).aggregate(top=Max("series_number"))["top"] or 0
        for item in series
    }
    tags = list(Tag.objects.order_by("pk"))
    covered = Post.objects.exclude(cover="").order_by("pk").first()
    figure = Figure.objects.order_by("pk").first()

    now = timezone.now()
    dates = sorted(
        now - timedelta(seconds=rng.uniform(86_400, 3_650 * 86_400)) for _ in range(count)
    )
    posts = []
    for number, published_at in enumerate(dates):
        rare = RARE[number % len(RARE)]
        post = Post(
            title=title(rng, rare)[:200],
            slug=f"{PREFIX}{number}",
            standfirst=paragraph(rng, rng.randint(1, 2)),
            author=owner,
            language="fr",
            status=Post.Status.PUBLISHED,
            published_at=published_at,
            category=rng.choice(categories) if rng.random() < 0.95 else None,
            is_open_for_comments=rng.random() < 0.9,
        )
        if series and number % 30 == 0:
            # Numbered in date order: the series reads in the order it was written.
            item = series[(number // 30) % len(series)]
            numbers[item.pk] += 1
            post.series, post.series_number = item, numbers[item.pk]
        if covered is not None and number % 3 == 0:
            post.cover = covered.cover.name
            post.cover_width, post.cover_height = covered.cover_width, covered.cover_height
            post.cover_alt = covered.cover_alt
        posts.append(post)
    Post.objects.bulk_create(posts, batch_size=BATCH)
    # bulk_create gave SQLite's and PostgreSQL's ids back (RETURNING), in order.

    through = Post.tags.through
    links, blocks = [], {RichText: [], PullQuote: [], Question: [], Figure: []}
    for number, post in enumerate(posts):
        for tag in rng.sample(tags, k=min(len(tags), rng.randint(1, 4))):
            links.append(through(post_id=post.pk, tag_id=tag.pk))
        rare = RARE[number % len(RARE)]
        ordering = 0
        for _block in range(rng.choice((1, 2, 2, 3, 3, 4, 6))):
            ordering += 10
            blocks[RichText].append(
                RichText(parent=post, region="body", ordering=ordering, text=rich_text(rng, rare))
            )
            roll = rng.random()
            if roll < 0.08:
                ordering += 10
                blocks[PullQuote].append(
                    PullQuote(
                        parent=post,
                        region="body",
                        ordering=ordering,
                        quote=rng.choice(REFLECTIONS),
                        attribution=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    )
                )
            elif roll < 0.12:
                ordering += 10
                blocks[Question].append(
                    Question(
                        parent=post,
                        region="body",
                        ordering=ordering,
                        question=f"Et {rng.choice(OBJECTS)}, {rng.choice(CIRCUMSTANCES)} ?",
                        answer=f"<p>{paragraph(rng, rng.randint(1, 4))}</p>",
                    )
                )
            elif roll < 0.2 and figure is not None:
                ordering += 10
                blocks[Figure].append(copy_image(figure, post, ordering))
    through.objects.bulk_create(links, batch_size=BATCH)
    for model, rows in blocks.items():
        model.objects.bulk_create(rows, batch_size=BATCH)
    return [(post.pk, post.published_at) for post in posts]


def copy_image(image, post, ordering):
    """A block showing an image already stored, whose renditions already exist."""
    return type(image)(
        parent=post,
        region="body",
        ordering=ordering,
        image=image.image.name,
        image_width=image.image_width,
        image_height=image.image_height,
        alt=image.alt,
        caption=image.caption,
        credit=image.credit,
    )


def add_long_post(blocks=60):
    """A post of `blocks` blocks of every kind, for the admin's change form; idempotent."""

    post = Post.objects.filter(slug=LONG_POST_SLUG).first()
    if post is not None:
        return post
    rng = random.Random(60)
    post = Post.objects.create(
        title="Le grand dossier : soixante blocs sur la migration d’un parc",
        slug=LONG_POST_SLUG,
        standfirst=paragraph(rng, 2),
        author=Author.objects.filter(is_site_owner=True).first(),
        status=Post.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=400),
    )
    figure = Figure.objects.exclude(parent=post).order_by("pk").first()
    rows = {RichText: [], PullQuote: [], Question: [], Figure: []}
    for number in range(blocks):
        ordering = (number + 1) * 10
        kind = number % 10
        if kind == 3:
            rows[PullQuote].append(
                PullQuote(
                    parent=post, region="body", ordering=ordering, quote=rng.choice(REFLECTIONS)
                )
            )
        elif kind == 6:
            rows[Question].append(
                Question(
                    parent=post,
                    region="body",
                    ordering=ordering,
                    question=f"Et {rng.choice(OBJECTS)} ?",
                    answer=f"<p>{paragraph(rng, 3)}</p>",
                )
            )
        elif kind == 9 and figure is not None:
            rows[Figure].append(copy_image(figure, post, ordering))
        else:
            rows[RichText].append(
                RichText(
                    parent=post, region="body", ordering=ordering, text=rich_text(rng, "Annecy")
                )
            )
    for model, items in rows.items():
        model.objects.bulk_create(items)

    index_post(Post.objects.with_content().get(pk=post.pk))
    return post


# Comments -----------------------------------------------------------------------------

# Each comment's fate, by share: what the moderation queue's filters find.
FATES = [
    ("approved", 0.93),
    ("pending", 0.03),
    ("spam", 0.015),
    ("removed", 0.015),
    ("reported", 0.01),
]


def add_comments(rng, bench_post, new_posts, sizes):
    """Threads on the bench post up to `busy_comments`, the rest over the new posts."""
    bench_has = Comment.objects.for_post(bench_post).count()
    busy = max(0, sizes["busy_comments"] - bench_has)
    spread = max(0, sizes["comments"] - XtdComment.objects.count() - busy)
    now = timezone.now()
    threads = []  # (post id, [comment dicts in thread order])
    start = max(bench_post.published_at, now - timedelta(days=60))
    threads += threads_of(rng, bench_post.pk, busy, start, now)
    if new_posts and spread:
        # Uneven, as on a real blog: a few posts draw many comments, most a handful.
        weights = [rng.paretovariate(1.5) for _ in new_posts]
        shares = [0] * len(new_posts)
        for index in rng.choices(range(len(new_posts)), weights=weights, k=spread):
            shares[index] += 1
        for (pk, published_at), share in zip(new_posts, shares, strict=True):
            if share:
                threads += threads_of(rng, pk, share, published_at, now)
    insert_comments(rng, threads)


def threads_of(rng, post_pk, count, start, now):
    """`count` comments on one post, as threads: roots and replies one or two levels deep."""
    nodes = []  # dicts: level, parent (a node or None), date, children
    span = max(60.0, (now - start).total_seconds() - 60)
    for _number in range(count):
        parent = rng.choice(nodes) if nodes and rng.random() < 0.6 else None
        if parent is None or parent["level"] >= 2:
            date = start + timedelta(seconds=rng.uniform(0, span))
            node = {"level": 0, "parent": None, "date": date, "children": []}
        else:
            replied = parent["date"] + timedelta(minutes=rng.uniform(5, 4_000))
            date = min(now - timedelta(seconds=1), replied)
            node = {"level": parent["level"] + 1, "parent": parent, "date": date, "children": []}
            parent["children"].append(node)
        nodes.append(node)
    roots = sorted((node for node in nodes if node["parent"] is None), key=lambda n: n["date"])
    result = []
    for root in roots:
        ordered = []

        def walk(node, ordered=ordered):
            ordered.append(node)
            for child in sorted(node["children"], key=lambda n: n["date"]):
                walk(child)

        walk(root)
        result.append((post_pk, ordered))
    return result


def descendants(node):
    return sum(1 + descendants(child) for child in node["children"])


def insert_comments(rng, threads):
    """Rows of django-comments' table, then of django-comments-xtd's, then the reviews.

    XtdComment extends django-comments' Comment (two tables), which bulk_create refuses;
    building 100,000 model instances would also take most of the time. So the rows are
    written as SQL with ids chosen here, and the thread fields XtdComment.save() would
    compute laid out as it does: a root is its own thread and parent, `order` counts from
    1 in reading order down the thread, `nested_count` is the number of replies under a
    comment. The id sequence is moved past them afterwards (PostgreSQL).
    """
    content_type = ContentType.objects.get_for_model(Post)
    site = Site.objects.get_current()
    recent = timezone.now() - timedelta(days=30)
    next_pk = (BaseComment.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    fates, weights = zip(*FATES, strict=True)
    comments, xtd, reviews = [], [], []
    for post_pk, ordered in threads:
        for node in ordered:
            node["pk"], next_pk = next_pk, next_pk + 1
        root = ordered[0]
        for order, node in enumerate(ordered, start=1):
            node["fate"] = fate = rng.choices(fates, weights=weights)[0]
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            text = " ".join(rng.sample(REACTIONS, k=rng.randint(1, 3)))
            comments.append(
                (
                    node["pk"],
                    f"{first} {last}",
                    f"{ascii_of(first)}.{ascii_of(last)}{rng.randint(1, 400)}@example.org",
                    "",
                    f"{text} {paragraph(rng, rng.randint(0, 3))}".strip(),
                    connection.ops.adapt_datetimefield_value(node["date"]),
                    # Addresses are dropped after 30 days (COMMENTS_IP_RETENTION_DAYS).
                    f"192.0.2.{rng.randint(1, 254)}" if node["date"] > recent else None,
                    fate in ("approved", "reported"),
                    fate == "removed",
                    content_type.pk,
                    site.pk,
                    None,
                    str(post_pk),
                )
            )
            parent_pk = node["parent"]["pk"] if node["parent"] else node["pk"]
            xtd.append(
                (node["pk"], root["pk"], parent_pk, node["level"], order, False, descendants(node))
            )
            review = review_of(rng, node)
            if review is not None:
                reviews.append(review)
    insert_rows(
        BaseComment,
        [
            "id",
            "user_name",
            "user_email",
            "user_url",
            "comment",
            "submit_date",
            "ip_address",
            "is_public",
            "is_removed",
            "content_type_id",
            "site_id",
            "user_id",
            "object_pk",
        ],
        comments,
    )
    insert_rows(
        XtdComment,
        ["comment_ptr_id", "thread_id", "parent_id", "level", "order", "followup", "nested_count"],
        xtd,
    )
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [BaseComment]):
            cursor.execute(statement)
    CommentReview.objects.bulk_create(reviews, batch_size=BATCH)


def insert_rows(model, columns, rows):
    """INSERT `rows` (tuples in the order of `columns`) into `model`'s own table."""
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for begin in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[begin : begin + BATCH])


def review_of(rng, node):
    """The moderation's row for a held, spam or reported comment (comments.models)."""
    fate = node["fate"]
    if fate == "pending":
        return CommentReview(comment_id=node["pk"], reason="first comment from this address")
    if fate == "spam":
        return CommentReview(comment_id=node["pk"], is_spam=True, reason="disallowed word: casino")
    if fate == "reported":
        return CommentReview(
            comment_id=node["pk"],
            report_count=rng.randint(1, 3),
            reported_at=node["date"] + timedelta(hours=rng.randint(1, 48)),
        )
    return None


# Contact messages and profile -----------------------------------------------------------


def add_messages(rng, total):
    """Messages from the contact form over three years, most read, some archived."""
    count = max(0, total - profile_models.ContactMessage.objects.count())
    now = timezone.now()
    statuses = [profile_models.ContactMessage.Status.READ] * 6 + [
        profile_models.ContactMessage.Status.ARCHIVED
    ] * 3
    statuses.append(profile_models.ContactMessage.Status.UNREAD)
    messages = []
    for number in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        messages.append(
            profile_models.ContactMessage(
                name=f"{first} {last}",
                email=f"{ascii_of(first)}.{ascii_of(last)}@example.com",
                organization=rng.choice(
                    ["", "Mairie de Valence", "Atelier Roux", "PME du Vercors"]
                ),
                subject=f"Demande au sujet de {rng.choice(OBJECTS)}"[:150],
                message=paragraph(rng, rng.randint(2, 8)),
                ip_address=f"198.51.100.{number % 250 + 1}",
                status=rng.choice(statuses),
                is_notified=True,
                created_at=now - timedelta(minutes=rng.uniform(1, 3 * 365 * 24 * 60)),
            )
        )
    profile_models.ContactMessage.objects.bulk_create(messages, batch_size=BATCH)


def fill_profile(targets):
    """Every list of the profile to its target length, copies of its rows after them."""

    profile = profile_models.Profile.objects.first()
    if profile is None:
        return
    for name, target in targets.items():
        model = getattr(profile_models, name)
        rows = list(model.objects.order_by("sort_order", "pk"))
        if not rows:
            continue
        copies = []
        for number in range(len(rows), target):
            item = copy.copy(rows[number % len(rows)])
            item.pk = item.id = None
            item._state.adding = True
            item.sort_order = number
            copies.append(item)
        model.objects.bulk_create(copies)
    # The lists' signals move updated_at (a new CV); bulk_create sent none.
    profile.save()
