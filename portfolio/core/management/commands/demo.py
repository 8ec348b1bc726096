from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule


def demo_modules():
    """Each app's own `demo` module, in INSTALLED_APPS order (comments need posts)."""
    return [
        import_module(f"{config.name}.demo")
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, "demo")
    ]


class Command(BaseCommand):
    help = "Fill the site with the demo content. Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the site already has content.",
        )

    def handle(self, *args, if_empty=False, **options):
        modules = demo_modules()
        if if_empty and any(module.has_content() for module in modules):
            self.stdout.write("The site already has content: demo not loaded.")
            return
        with transaction.atomic():
            for module in modules:
                module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
