from django.core.management.base import BaseCommand

from blog.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the blog's full-text search index from every post."

    def handle(self, *args, **options):
        count = rebuild_index()
        self.stdout.write(f"Search index: {count} posts indexed.")
