"""An index on django-comments' table for "the comments of this post": (content_type, object_pk).

Every page counts a post's comments in a subquery (Post.with_comment_count, with_thread_count)
and fetches them (comments.tree), filtered on both columns. The library indexes each alone,
and SQLite's planner took content_type: each count read every comment of every post (a list
page of ten cards read its 2,300 comments ten times, 12 ms of the page's 36). With both in one
index a count reads that post's rows only. Added through the schema editor on the library's
historical model, as 0005 does; its migration state does not know it.
"""

from django.db import migrations, models

INDEX = models.Index(fields=["content_type", "object_pk"], name="comments_by_object")


def add_index(apps, schema_editor):
    schema_editor.add_index(apps.get_model("django_comments", "Comment"), INDEX)


def remove_index(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("django_comments", "Comment"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0006_queue_search_trigram_indexes"),
    ]

    operations = [migrations.RunPython(add_index, remove_index)]
