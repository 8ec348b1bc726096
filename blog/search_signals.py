"""Keep the search index in step with posts and their blocks (connected in BlogConfig.ready()).

A post saved in the admin is saved before its blocks (inlines come after the
parent), all in one transaction: the post is indexed once that transaction
commits, when its blocks are final. Outside a transaction that is immediately.
Each post is indexed once per transaction however many of its blocks changed (an
import saves a thousand posts of ten blocks in one), then the pages invalidated once.
"""

import logging
import weakref

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_migrate, post_save

from blog import search
from blog.models import Post
from portfolio.core.page_cache import invalidate_pages


def block_models():
    """Every block model: those whose `parent` is a Post (django-content-editor plugins)."""
    from django.apps import apps

    return [
        model
        for model in apps.get_app_config("blog").get_models()
        if any(
            field.name == "parent" and field.related_model is Post
            for field in model._meta.get_fields()
            if field.is_relation
        )
    ]


logger = logging.getLogger(__name__)
# Posts read back per query when reindexing (with every block prefetched).
REINDEX_BATCH = 200


def reindex(post_ids):
    """Rewrite the index entries of `post_ids` (a removed post loses its entry), then
    invalidate the pages: the page cache invalidated on the save, before this ran, and a
    search page rendered in between would keep the old results."""
    post_ids = sorted(post_ids)
    with transaction.atomic():
        for start in range(0, len(post_ids), REINDEX_BATCH):
            batch = post_ids[start : start + REINDEX_BATCH]
            posts = Post.objects.filter(pk__in=batch).with_content().in_bulk()
            for post_id in batch:
                try:
                    # A savepoint each: one post failing to index never loses the others.
                    with transaction.atomic():
                        if post_id in posts:
                            search.index_post(posts[post_id])
                        else:
                            search.remove_post(post_id)
                except Exception:
                    logger.exception("Search: could not reindex post %s", post_id)
    invalidate_pages()


class CommitReindex:
    """The posts one transaction changed, reindexed once when it commits."""

    def __init__(self):
        self.post_ids = set()
        self.done = False

    def __call__(self):
        if not self.done:
            self.done = True
            reindex(self.post_ids)


# The reindex each database connection's current transaction will run at commit.
_commit_reindexes = weakref.WeakKeyDictionary()


def reindex_on_commit(sender, instance, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    if raw:  # loaddata: the rebuild command indexes fixtures
        return
    post_id = instance.pk if isinstance(instance, Post) else instance.parent_id
    if post_id is None:
        return
    this_connection = connections[using]  # this thread's, not the `connection` proxy
    pending = _commit_reindexes.get(this_connection)
    if pending is None or pending.done:
        pending = _commit_reindexes[this_connection] = CommitReindex()
    pending.post_ids.add(post_id)
    # A callback per change, each running the transaction's one reindex, since a
    # rolled-back savepoint drops the callbacks registered inside it (as
    # portfolio.core.page_cache.CommitInvalidation does). robust: a failure to index
    # is logged, never turned into a failed save.
    transaction.on_commit(pending, using=using, robust=True)


def index_posts_missing_after_migrate(sender, using="default", **kwargs):
    """Posts written before the index existed (or by raw SQL) get indexed after `migrate`."""
    if using != connection.alias:
        return
    table = search.PG_TABLE if search.is_postgresql() else search.FTS_TABLE
    key = "post_id" if search.is_postgresql() else "rowid"
    if table not in connection.introspection.table_names():
        return
    if Post.objects.exclude(pk__in=RawSQL(f"SELECT {key} FROM {table}", ())).exists():
        search.rebuild_index()


def connect(app_config):
    for model in [Post, *block_models()]:
        uid = f"blog_search_index_{model._meta.model_name}"
        post_save.connect(reindex_on_commit, sender=model, dispatch_uid=f"{uid}_save")
        post_delete.connect(reindex_on_commit, sender=model, dispatch_uid=f"{uid}_delete")
    post_migrate.connect(
        index_posts_missing_after_migrate, sender=app_config, dispatch_uid="blog_search_migrate"
    )
