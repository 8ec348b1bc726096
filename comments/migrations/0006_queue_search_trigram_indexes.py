"""Trigram indexes for the moderation queue's search, on PostgreSQL only.

The queue searches `search_fields` with `icontains`, which PostgreSQL is sent as
`UPPER("user_name"::text) LIKE UPPER('%word%')`: no B-tree can serve a pattern that starts
with %, so every search read all of django_comments twice (its page and its count),
0.7-1.2 s at 100,000 comments. A GIN index of pg_trgm on exactly that expression answers
`LIKE '%word%'` from the word's trigrams, and the search's OR of the three fields becomes a
BitmapOr of the three indexes (tests/test_comment_search.py reads the plan).

The expressions must stay the ones Django writes for `icontains` on PostgreSQL (UPPER of
the column cast to text), or the planner will not match them. The table is
django-comments', as in 0005; its migration state does not know these indexes.

CONCURRENTLY, so building them (seconds at 100,000 comments) does not hold up visitors
posting comments during a deploy; it cannot run inside a transaction, hence atomic = False.
SQLite has no trigram index and needs none (its scan costs 160-230 ms): nothing runs there.
The extension stays on a reverse migration: other objects of the database may use it.
"""

from django.db import migrations

TABLE = "django_comments"
INDEXES = {
    "comments_search_name_trgm": "user_name",
    "comments_search_email_trgm": "user_email",
    "comments_search_text_trgm": "comment",
}


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "{TABLE}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("comments", "0005_queue_indexes"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
