"""Remove a user's second-factor devices after a lost phone with no recovery code left."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.two_factor import second_factor_reset


class Command(BaseCommand):
    help = ("Remove USERNAME's authenticator app and recovery codes; their next sign-in asks "
            "them to enrol a new app (docs/adr/0038).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        removed = second_factor_reset(user=user)
        self.stdout.write(f"Removed {removed} device(s) of {username}: their next sign-in enrols a new app.")
