"""The full-text search index of blog/search.py, one shape per database.

Not a Django model: on SQLite it is an FTS5 virtual table, which the ORM cannot
describe. Posts are indexed by the receivers of blog/search_signals.py; posts that
existed before this migration are indexed after `migrate` (post_migrate), with
the code of that time rather than historical models.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

POSTGRESQL = [
    # French stemming after unaccent: "développement" and "developpement" meet.
    "CREATE TEXT SEARCH CONFIGURATION vitrine_french (COPY = french)",
    "ALTER TEXT SEARCH CONFIGURATION vitrine_french "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem",
    "CREATE TABLE blog_search_index ("
    # No foreign key: Django's flush truncates the tables it knows, and would
    # refuse to truncate blog_post while an unknown table references it.
    " post_id bigint PRIMARY KEY,"
    " title text NOT NULL, standfirst text NOT NULL, body text NOT NULL,"
    " document tsvector NOT NULL)",
    "CREATE INDEX blog_search_index_document ON blog_search_index USING gin (document)",
]
POSTGRESQL_REVERSE = [
    "DROP TABLE IF EXISTS blog_search_index",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS vitrine_french",
]
SQLITE = [
    "CREATE VIRTUAL TABLE blog_search_fts USING fts5("
    "title, standfirst, body, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS blog_search_fts"]


class UnaccentOnPostgreSQL(UnaccentExtension):
    """Django's UnaccentExtension skips other databases going forwards, not backwards."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0002_content_model"),
    ]

    operations = [
        UnaccentOnPostgreSQL(),
        migrations.RunPython(
            run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
