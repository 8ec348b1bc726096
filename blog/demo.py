"""Demo posts: original texts written for Vitrine, mostly in French."""

from datetime import datetime, timedelta

from django.utils import timezone

from blog.models import Post, RichText

POSTS = [
    {
        "slug": "dix-ans-de-support-informatique",
        "title": "Dix ans de support informatique : ce que les utilisateurs m’ont appris",
        "standfirst": "Du téléphone qui sonne à 8 h au ticket résolu avant le café.",
        "published_at": datetime(2016, 10, 21, 12, 29),
        "body": (
            "J’ai commencé au support un lundi de septembre, avec un casque trop grand "
            "et une liste de procédures que personne ne lisait.\n\n"
            "Dix ans plus tard, la leçon tient en une phrase : l’utilisateur a presque "
            "toujours raison sur le symptôme, et presque toujours tort sur la cause."
        ),
    },
    {
        "slug": "backlog-produit-sans-douleur",
        "title": "Un backlog produit sans douleur",
        "standfirst": "Trois habitudes simples pour que l’équipe sache toujours quoi faire ensuite.",
        "published_at": datetime(2024, 3, 4, 9, 0),
        "body": (
            "Un backlog n’est pas une liste de souhaits : c’est une file d’attente "
            "ordonnée, que l’on relit chaque semaine.\n\n"
            "Première habitude : tout élément du haut tient sur une carte. "
            "Deuxième : on écrit le problème avant la solution. "
            "Troisième : on jette sans remords ce qui dort depuis six mois."
        ),
    },
    {
        "slug": "notes-from-a-remote-sprint-review",
        "title": "Notes from a remote sprint review",
        "standfirst": "What changed when half the team stopped sharing a room.",
        "published_at": datetime(2025, 1, 15, 17, 45),
        "body": (
            "Our first remote review ran for two hours and decided nothing.\n\n"
            "The fix was boring: a written agenda, a demo recorded the day before, "
            "and fifteen minutes of questions with cameras on."
        ),
    },
]


def has_content():
    return Post.objects.exists()


def load(stdout):
    for data in POSTS:
        fields = dict(data)
        fields["published_at"] = timezone.make_aware(fields["published_at"])
        fields["status"] = Post.Status.PUBLISHED
        body = fields.pop("body")
        post, created = Post.objects.get_or_create(slug=fields.pop("slug"), defaults=fields)
        if created:
            text = "".join(f"<p>{paragraph}</p>" for paragraph in body.split("\n\n"))
            RichText.objects.create(parent=post, region="body", ordering=10, text=text)
    # A scheduled post, to show that the future stays hidden until its time.
    Post.objects.get_or_create(
        slug="bilan-de-mission-a-venir",
        defaults={
            "title": "Bilan de mission (à paraître)",
            "status": Post.Status.PUBLISHED,
            "published_at": timezone.now() + timedelta(days=30),
        },
    )
    stdout.write(f"Blog: {Post.objects.count()} posts.")
