"""Create the demo administrator and one demo user per workflow role for `make run`, or give
them fresh passwords.

The passwords are random on every run and printed once: a fixed demo password ends up in
screenshots and, sooner or later, on a server that is reachable from outside.

The administrator is a superuser and holds no workflow role (independence of review); the
walk through the review road in the README needs an editor, two reviewers (two independent
approvals by default) and an approver, each holding exactly that one role. A re-run keeps the
users, puts each back to exactly its role and gives it a new password.

Every one of them is staff or holds a role, so signs in with a second factor (docs/adr/0038):
each gets a new authenticator device on every run, whose current code
`manage.py demo_otp_code USERNAME` prints (DEBUG only), so that the walk needs no phone.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.roles import Role
from accounts.two_factor import totp_device_replace

DEFAULT_USERNAME = "admin"
# The name of the demo users' devices: the only ones demo_otp_code prints a code of.
DEMO_DEVICE_NAME = "demo (manage.py demo_otp_code)"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    # Staff open the admin; an outside expert reviewer decides in the workspace only.
    is_staff: bool
    starts_at: str


DEMO_USERS = (
    DemoUser("demo-editor", Role.EDITOR, is_staff=True, starts_at="/admin/"),
    DemoUser("demo-reviewer1", Role.REVIEWER, is_staff=False, starts_at="/review/"),
    DemoUser("demo-reviewer2", Role.REVIEWER, is_staff=False, starts_at="/review/"),
    DemoUser("demo-approver", Role.APPROVER, is_staff=True, starts_at="/review/dashboard/"),
)


def _new_password() -> str:
    return secrets.token_urlsafe(12)


def demo_admin_ensure(*, username: str, email: str) -> tuple[str, bool]:
    """Return the new password and whether the user was created."""
    password = _new_password()
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
        totp_device_replace(user=user, name=DEMO_DEVICE_NAME)
    return password, created


def demo_user_ensure(demo: DemoUser) -> tuple[str, bool]:
    """Create the demo user or put it back to exactly its one role; return its new password
    and whether it was created."""
    password = _new_password()
    with transaction.atomic():
        user, created = (
            get_user_model()
            .objects.select_for_update()
            .get_or_create(username=demo.username, defaults={"email": f"{demo.username}@example.org"})
        )
        user.is_active = True
        user.is_staff = demo.is_staff
        # A superuser would pass every admin permission check while holding a workflow role.
        user.is_superuser = False
        user.set_password(password)
        user.save()
        user.user_permissions.clear()
        user.groups.set([Group.objects.get_or_create(name=demo.role.value)[0]])
        totp_device_replace(user=user, name=DEMO_DEVICE_NAME)
    return password, created


class Command(BaseCommand):
    help = ("Create (or reset the passwords of) a demo superuser and one demo user per workflow "
            "role, and print their credentials.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default=DEFAULT_USERNAME)
        parser.add_argument("--email", default="admin@example.com")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (known accounts on a live server are a risk).",
        )

    def handle(self, *args, username: str, email: str, allow_production: bool, **options) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError("DEBUG is off: refusing to create demo users (--allow-production).")
        if username in {demo.username for demo in DEMO_USERS}:
            raise CommandError(f"{username!r} is the name of a demo role user: choose another --username.")
        site = settings.SITE_URL.rstrip("/")
        password, created = demo_admin_ensure(username=username, email=email)
        verb = "Created" if created else "Reset the password of"
        self.stdout.write(self.style.SUCCESS(
            f"{verb} the demo administrator (a superuser, no workflow role)."))
        self.stdout.write(f"  URL:      {site}/admin/")
        self.stdout.write(f"  username: {username}")
        self.stdout.write(f"  password: {password}")
        self.stdout.write(self.style.SUCCESS("Demo users, one workflow role each:"))
        for demo in DEMO_USERS:
            password, _created = demo_user_ensure(demo)
            self.stdout.write(f"  {demo.role.value:<9} {demo.username:<15} password: {password}"
                              f"  (sign in: {site}{demo.starts_at})")
        self.stdout.write(self.style.SUCCESS(
            "Second factor: after the password each asks for a 6-digit code; print it with"))
        self.stdout.write("  DEBUG=1 .venv/bin/python manage.py demo_otp_code USERNAME")
