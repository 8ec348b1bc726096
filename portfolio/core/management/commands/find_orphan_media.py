from django.core.management.base import BaseCommand

from portfolio.core.media_cleanup import orphans


class Command(BaseCommand):
    help = (
        "List uploaded files no row uses any more, and renditions whose original is gone. "
        "Nothing is deleted without --delete."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="delete what is listed")

    def handle(self, *args, delete=False, **options):
        found = list(orphans())
        for storage, name in found:
            if delete:
                storage.delete(name)
            self.stdout.write(name)
        verb = "deleted" if delete else "found (run with --delete to remove them)"
        self.stdout.write(self.style.SUCCESS(f"{len(found)} orphaned files {verb}."))
