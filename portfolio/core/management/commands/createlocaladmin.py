import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create an admin account with a generated password when there is none. "
        "The password is printed once; nothing fixed is ever used."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("An admin account exists already: none created.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS("Admin account created. Note it now, it is shown once:")
        )
        self.stdout.write(f"  username: {username}")
        self.stdout.write(f"  password: {password}")
        self.stdout.write(
            "At the first login, after the password, the admin shows a QR code: scan it with "
            "an authenticator app (Aegis, FreeOTP, Google Authenticator, a password manager) "
            "and keep the ten recovery codes it then gives. Each later login asks for the "
            "app's six-digit code, or one recovery code.\n"
            "Phone lost and no recovery code left? On this machine: "
            f"python manage.py reset_second_factor {username}"
        )
