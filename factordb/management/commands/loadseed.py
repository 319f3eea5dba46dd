"""`python manage.py loadseed`: load the national seed data; safe to run again."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from factordb.services.seed import SEED_DIR, SeedError, seed_load


class Command(BaseCommand):
    help = "Load the seed reference data and published factors (idempotent, all-or-nothing)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed-dir", type=Path, default=SEED_DIR,
                            help="Directory of seed CSV files (default: factordb/seed/).")

    def handle(self, *args, seed_dir: Path, **options) -> None:
        try:
            report = seed_load(seed_dir=seed_dir)
        except SeedError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        for kind, counts in report.counts.items():
            self.stdout.write(f"{kind:12} created {counts['created']:4}  unchanged {counts['unchanged']:4}  "
                              f"differing {counts['differing']:4}")
        for label in report.differing:
            self.stdout.write(self.style.WARNING(f"differs from the seed, left as it is: {label}"))
        self.stdout.write(self.style.SUCCESS(
            f"Seed loaded: {report.total('created')} created, {report.total('unchanged')} unchanged, "
            f"{report.total('differing')} differing."
        ))
