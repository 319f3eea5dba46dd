"""Create the demo administrator for `make run`, or give it a fresh password.

The password is random on every run and printed once: a fixed demo password ends up in
screenshots and, sooner or later, on a server that is reachable from outside.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

DEFAULT_USERNAME = "admin"


def demo_admin_ensure(*, username: str, email: str) -> tuple[str, bool]:
    """Return the new password and whether the user was created."""
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        user, created = (
            get_user_model()
            .objects.select_for_update()
            .get_or_create(
                username=username,
                defaults={"email": email},
            )
        )
        user.is_active = user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
    return password, created


class Command(BaseCommand):
    help = "Create (or reset the password of) a demo superuser and print its credentials."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default=DEFAULT_USERNAME)
        parser.add_argument("--email", default="admin@example.com")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (a known superuser on a live server is a risk).",
        )

    def handle(self, *args, username: str, email: str, allow_production: bool, **options) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError("DEBUG is off: refusing to create a demo superuser (--allow-production).")
        password, created = demo_admin_ensure(username=username, email=email)
        verb = "Created" if created else "Reset the password of"
        self.stdout.write(self.style.SUCCESS(f"{verb} the demo administrator."))
        self.stdout.write(f"  URL:      {settings.SITE_URL.rstrip('/')}/admin/")
        self.stdout.write(f"  username: {username}")
        self.stdout.write(f"  password: {password}")
