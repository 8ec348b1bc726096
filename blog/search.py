"""Full-text search over published posts: PostgreSQL's own search, SQLite's FTS5 otherwise.

Each post's text (title, standfirst, body as plain text) is copied into an index
table made by the migration `blog/migrations/*_search_index.py`:

- PostgreSQL: `blog_search_index` with a weighted `tsvector` (title A, standfirst B,
  body C) in the `vitrine_french` configuration, French stemming after `unaccent`;
- SQLite: the FTS5 table `blog_search_fts`, rowid = post id, tokenized with
  `unicode61 remove_diacritics 2`, ranked by bm25 with the same weights in spirit.

Both ignore accents, so "developpement" finds "développement". The index is kept
in sync by the receivers in `blog/search_signals.py` and rebuilt from scratch by
`manage.py rebuild_search_index`. Visibility is never decided here: results are
`Post.objects.published()` narrowed to what matches.
"""

import re

from django.db import connection
from django.db.models import F, TextField
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from blog.content import body_text
from blog.models import Post

PG_CONFIG = "vitrine_french"
PG_TABLE = "blog_search_index"
FTS_TABLE = "blog_search_fts"

# Highlight marks: characters from Unicode's private use area, removed from the
# indexed text, so that the snippet can be escaped whole and the marks turned
# into <mark> afterwards (the text itself never becomes HTML).
MARK_START = "\ue000"
MARK_END = "\ue001"
# PostgreSQL's ts_headline drops anything that looks like an HTML tag, so a
# post about "<script>" would lose those words: the copy it highlights has its
# angle brackets swapped for two more private characters, swapped back after escaping.
LESS_THAN = "\ue002"
GREATER_THAN = "\ue003"
_PRIVATE = str.maketrans("", "", MARK_START + MARK_END + LESS_THAN + GREATER_THAN + "\x00")
_BRACKETS = str.maketrans({"<": LESS_THAN, ">": GREATER_THAN})

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
WORD = re.compile(r"\w+")

# bm25 weights for title, standfirst and body on SQLite: a word in the title
# counts ten times one in the body.
FTS_WEIGHTS = (10.0, 4.0, 1.0)


def is_postgresql():
    return connection.vendor == "postgresql"


def clean_query(raw):
    """The visitor's query as we use it: stripped, one line, bounded."""
    return " ".join((raw or "").split())[:MAX_QUERY_LENGTH]


def _clean_text(text):
    return (text or "").translate(_PRIVATE)


def _post_text(post):
    """Title, standfirst and body of a post as plain text."""
    body = body_text(post)
    return _clean_text(post.title), _clean_text(post.standfirst), _clean_text(body)


# Indexing ---------------------------------------------------------------------


def index_post(post):
    """Write (or rewrite) one post's entry in the index, whatever its status.

    Drafts and scheduled posts are indexed too: a scheduled post becomes
    findable at its hour with no job to run, and the query filters visibility.
    """
    title, standfirst, body = _post_text(post)
    with connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute(
                f"""
                INSERT INTO {PG_TABLE} (post_id, title, standfirst, body, document)
                VALUES (%s, %s, %s, %s,
                    setweight(to_tsvector('{PG_CONFIG}', %s), 'A')
                    || setweight(to_tsvector('{PG_CONFIG}', %s), 'B')
                    || setweight(to_tsvector('{PG_CONFIG}', %s), 'C'))
                ON CONFLICT (post_id) DO UPDATE SET
                    title = EXCLUDED.title, standfirst = EXCLUDED.standfirst,
                    body = EXCLUDED.body, document = EXCLUDED.document
                """,
                [
                    post.pk,
                    title.translate(_BRACKETS),
                    standfirst.translate(_BRACKETS),
                    body.translate(_BRACKETS),
                    title,
                    standfirst,
                    body,
                ],
            )
        else:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [post.pk])
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, standfirst, body) VALUES (%s, %s, %s, %s)",
                [post.pk, title, standfirst, body],
            )


def remove_post(pk):
    with connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute(f"DELETE FROM {PG_TABLE} WHERE post_id = %s", [pk])
        else:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [pk])


