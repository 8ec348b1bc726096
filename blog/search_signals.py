"""Keep the search index in step with posts and their blocks (connected in BlogConfig.ready()).

A post saved in the admin is saved before its blocks (inlines come after the
parent), all in one transaction: the post is indexed once that transaction
commits, when its blocks are final. Outside a transaction that is immediately.
"""

from functools import partial

from django.db import connection, transaction
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


def reindex(post_id):
    post = Post.objects.filter(pk=post_id).with_content().first()
    if post is None:
        search.remove_post(post_id)
    else:
        search.index_post(post)
    # The page cache invalidated on the save, before this ran: a search page
    # rendered in between would keep the old results.
    invalidate_pages()


def reindex_on_commit(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the rebuild command indexes fixtures
        return
    post_id = instance.pk if isinstance(instance, Post) else instance.parent_id
    if post_id is not None:
        # robust: a failure to index is logged, never turned into a failed save.
        transaction.on_commit(partial(reindex, post_id), robust=True)


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
