"""`python manage.py backup [--folder var/backups] [--keep 14]`: a dump of the whole database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from factordb.services.backups import BackupError, backup


class Command(BaseCommand):
    help = "Dump the database (pg_dump, custom format) with its SHA-256; optionally keep only the newest N."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--folder", type=Path, default=Path("var/backups"),
                            help="Where the dumps go (default: var/backups).")
        parser.add_argument("--keep", type=int, default=None,
                            help="Afterwards, remove the oldest dumps beyond this many.")

    def handle(self, *args, folder: Path, keep: int | None, **options) -> None:
        try:
            dump = backup(folder, keep=keep)
        except BackupError as exc:
            raise CommandError(f"No backup was made. {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Backed up to {dump} ({dump.stat().st_size:,} bytes)."))
