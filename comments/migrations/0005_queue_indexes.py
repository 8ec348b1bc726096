"""Indexes for the moderation queue's pending and removed filters, on django-comments' table.

The fields (is_public, is_removed, submit_date) live on django_comments.Comment, a model of
the library: `Meta.indexes` on our proxy `comments.Comment` cannot reach them (a proxy has
no table of its own, and its concrete parent XtdComment's table holds only the thread
fields). So this migration adds Django `Index` objects to the library's historical model
through the schema editor: the SQL, condition included, is rendered by Django as its
queries are, on SQLite and PostgreSQL alike. The library's migration state does not know
them, which only means its own `makemigrations` will never drop them.

Partial indexes rather than (is_public, is_removed, submit_date): Django 5.2 writes
`filter(is_public=False)` as `WHERE NOT "is_public"` on SQLite, a form SQLite cannot match
against a column of an index, but can match against an index's WHERE clause (Django
ticket #36492, fixed in 6.0). Each index holds only its queue's rows, in date order: the
queue's page reads its first rows and its count reads the index alone.
"""

from django.db import migrations, models
from django.db.models import Q

INDEXES = [
    models.Index(
        fields=["submit_date"],
        condition=Q(is_public=False, is_removed=False),
        name="comments_pending_by_date",
    ),
    models.Index(
        fields=["submit_date"], condition=Q(is_removed=True), name="comments_removed_by_date"
    ),
]


def add_indexes(apps, schema_editor):
    comment = apps.get_model("django_comments", "Comment")
    for index in INDEXES:
        schema_editor.add_index(comment, index)


def remove_indexes(apps, schema_editor):
    comment = apps.get_model("django_comments", "Comment")
    for index in INDEXES:
        schema_editor.remove_index(comment, index)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0004_review_is_cleared"),
        ("django_comments", "0004_add_object_pk_is_removed_index"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
