"""Print a demo user's current second-factor code, for the README's walk without a phone.

Only with DEBUG on, and only for a device `ensure_demo_admin` made: a real user's code is
never printed, whatever their name."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import totp_code_now
from factordb.management.commands.ensure_demo_admin import DEMO_DEVICE_NAME


class Command(BaseCommand):
    help = "Print the 6-digit code a demo user of `make run` signs in with now (DEBUG only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("DEBUG is off: refusing to print a second-factor code.")
        device = TOTPDevice.objects.filter(user__in=get_user_model().objects.filter(username=username),
                                           name=DEMO_DEVICE_NAME, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username!r} is no demo user of ensure_demo_admin: no code to print.")
        self.stdout.write(totp_code_now(device))
