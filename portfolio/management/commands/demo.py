from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app fills its own part, in this order (comments need posts).
DEMO_MODULES = ["portfolio.demo", "blog.demo", "comments.demo"]


class Command(BaseCommand):
    help = "Fill the site with the demo content. Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the site already has content.",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and self.site_has_content():
            self.stdout.write("The site already has content: demo not loaded.")
            return
        with transaction.atomic():
            for name in DEMO_MODULES:
                import_module(name).load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))

    def site_has_content(self):
        for name in DEMO_MODULES:
            if import_module(name).has_content():
                return True
        return False
