"""An import's road: upload → preview (the dry run) → confirm → drafts written.

Nothing is written to factors before confirmation. The preview stores the fingerprint of
its plan; applying plans the same file again, under locks on the factors it touches, and
writes only if the fingerprint is the same: the drafts written are exactly the ones
previewed, or none (the data changed since, and the editor previews again). Applying is
idempotent: it runs once per confirmation, whatever a queue redelivers.
"""

import hashlib
import io
from collections.abc import Callable
from datetime import datetime

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import ForbiddenAction, Role, require_role
from factordb.errors import WorkflowError
from factordb.models import Factor, FactorImport, ImportFormat, ImportStatus, RowAction
from factordb.services.imports import applying, columns, oefdb, planning, reading
from factordb.services.imports.rows import Issue

PROGRESS_SECONDS = 24 * 3600
# A report keeps every row with something to say, and at most this many unchanged rows' lines.
MAX_REPORTED_UNCHANGED = 1000
# progress(stage, done, total): stage is reading, matching, writing, previewed or imported;
# total is None while the rows are still being read.
Progress = Callable[[str, int, int | None], None]


class ImportRefused(WorkflowError):
    """The import cannot take this step; the message says why."""


def import_upload(*, actor, file_name: str, content: bytes,
                  file_format: str = ImportFormat.TEMPLATE) -> FactorImport:
    require_role(actor, Role.EDITOR)
    if file_format not in ImportFormat.values:
        raise ImportRefused(_("未知的导入格式“%(format)s”。") % {"format": file_format})
    if len(content) > reading.MAX_FILE_BYTES:
        raise ImportRefused(reading.too_large(len(content)))
    factor_import = FactorImport.objects.create(
        file_name=file_name[:255], file_sha256=hashlib.sha256(content).hexdigest(), file_size=len(content),
        content=content, format=file_format, created_by=actor,
    )
    # The cache may outlive the database (a restore, a test database made afresh): whatever an
    # earlier import of the same number left there is not this one's progress.
    cache.delete(progress_key(factor_import.pk))
    return factor_import


def progress_key(factor_import_id: int) -> str:
    return f"factordb:import-progress:{factor_import_id}"


def import_progress(factor_import_id: int) -> dict | None:
    """{stage, done, total} of a preview or import under way (total None while rows are read)."""
    return cache.get(progress_key(factor_import_id))


def _reporter(factor_import_id: int):
    def report(stage: str, done: int, total: int | None) -> None:
        cache.set(progress_key(factor_import_id), {"stage": stage, "done": done, "total": total},
                  PROGRESS_SECONDS)
    return report


def plan_import(factor_import: FactorImport, progress=None) -> tuple[planning.Plan, str]:
    """The plan of the stored file, and the encoding it was read with."""
    content = bytes(FactorImport.objects.filter(pk=factor_import.pk).values_list("content", flat=True).get())
    try:
        if factor_import.format == ImportFormat.OEFDB:
            headers, rows, encoding = oefdb_table(content)
        else:
            table = reading.open_table(io.BytesIO(content), len(content))
            headers, rows, encoding = table.headers, table.rows, table.encoding
        plan = planning.plan_rows(headers, _counting(rows, progress), progress=progress)
    except reading.FileRefused as refused:
        return planning.Plan(rows=[], file_issues=[refused.issue], unknown_codes={}), ""
    except oefdb.OefdbRefused as refused:
        return planning.Plan(rows=[], file_issues=refused.issues, unknown_codes={}), ""
    return plan, encoding


