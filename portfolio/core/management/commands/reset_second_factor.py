from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portfolio.core.second_factor import remove_second_factor


class Command(BaseCommand):
    help = (
        "After a lost phone: forget USERNAME's authenticator app and recovery codes. "
        "The next login asks to set up a new app, as the first one did."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No account named {username!r}.") from None
        remove_second_factor(user)
        self.stdout.write(
            self.style.SUCCESS(
                f"{username}'s second factor is removed: at the next login, after the "
                "password, the admin shows a QR code to link a new authenticator app."
            )
        )
