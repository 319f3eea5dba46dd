"""A clean plan to drafts: new factors, their first drafts, and new drafts of existing ones.

Written in batches of rows inside the caller's transaction, so an import is all or nothing.
Each row written gets its history row, as a save would, naming the confirming editor: who
wrote a version's content may not review it, whether it was typed in the admin or imported.

On PostgreSQL the rows go in by COPY: Django's bulk_create and simple-history's
bulk_create_with_history build a model instance for every row and its history row and
convert every value through its field, which made writing 100,000 drafts cost ten times
what planning them did. Elsewhere (SQLite, in development and tests) the same rows go
through bulk_create_with_history. Why, and what holds the two equal:
docs/adr/0023-imports-checked-once-per-value-and-written-by-copy.md.
"""

from collections.abc import Callable

from django.db import connection, models
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from factordb.constants import FactorStatus
from factordb.models import (
    Factor,
    FactorImport,
    FactorVersion,
    GasAmount,
    ImportedVersion,
    RowAction,
    Source,
    VersionSource,
)
from factordb.models.reference import Gas

from .planning import Plan, RowPlan

BATCH = 2000
Progress = Callable[[str, int, int], None]


def apply_plan(plan: Plan, *, factor_import: FactorImport, actor, progress: Progress | None = None) -> int:
    """Write the plan's creations and revisions as drafts; the number of drafts written."""
    assert plan.is_clean, "only a plan without issues is written"
    written = [row for row in plan.rows if row.action in (RowAction.CREATE, RowAction.REVISE)]
    writer = _Writer(factor_import, actor)
    for start in range(0, len(written), BATCH):
        writer.write(written[start:start + BATCH])
        if progress:
            progress("writing", min(start + BATCH, len(written)), len(written))
    return len(written)


def by_copy() -> bool:
    """Whether rows go in by COPY (on PostgreSQL) rather than through bulk_create."""
    return connection.vendor == "postgresql"


class _Writer:
    def __init__(self, factor_import: FactorImport, actor):
        self.factor_import, self.actor = factor_import, actor
        self.reason = f"import #{factor_import.pk}: {factor_import.file_name}"[:100]
        self.gases = dict(Gas.objects.values_list("code", "pk"))
        self.sources = dict(Source.objects.values_list("code", "pk"))

    def write(self, rows: list[RowPlan]) -> None:
        created = [row for row in rows if row.action == RowAction.CREATE]
        factors = [_by_attname(Factor, row.identity) for row in created]
        self.insert(Factor, factors)
        for row, factor in zip(created, factors, strict=True):
            row.factor_id, row.public_id = factor["id"], factor["public_id"]
        numbers, carried = _revised([row.factor_id for row in rows if row.action == RowAction.REVISE])
        versions = [
            _by_attname(FactorVersion, row.content) | {
                "factor_id": row.factor_id, "version": numbers.get(row.factor_id, 0) + 1,
                "status": FactorStatus.DRAFT, "author_id": self.actor.pk,
                "derivation": carried.get(row.factor_id, {})}
            for row in rows
        ]
        self.insert(FactorVersion, versions)
        amounts, citations = [], []
        for row, version in zip(rows, versions, strict=True):
            amounts.extend({"version_id": version["id"], "gas_id": self.gases[code], "amount": amount,
                            "is_removal": version["is_removal"]} for code, amount in row.gas_amounts.items())
            citations.extend({"version_id": version["id"], "source_id": self.sources[code],
                              "locator": locator} for code, locator in row.citations)
        self.insert(GasAmount, amounts)
        self.insert(VersionSource, citations)
        self.insert(ImportedVersion, [
            {"factor_import_id": self.factor_import.pk, "version_id": version["id"], "row": row.number,
             "action": row.action} for row, version in zip(rows, versions, strict=True)], history=False)

    def insert(self, model: type[models.Model], rows: list[dict], *, history: bool = True) -> None:
        """Insert rows (field attname → value), each with its history row if the model keeps
        one; sets each row's id. A field a row does not give takes its default, as Model()
        would give it: a callable default (a public_id, an empty list) is called for each row."""
        if not rows:
            return
        for field in model._meta.concrete_fields:
            if field.has_default() and callable(field.default):
                for row in rows:
                    if field.attname not in row:
                        row[field.attname] = field.get_default()
        if by_copy():
            self._copy(model, rows, history)
            return
        instances = [model(**row) for row in rows]
        if history:
            bulk_create_with_history(instances, model, batch_size=BATCH, default_user=self.actor,
                                     default_change_reason=self.reason)
        else:
            model.objects.bulk_create(instances, batch_size=BATCH)
        for row, instance in zip(rows, instances, strict=True):
            row[model._meta.pk.attname] = instance.pk

    def _copy(self, model: type[models.Model], rows: list[dict], history: bool) -> None:
        pk = model._meta.pk
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [model._meta.db_table, pk.column, len(rows)])
            for row, (new_id,) in zip(rows, cursor.fetchall(), strict=True):
                row[pk.attname] = new_id
        now = timezone.now()
        _complete(model, rows, now)
        _copy(model, rows)
        if history:
            # A history row is its row's values, stamped with who, when and why.
            stamp = {"history_date": now, "history_type": "+", "history_user_id": self.actor.pk,
                     "history_change_reason": self.reason}
            history_model = model.history.model
            history_rows = [row | stamp for row in rows]
            _complete(history_model, history_rows, now)
            _copy(history_model, history_rows)


def _by_attname(model: type[models.Model], values: dict) -> dict:
    """Field name → value or object, to attname → value or primary key (category → category_id)."""
    meta = model._meta
    return {meta.get_field(name).attname: value.pk if isinstance(value, models.Model) else value
            for name, value in values.items()}


def _revised(factor_ids: list[int]) -> tuple[dict[int, int], dict[int, dict]]:
    """The highest version number of each factor, and its published version's derivation:
    what the template does not carry, a revision takes from the published version."""
    numbers = dict(FactorVersion.objects.filter(factor_id__in=factor_ids).values("factor_id")
                   .annotate(n=Max("version")).values_list("factor_id", "n")) if factor_ids else {}
    carried = dict(FactorVersion.objects.filter(factor_id__in=factor_ids, status=FactorStatus.PUBLISHED)
                   .values_list("factor_id", "derivation")) if factor_ids else {}
    return numbers, carried


def _complete(model: type[models.Model], rows: list[dict], now) -> None:
    """Every field of the table in each row: one a row does not give takes its default, or now
    for a field stamped on saving (created_at, updated_at). Not the primary key of a table
    that numbers its rows itself (a history table)."""
    defaults = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        else:
            defaults[field.attname] = field.get_default()
    for row in rows:
        for attname, value in defaults.items():
            if attname not in row:
                row[attname] = value


def _copy(model: type[models.Model], rows: list[dict]) -> None:
    """COPY the rows (attname → value, every field of the table but a primary key it numbers itself)."""
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in rows[0]]
    # Values go to COPY as Python has them (text, numbers, dates, None); JSON needs its field's
    # conversion to reach the database.
    columns = [(f.attname, f if isinstance(f, models.JSONField) else None) for f in fields]
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
    # Django's wrapper turns psycopg's errors into its own (a unique violation into the
    # IntegrityError the caller catches), as it does for every query it runs itself.
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([row[attname] if json is None else json.get_db_prep_save(row[attname], connection)
                            for attname, json in columns])