def oefdb_table(content: bytes):
    """An OEFDB CSV's rows mapped to template rows (docs/oefdb-mapping.md)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise reading.FileRefused(_("OEFDB 文件应为 UTF-8 编码。")) from exc
    return columns.header_row(), oefdb.oefdb_rows(io.StringIO(text, newline="")), "utf-8"


def _counting(rows, progress):
    for n, row in enumerate(rows, start=1):
        if progress and n % 1000 == 0:
            progress("reading", n, None)
        if n > reading.MAX_ROWS:
            raise reading.FileRefused(_("文件超过 %(n)d 行的上限；请拆分成几个文件。")
                                      % {"n": reading.MAX_ROWS})
        yield row


def import_preview(factor_import: FactorImport, progress: Progress | None = None) -> FactorImport:
    """The dry run: plan the file, store what each row would do; writes no factor.

    Progress goes to the cache (import_progress) unless the caller listens itself (a terminal)."""
    progress = progress or _reporter(factor_import.pk)
    FactorImport.objects.filter(pk=factor_import.pk).update(status=ImportStatus.PREVIEWING)
    plan, encoding = plan_import(factor_import, progress)
    factor_import.status = ImportStatus.PREVIEWED if plan.is_clean and plan.rows else ImportStatus.REFUSED
    if not plan.rows and plan.is_clean:
        plan.file_issues.append(Issue(0, "", _("文件没有数据行。")))
    factor_import.encoding = encoding
    factor_import.previewed_at = timezone.now()
    factor_import.plan_sha256 = plan.fingerprint()
    factor_import.summary = _summary(plan)
    factor_import.report = _report(plan)
    factor_import.save(update_fields=["status", "encoding", "previewed_at", "plan_sha256", "summary",
                                      "report"])
    progress("previewed", len(plan.rows), len(plan.rows))
    return factor_import


def import_confirm(
    *, factor_import: FactorImport, actor, file_sha256: str, previewed_at: datetime,
) -> FactorImport:
    """Accept the preview as it was shown: the same file, the same preview, by its uploader."""
    require_role(actor, Role.EDITOR)
    with transaction.atomic():
        factor_import = FactorImport.objects.select_for_update().defer("content").get(pk=factor_import.pk)
        if factor_import.created_by_id != actor.pk:
            raise ForbiddenAction(_("只有上传该文件的编辑可以确认导入。"))
        if factor_import.status != ImportStatus.PREVIEWED:
            raise ImportRefused(_("该导入的状态是“%(status)s”，不能确认。")
                                % {"status": factor_import.get_status_display()})
        if file_sha256 != factor_import.file_sha256 or previewed_at != factor_import.previewed_at:
            raise ImportRefused(_("确认的不是最近一次预览的文件或预览；请刷新预览页后再确认。"))
        factor_import.status = ImportStatus.CONFIRMED
        factor_import.confirmed_by = actor
        factor_import.confirmed_at = timezone.now()
        factor_import.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    return factor_import


def import_apply(factor_import_id: int, progress: Progress | None = None) -> FactorImport:
    """Write a confirmed import, all or nothing; a second call (a redelivered task) writes nothing."""
    progress = progress or _reporter(factor_import_id)
    try:
        with transaction.atomic():
            factor_import = (FactorImport.objects.select_for_update().defer("content", "report")
                             .get(pk=factor_import_id))
            if factor_import.status != ImportStatus.CONFIRMED:
                return factor_import
            # The factors the preview matched are locked first: no revision started in the admin
            # can slip in between this plan and its writes. The report is read for their ids
            # alone, not kept through the plan and the writes (100,000 rows make it tens of MB).
            report = FactorImport.objects.values_list("report", flat=True).get(pk=factor_import_id)
            matched = [entry["factor_id"] for entry in report if entry.get("factor_id")]
            del report
            for start in range(0, len(matched), 5000):
                list(Factor.objects.select_for_update().filter(pk__in=matched[start:start + 5000])
                     .values_list("pk", flat=True))
            plan, _encoding = plan_import(factor_import, progress)
            if plan.fingerprint() != factor_import.plan_sha256 or not plan.is_clean:
                return _fail(factor_import, _("预览之后数据已有变化（例如有人修订了其中的因子），"
                                              "导入未写入任何数据；请重新预览后再确认。"))
            written = applying.apply_plan(plan, factor_import=factor_import, actor=factor_import.confirmed_by,
                                          progress=progress)
            factor_import.status = ImportStatus.IMPORTED
            factor_import.imported_at = timezone.now()
            factor_import.summary = factor_import.summary | {"written": written}
            factor_import.save(update_fields=["status", "imported_at", "summary"])
    except IntegrityError as exc:
        # Someone created one of the same factors meanwhile: nothing of ours was written.
        return _fail(FactorImport.objects.defer("content").get(pk=factor_import_id),
                     _("写入时与其他人同时写入的数据冲突，导入未写入任何数据；请重新预览。（%(error)s）")
                     % {"error": str(exc).splitlines()[0][:200]})
    progress("imported", written, written)
    return factor_import


def _fail(factor_import: FactorImport, reason: str) -> FactorImport:
    FactorImport.objects.filter(pk=factor_import.pk, status=ImportStatus.CONFIRMED).update(
        status=ImportStatus.FAILED, failure=reason)
    factor_import.refresh_from_db(fields=["status", "failure"])
    return factor_import


def _summary(plan: planning.Plan) -> dict:
    return plan.counts() | {"unknown_codes": {column: dict(codes.most_common())
                                              for column, codes in plan.unknown_codes.items()}}


def _report(plan: planning.Plan) -> list[dict]:
    entries = [{"row": issue.row, "action": RowAction.ERROR, "issues": [[issue.column, issue.reason]]}
               for issue in plan.file_issues]
    unchanged = 0
    for row in plan.rows:
        if row.action == RowAction.UNCHANGED:
            unchanged += 1
            if unchanged > MAX_REPORTED_UNCHANGED:
                continue
        entry = {"row": row.number, "action": row.action, "public_id": row.public_id}
        if row.factor_id:
            entry["factor_id"] = row.factor_id
        if row.action in (RowAction.CREATE, RowAction.REVISE):
            # What the preview page names the row by; a new factor has no public id yet.
            entry["name_zh"] = row.identity["name_zh"]
        if row.issues:
            entry["issues"] = [[issue.column, issue.reason] for issue in row.issues]
        if row.diff:
            entry["diff"] = [list(change) for change in row.diff]
        entries.append(entry)
    return entries
