"""python manage.py import_wordpress EXPORT.xml [--media-dir DIR] [--download-media] [--dry-run]"""

from django.core.management.base import BaseCommand, CommandError

from portfolio.importers.wordpress import import_wordpress


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools → Export): posts, pages, comments, images and old "
        "addresses. Safe to run again: unchanged items are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="the WXR file WordPress exported")
        parser.add_argument("--media-dir", help="a copy of wp-content/uploads")
        parser.add_argument(
            "--download-media",
            action="store_true",
            help="fetch images not in --media-dir from their http(s) address",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print the report, write nothing"
        )

    def handle(self, *args, **options):
        try:
            with open(options["export"], "rb") as file:
                report = import_wordpress(
                    file,
                    media_dir=options["media_dir"],
                    download=options["download_media"],
                    dry_run=options["dry_run"],
                )
        except OSError as error:
            raise CommandError(f"Cannot read {options['export']}: {error.strerror}") from None
        if not report.ok:
            raise CommandError(report.refused)
        self.stdout.write("\n".join(report.as_lines()))
