"""Import a file of factors from the command line, the admin's road in one process.

    python manage.py importfactors FILE --user USERNAME [--format template|oefdb] [--dry-run]
                                   [--report OUT.csv]

The same services as the admin, called here rather than through Celery: upload as the user
(an editor), preview, print what the preview found; then, unless --dry-run and only if the
preview found nothing wrong, confirm exactly that preview and write the drafts. A preview
with issues ends with a non-zero exit status and writes no factor. --dry-run leaves the
database as it was, the import's own record included. --report writes the admin's report
CSV. A progress bar goes to stderr when it is a terminal.
"""

import sys
from pathlib import Path
from typing import TextIO

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from tqdm import tqdm

from accounts.roles import ForbiddenAction, Role, has_role
from factordb.models import FactorImport, ImportFormat, ImportStatus, RowAction
from factordb.services import factor_imports, import_reports
from factordb.services.imports import reading

MAX_PRINTED_ISSUES = 200
STAGES = {"reading": "reading rows", "matching": "matching factors", "writing": "writing drafts"}


class ProgressBar:
    """The services' progress callback as tqdm bars, one per stage; silent off a terminal."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self.bar: tqdm | None = None
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if stage not in STAGES:  # previewed, imported: the step is over
            self.close()
            return
        if stage != self.stage:
            self.close()
            self.bar = tqdm(total=total, desc=STAGES[stage], unit=" rows", file=self.stream, leave=False)
            self.stage = stage
        if total is not None and self.bar.total != total:
            self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.bar, self.stage = None, ""


class Command(BaseCommand):
    help = ("Import a CSV/XLSX file of factors as drafts, as the admin does: preview, then confirm "
            "and write (unless --dry-run, or the preview found issues: then exit non-zero).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the file to import (CSV or XLSX)")
        parser.add_argument("--format", choices=ImportFormat.values, default=ImportFormat.TEMPLATE,
                            help="template (this platform's template, the default) or oefdb")
        parser.add_argument("--dry-run", action="store_true",
                            help="preview only: print the report and write nothing at all")
        parser.add_argument("--user", required=True, help="the editor the import is made as")
        parser.add_argument("--report", type=Path, help="write the full report to this CSV file")

    def execute(self, *args, **options):
        # The bar writes to the raw stream: Django's wrapper would end each redraw with a newline.
        self.progress_stream = options.get("stderr") or sys.stderr
        return super().execute(*args, **options)

    def handle(self, *args, file: Path, format: str, dry_run: bool, user: str, report: Path | None,
               **options) -> None:
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"No user named {user!r}.")
        if not has_role(actor, Role.EDITOR):
            raise CommandError(f"{user!r} does not hold the editor role: only editors import factors.")
        content = self._read(file)
        progress = ProgressBar(self.progress_stream)
        try:
            step = self._dry_run if dry_run else self._preview
            preview = step(actor, file.name, content, format, progress)
        except (factor_imports.ImportRefused, ForbiddenAction) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            progress.close()
        self._print_preview(preview)
        if preview.status != ImportStatus.PREVIEWED:
            self._write_report(preview, report)
            issues = preview.summary.get("issues", 0)
            raise CommandError(f"The preview found {issues} issue(s): nothing was imported.")
        if preview.writes_nothing:
            # Every row is as the database has it: confirming would write an import of nothing.
            self._write_report(preview, report)
            self.stdout.write(self.style.SUCCESS("Nothing to import: every row is the same as its factor's "
                                                 "latest version."))
            return
        if dry_run:
            self._write_report(preview, report)
            self.stdout.write(self.style.SUCCESS("Dry run: the file can be imported; nothing was written."))
            return
        done = self._confirm_and_apply(preview, actor, progress)
        self._write_report(done, report)
        written = done.summary.get("written", 0)
        self.stdout.write(self.style.SUCCESS(
            f"Imported as import #{done.pk}: {written} draft(s) written "
            f"({preview.summary.get(RowAction.CREATE, 0)} new factor(s), "
            f"{preview.summary.get(RowAction.REVISE, 0)} new version(s) of existing factors); "
            "they go through review like any draft."))

    def _read(self, file: Path) -> bytes:
        try:
            size = file.stat().st_size
            if size > reading.MAX_FILE_BYTES:  # refused before it is read into memory
                raise CommandError(reading.too_large(size))
            return file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc

    def _preview(self, actor, file_name: str, content: bytes, file_format: str,
                 progress: ProgressBar) -> FactorImport:
        upload = factor_imports.import_upload(actor=actor, file_name=file_name, content=content,
                                              file_format=file_format)
        return factor_imports.import_preview(upload, progress=progress)

    def _dry_run(self, actor, file_name: str, content: bytes, file_format: str,
                 progress: ProgressBar) -> FactorImport:
        # The same upload and preview as a real import, rolled back: not even the import's
        # record remains, and the report printed is the one a real import would show.
        with transaction.atomic():
            preview = self._preview(actor, file_name, content, file_format, progress)
            transaction.set_rollback(True)
        return preview

    def _confirm_and_apply(self, preview: FactorImport, actor, progress: ProgressBar) -> FactorImport:
        try:
            factor_imports.import_confirm(factor_import=preview, actor=actor, file_sha256=preview.file_sha256,
                                          previewed_at=preview.previewed_at)
            done = factor_imports.import_apply(preview.pk, progress=progress)
        except (factor_imports.ImportRefused, ForbiddenAction) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            progress.close()
        if done.status != ImportStatus.IMPORTED:
            raise CommandError(f"Nothing was imported: {done.failure}")
        return done

    def _print_preview(self, preview: FactorImport) -> None:
        summary = preview.summary
        out = self.stdout
        out.write(f"{preview.file_name}: {preview.file_size} bytes, SHA-256 {preview.file_sha256}, "
                  f"format {preview.format}" + (f", read as {preview.encoding}" if preview.encoding else ""))
        counted = {name: summary.get(name, 0) for name in ("rows", *RowAction.values, "issues")}
        out.write(f"Rows: {counted['rows']}; create {counted['create']}, revise {counted['revise']}, "
                  f"unchanged {counted['unchanged']}, rows with errors {counted['error']}; "
                  f"issues {counted['issues']}.")
        unknown = summary.get("unknown_codes") or {}
        if unknown:
            out.write("Codes not in the registries (column: code × rows):")
            for column, codes in unknown.items():
                out.write(f"  {column}: " + ", ".join(f"{code} × {rows}" for code, rows in codes.items()))
        total = summary.get("issues", 0)
        if total:
            out.write("Issues (row, column, reason):")
        for n, issue in enumerate(import_reports.issue_lines(preview)):
            if n == MAX_PRINTED_ISSUES:
                out.write(f"  … {total - n} more, see --report")
                break
            row = f"row {issue.row}" if issue.row else "file"
            out.write(f"  {row}, {issue.column or '-'}: {issue.reason}")

    def _write_report(self, factor_import: FactorImport, path: Path | None) -> None:
        if path is None:
            return
        try:
            with path.open("w", encoding="utf-8", newline="") as report:
                report.writelines(import_reports.report_csv(factor_import))
        except OSError as exc:
            raise CommandError(f"Cannot write the report to {path}: {exc.strerror or exc}") from exc
        self.stdout.write(f"Report written to {path}.")