def rebuild_index():
    """Empty the index and fill it again from every post. Returns the number indexed."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {PG_TABLE if is_postgresql() else FTS_TABLE}")
    count = 0
    for post in Post.objects.with_content().order_by("pk"):
        index_post(post)
        count += 1
    return count


# Querying ---------------------------------------------------------------------


def fts_terms(query):
    """Safe FTS5 terms from the visitor's words: each word quoted, as a prefix.

    Quoting each word keeps FTS5's own syntax (AND, NEAR, column filters,
    quotes) out of reach; the prefix lets "développement" find "développements".
    """
    terms = WORD.findall(query)[:MAX_TERMS]
    # French elisions ("l’équipe") leave one-letter words that would match everything.
    meaningful = [term for term in terms if len(term) > 1] or terms
    return [f'"{term}"*' for term in meaningful]


def fts_query(query):
    """The FTS5 query of `query`: every word required."""
    return " ".join(fts_terms(query))


def search_posts(query):
    """Published posts matching `query`, best first.

    Each post carries `search_rank`, and `search_title` / `search_snippet`: the
    title and a passage of the body with the marks around matched words (turn
    them into HTML with `highlight()`). An empty query matches nothing.
    """
    query = clean_query(query)
    posts = Post.objects.published()
    if not query:
        return posts.none()
    if is_postgresql():
        return _search_postgresql(posts, query)
    return _search_sqlite(posts, query)


def _search_postgresql(posts, query):
    from django.contrib.postgres.search import (
        SearchHeadline,
        SearchQuery,
        SearchRank,
        SearchVectorField,
    )

    post_id = f'"{Post._meta.db_table}"."id"'

    def column(name, output_field):
        return RawSQL(
            f"SELECT {name} FROM {PG_TABLE} WHERE post_id = {post_id}",
            # A list: the @@ lookup adds its own parameters to these with `+`.
            [],
            output_field=output_field,
        )

    search = SearchQuery(query, config=PG_CONFIG, search_type="websearch")
    headline = {"config": PG_CONFIG, "start_sel": MARK_START, "stop_sel": MARK_END}
    return (
        # Matching through the GIN index on the whole table; ranking and
        # highlighting then read only the matching posts' rows.
        posts.filter(
            pk__in=RawSQL(
                f"SELECT post_id FROM {PG_TABLE} "
                "WHERE document @@ websearch_to_tsquery(%s::regconfig, %s)",
                [PG_CONFIG, query],
            )
        )
        .annotate(search_document=column("document", SearchVectorField()))
        .annotate(
            search_rank=SearchRank(F("search_document"), search),
            search_title=SearchHeadline(
                column("title", TextField()), search, highlight_all=True, **headline
            ),
            search_snippet=SearchHeadline(
                column("body", TextField()),
                search,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
                **headline,
            ),
        )
        .order_by("-search_rank", "-published_at", "-pk")
    )


def _search_sqlite(posts, query):
    terms = fts_terms(query)
    if not terms:
        return posts.none()
    return RankedResults(posts, terms)


class RankedResults:
    """SQLite's results, best first, as a Paginator takes them (`count()` and slices).

    FTS5 scores every match in one pass of the index, and highlights only the page
    shown: as correlated subqueries per post, each re-read the whole index for its
    word (a common word at 10,000 posts took 8 s; now tens of milliseconds).
    """

    def __init__(self, posts, terms):
        self.posts = posts
        self.match = " ".join(terms)
        self.in_title = f"title : ({' OR '.join(terms)})"

    @cached_property
    def ranked_ids(self):
        """Every published match's id, best first: one query."""
        published, params = self.posts.values("pk").query.sql_with_params()
        table = Post._meta.db_table
        weights = ", ".join(str(weight) for weight in FTS_WEIGHTS)
        with connection.cursor() as cursor:
            cursor.execute(
                # bm25 is better when lower; negated so both backends sort the same way.
                # FTS5's bm25 sums the columns' weighted hits before damping them, so a
                # long text can outweigh a title: a title holding a searched word comes
                # first, as PostgreSQL's weights have it. MATERIALIZED: inlined, SQLite
                # ran the full-text query again for every post it joined.
                f"WITH titled AS MATERIALIZED ("
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s), "
                f"found AS MATERIALIZED (SELECT rowid, bm25({FTS_TABLE}, {weights}) AS score "
                f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) "
                f'SELECT found.rowid FROM found JOIN "{table}" ON "{table}"."id" = found.rowid '
                f"WHERE found.rowid IN ({published}) ORDER BY found.rowid IN titled DESC, "
                f'found.score, "{table}"."published_at" DESC, found.rowid DESC',
                (self.in_title, self.match, *params),
            )
            return [row[0] for row in cursor.fetchall()]

    def count(self):
        return len(self.ranked_ids)

    def __len__(self):
        return self.count()

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        ids = self.ranked_ids[index] if isinstance(index, slice) else [self.ranked_ids[index]]
        posts = self.page(ids)
        return posts if isinstance(index, slice) else posts[0]

    def page(self, ids):
        """The posts `ids`, in that order, with their highlighted title and snippet."""
        if not ids:
            return []
        # Only the shown posts' highlights: one pass of the index for a handful of rows.
        placeholders = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, highlight({FTS_TABLE}, 0, %s, %s), "
                f"snippet({FTS_TABLE}, 2, %s, %s, '…', 30) FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})",
                (MARK_START, MARK_END, MARK_START, MARK_END, self.match, *ids),
            )
            marks = {row[0]: row[1:] for row in cursor.fetchall()}
        posts = self.posts.in_bulk(ids)
        shown = [posts[pk] for pk in ids if pk in posts]  # one unpublished meanwhile is left out
        for post in shown:
            post.search_title, post.search_snippet = marks.get(post.pk, ("", ""))
        return shown


def highlight(text) -> SafeString:
    """Indexed text with its marks as <mark>: everything else escaped."""
    escaped = escape(text or "")
    for private, html in (
        (MARK_START, "<mark>"),
        (MARK_END, "</mark>"),
        (LESS_THAN, "&lt;"),
        (GREATER_THAN, "&gt;"),
    ):
        escaped = escaped.replace(private, html)
    return mark_safe(escaped)
