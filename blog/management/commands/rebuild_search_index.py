from django.core.management.base import BaseCommand

from blog.search import rebuild_index
from portfolio.core.page_cache import invalidate_pages


class Command(BaseCommand):
    help = "Rebuild the blog's full-text search index from every post."

    def handle(self, *args, **options):
        count = rebuild_index()
        invalidate_pages()  # search pages cached before the rebuild
        self.stdout.write(f"Search index: {count} posts indexed.")
