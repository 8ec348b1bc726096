"""The moderation queue's search: what it finds, in the queue shown, and how PostgreSQL reads it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import pass_second_factor
from tests.test_comments import add_comment

QUEUE = "/admin/comments/comment/"
TRIGRAM_INDEXES = [
    "comments_search_name_trgm",
    "comments_search_email_trgm",
    "comments_search_text_trgm",
]


@pytest.fixture
def author(django_user_model):
    return django_user_model.objects.create_user(
        "auteur", "auteur@example.org", "pw", is_staff=True, is_superuser=True
    )


@pytest.fixture
def moderator(client, author):
    return pass_second_factor(client, author)


@pytest.fixture
def comments(make_post):
    post = make_post(title="Sauvegardes nocturnes", slug="sauvegardes")
    other = make_post(title="Un autre billet", slug="autre")
    return {
        "by_text": add_comment(other, comment="Le pare-feu a tenu pendant l’orage."),
        "by_name": add_comment(other, user_name="Émilie Castagnède", comment="Bravo."),
        "by_email": add_comment(other, user_email="grenouille@exemple.fr", comment="Super."),
        "on_post, approved": add_comment(post, comment="Approuvé sur le billet."),
        "on_post, pending": add_comment(post, comment="En attente sur le billet.", is_public=False),
    }


def found(moderator, query):
    return moderator.get(f"{QUEUE}?{query}").content.decode()


def test_search_finds_a_word_of_the_text_the_name_the_email_or_the_post_title(moderator, comments):
    for query, expected in (
        ("q=pare-feu", {"by_text"}),
        ("q=castagn", {"by_name"}),
        ("q=GRENOUILLE", {"by_email"}),
        ("q=nocturnes", {"on_post, approved", "on_post, pending"}),
    ):
        html = found(moderator, query)
        shown = {name for name, comment in comments.items() if comment.comment in html}
        assert shown == expected, query


def test_a_search_in_a_queue_shows_only_that_queue(moderator, comments):
    # The post title matches both of its comments; the pending queue shows the pending one.
    html = found(moderator, "queue=pending&q=nocturnes")
    assert "En attente sur le billet." in html
    assert "Approuvé sur le billet." not in html
    html = found(moderator, "queue=pending&q=pare-feu")
    assert "Le pare-feu a tenu" not in html  # approved: the word alone does not bring it in


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="trigram indexes exist on PostgreSQL only (SQLite scans 100,000 comments quickly)",
)
def test_on_postgresql_the_search_and_its_count_read_the_trigram_indexes(moderator, comments):
    with CaptureQueriesContext(connection) as queries:
        html = found(moderator, "q=grenouille")
    assert "Super." in html
    searches = [q["sql"] for q in queries.captured_queries if "LIKE UPPER(" in q["sql"]]
    assert searches, "the queue ran no search query"
    with connection.cursor() as cursor:
        # A handful of rows: the planner would rightly read them all, by the table or by
        # its primary key. Forbidding both shows whether the indexes can serve the search
        # at all: an index on another expression than Django's UPPER(col::text) LIKE
        # would leave a (disabled, still chosen) Seq Scan here.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        for sql in searches:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "BitmapOr" in plan, plan
            for name in TRIGRAM_INDEXES:
                assert f"Bitmap Index Scan on {name}" in plan, plan
            assert "Seq Scan on django_comments " not in plan, plan
            # IN (subquery) inside the OR would be a filter on every row (a SubPlan).
            assert "SubPlan" not in plan, plan
