"""`python manage.py restore <dump> [--replace]`: a dump of `backup` into the database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from factordb.services.backups import BackupError, restore


class Command(BaseCommand):
    help = ("Restore a dump made by `backup` (its SHA-256 checked first) into the configured "
            "database, which must be empty unless --replace is given.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("dump", type=Path)
        parser.add_argument("--replace", action="store_true",
                            help="Drop what the database holds and replace it with the dump.")

    def handle(self, *args, dump: Path, replace: bool, **options) -> None:
        try:
            restore(dump, replace=replace)
        except BackupError as exc:
            raise CommandError(f"Nothing was restored. {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {dump}."))
