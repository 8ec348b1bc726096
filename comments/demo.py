"""Demo comments: threaded approved ones, some awaiting moderation, and spam.

Running it again changes nothing (each comment is looked up by post, email and text).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from blog.models import Author, Post
from comments.models import CommentReview
from comments.moderation import comments_are_open

AUTHOR = "author"  # replaced by the site's staff user when there is one

# (key, parent key, name, email, website, text, state, hours after publication)
THREADS = [
    [
        (
            "claire",
            None,
            "Claire Dubois",
            "claire@example.org",
            "",
            "Merci pour ce billet, très concret.\nJ’applique déjà la première habitude avec mon équipe : le gain de temps en réunion est net.",
            "approved",
            5,
        ),
        (
            "reply-claire",
            "claire",
            AUTHOR,
            "",
            "",
            "Merci Claire ! La deuxième habitude est la plus difficile à tenir, tenez-moi au courant.",
            "approved",
            9,
        ),
        (
            "claire-2",
            "reply-claire",
            "Claire Dubois",
            "claire@example.org",
            "",
            "Promis, je reviens vous dire dans un mois.",
            "approved",
            30,
        ),
        (
            "marc",
            None,
            "Marc Lefèvre",
            "marc@example.org",
            "https://marc.example.org",
            "Un point de désaccord : jeter ce qui dort depuis six mois me semble brutal. Nous archivons plutôt, voir https://marc.example.org/archives",
            "approved",
            26,
        ),
        (
            "yasmine",
            "marc",
            "Yasmine Haddad",
            "yasmine@example.org",
            "",
            "Archiver, c’est jeter avec une bonne conscience 🙂",
            "approved",
            40,
        ),
        (
            "julien",
            None,
            "Julien Martin",
            "julien@example.org",
            "",
            "Premier commentaire ici : avez-vous un modèle de carte à partager ?",
            "pending",
            60,
        ),
        (
            "spam",
            None,
            "Best Casino Bonus",
            "win@spam.example",
            "https://spam.example",
            "Cheap casino bonus, click here https://spam.example https://spam.example/2 https://spam.example/3",
            "spam",
            61,
        ),
    ],
    [
        (
            "sophie",
            None,
            "Sophie Bernard",
            "sophie@example.org",
            "",
            "Very useful notes. We moved our reviews to the afternoon for the same reason.",
            "approved",
            3,
        ),
        (
            "karim",
            "sophie",
            "Karim Benali",
            "karim@example.org",
            "",
            "Same here: mornings are for deep work.",
            "approved",
            8,
        ),
        (
            "lea",
            "sophie",
            "Léa Petit",
            "lea@example.org",
            "",
            "Et les démos enregistrées ? Personne ne les regarde chez nous.",
            "pending",
            20,
        ),
    ],
]


def _posts():
    posts = [post for post in Post.objects.published().order_by("-published_at")[:6]]
    return [post for post in posts if comments_are_open(post)][: len(THREADS)]


def has_content():
    return XtdComment.objects.exists()


def load(stdout):
    content_type = ContentType.objects.get_for_model(Post)
    staff = get_user_model().objects.filter(is_staff=True).order_by("pk").first()
    made = 0
    for post, thread in zip(_posts(), THREADS, strict=False):
        saved = {}
        for key, parent_key, name, email, url, text, state, hours in thread:
            user = None
            if name == AUTHOR:
                # The site's staff user when there is one (then the reply has the
                # Author badge); `make run` creates it after the demo, so a fresh
                # demo signs with the blog owner's name only.
                user = staff
                owner = Author.objects.filter(is_site_owner=True).first()
                name = (staff and staff.get_full_name()) or (owner and owner.name) or "Auteur"
                email = (staff and staff.email) or settings.OWNER_EMAIL
            existing = XtdComment.norel_objects.filter(
                content_type=content_type, object_pk=str(post.pk), user_email=email, comment=text
            ).first()
            if existing is not None:
                saved[key] = existing
                continue
            submitted = min(post.published_at + timedelta(hours=hours), timezone.now())
            comment = XtdComment(
                content_type=content_type,
                object_pk=str(post.pk),
                site_id=1,
                user=user,
                user_name=name,
                user_email=email,
                user_url=url,
                comment=text,
                submit_date=submitted,
                ip_address="192.0.2.10",
                parent_id=saved[parent_key].pk if parent_key else 0,
                is_public=state == "approved",
            )
            comment.save()
            if state != "approved":
                CommentReview.objects.create(
                    comment=comment,
                    is_spam=state == "spam",
                    reason="disallowed word: casino" if state == "spam" else "first comment",
                )
            saved[key] = comment
            made += 1
    stdout.write(f"Comments: {made} demo comments added.")
