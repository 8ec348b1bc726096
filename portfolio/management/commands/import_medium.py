"""python manage.py import_medium medium-export.zip [--download-media] [--dry-run]"""

from django.core.management.base import BaseCommand, CommandError, no_translations

from portfolio.importers.medium import import_medium


class Command(BaseCommand):
    help = (
        "Import a Medium archive (Settings → Download your information): posts and drafts, "
        "responses skipped. Safe to run again: unchanged posts are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .zip Medium sent")
        parser.add_argument(
            "--download-media",
            action="store_true",
            help="fetch the posts' images from Medium's image server (otherwise they are listed)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print the report, write nothing"
        )

    # In English, as the report's own lines (Report.as_lines); the admin page is translated.
    @no_translations
    def handle(self, *args, **options):
        try:
            with open(options["archive"], "rb") as file:
                report = import_medium(
                    file, download=options["download_media"], dry_run=options["dry_run"]
                )
        except OSError as error:
            raise CommandError(f"Cannot read {options['archive']}: {error.strerror}") from None
        if not report.ok:
            raise CommandError(report.refused)
        self.stdout.write("\n".join(report.as_lines()))
