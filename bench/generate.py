"""A database of realistic shape for the API benchmark: 100,000 factors and 1,000,000 history rows.

It starts from the real seed (`loadseed`: categories, the 40 regions, units, gases, GWP
sets, datasets, sources and the published factors) and adds, deterministically:

- **Products**: child categories under each seed category that has factors (steel grades,
  cement types, coal qualities, grid tariffs…), `<parent>.bNNN`, as a national database
  carries thousands of products where the seed has a few dozen.
- **Factors**: each product × region (every region but GLOBAL) × year 2010–2024, in the
  dataset, unit, boundary, method and GWP set of its parent's seed factors, until the
  database holds `factors` in all.
- **Versions**: one for 70 % of factors, two for 20 %, three for 10 %; each earlier one
  superseded at the next one's publication, between 2019 and 2026. Each has a CO2
  amount and, for half of them, CH4 and N2O, with CO2e under its GWP set, a 95 %
  interval, quality indicators and one cited source.
- **Audit trail**: the workflow events of each version (submit, start_review, approve,
  publish, supersede) and history rows for every factor (created), version (created,
  0–2 edits, each status change) and gas amount (created), which comes to more than
  `history_rows`; the generator checks it did.

Rows go in through PostgreSQL's COPY, bypassing the models' save(): this builds a
benchmark fixture, not data anyone reviewed. Run it on an empty, migrated, seeded
database: `python -m bench.generate` (DATABASE_URL must name a PostgreSQL database).
"""

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model

SEED = 2026
YEARS = range(2010, 2025)
START, END = datetime(2019, 1, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)
AR6_CH4, AR6_N2O = Decimal("29.8"), Decimal("273")
GENERATOR_USERNAME = "bench-generator"


@dataclass(frozen=True)
class Template:
    """What a product's factors take from its parent category's seed factors."""

    category_id: int
    category_code: str
    name_zh: str
    name_en: str
    dataset_id: int
    unit_id: int
    boundary: str
    method: str
    gwp_set_id: int
    co2_scale: Decimal


def _models():
    from accounts.models import User
    from factordb import models as m
    return User, m


def _copy(model: type[Model], rows: Iterable[dict], *, skip: tuple[str, ...] = ()) -> int:
    """COPY dicts keyed by attname into the model's table; a missing key takes the field default."""
    fields = [f for f in model._meta.concrete_fields if f.attname not in skip]
    qn = connection.ops.quote_name
    sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([f.get_db_prep_save(row[f.attname] if f.attname in row else f.get_default(),
                                               connection) for f in fields])
            count += 1
    return count


def _next_id(model: type[Model]) -> int:
    from django.db.models import Max
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _templates(m) -> list[Template]:
    seen: dict[int, Template] = {}
    for factor in (m.Factor.objects.select_related("category").prefetch_related("versions")
                   .order_by("category__code", "-year")):
        version = next((v for v in factor.versions.all() if v.status == "published"), None)
        if version is None or factor.category_id in seen:
            continue
        seen[factor.category_id] = Template(
            category_id=factor.category_id, category_code=factor.category.code,
            name_zh=factor.category.name_zh, name_en=factor.category.name_en,
            dataset_id=factor.dataset_id, unit_id=factor.unit_id, boundary=factor.boundary,
            method=factor.method, gwp_set_id=version.gwp_set_id, co2_scale=version.co2e_total,
        )
    return list(seen.values())


def _products(m, templates: list[Template], count: int) -> list[Template]:
    """`count` product categories, spread evenly over the templates' categories."""
    products = []
    for n in range(count):
        parent = templates[n % len(templates)]
        code = f"{parent.category_code}.b{n // len(templates):03d}"
        category = m.Category(code=code, parent_id=parent.category_id,
                              name_zh=f"{parent.name_zh}（产品 {n:03d}）",
                              name_en=f"{parent.name_en} (product {n:03d})")
        category._change_reason = "benchmark fixture"
        category.save()
        products.append(Template(**{**parent.__dict__, "category_id": category.pk, "category_code": code,
                                    "name_zh": category.name_zh, "name_en": category.name_en}))
    return products


def _public_id(n: int) -> str:
    return f"BF{n:08d}"


def _moments(rng: random.Random, count: int) -> list[datetime]:
    span = (END - START).total_seconds()
    return sorted(START + timedelta(seconds=rng.random() * span) for _ in range(count))


@dataclass
class Plan:
    factors: list[dict]
    versions: list[dict]
    gas_amounts: list[dict]
    sources: list[dict]


def _plan(m, products: list[Template], regions: list[int], total: int, author_id: int) -> Plan:
    rng = random.Random(SEED)
    gases = {g.code: g.pk for g in m.Gas.objects.filter(code__in=["CO2", "CH4", "N2O"])}
    source_ids = list(m.Source.objects.values_list("pk", flat=True))
    factor_id, version_id = _next_id(m.Factor), _next_id(m.FactorVersion)
    amount_id, cited_id = _next_id(m.GasAmount), _next_id(m.VersionSource)
    plan = Plan([], [], [], [])
    combos = ((p, r, y) for y in YEARS for r in regions for p in products)
    for product, region_id, year in combos:
        if len(plan.factors) >= total:
            break
        created = START + timedelta(days=rng.randint(0, 60))
        plan.factors.append({
            "id": factor_id, "public_id": _public_id(factor_id), "dataset_id": product.dataset_id,
            "category_id": product.category_id, "region_id": region_id, "unit_id": product.unit_id,
            "year": year, "boundary": product.boundary, "method": product.method,
            "name_zh": f"{product.name_zh}（{year}）", "name_en": f"{product.name_en} ({year})",
            "tags": ["benchmark"], "created_at": created,
        })
        count = rng.choices((1, 2, 3), weights=(70, 20, 10))[0]
        published = _moments(rng, count)
        for number, at in enumerate(published, start=1):
            last = number == count
            co2 = (product.co2_scale * Decimal(rng.uniform(0.6, 1.4))).quantize(Decimal("0.00000001"))
            amounts = {"CO2": co2}
            if rng.random() < 0.5:
                amounts["CH4"] = (co2 * Decimal("0.00004")).quantize(Decimal("0.0000000001"))
                amounts["N2O"] = (co2 * Decimal("0.000006")).quantize(Decimal("0.0000000001"))
            co2e = co2 + AR6_CH4 * amounts.get("CH4", 0) + AR6_N2O * amounts.get("N2O", 0)
            plan.versions.append({
                "id": version_id, "factor_id": factor_id, "version": number,
                "status": "published" if last else "superseded",
                "co2e_total": co2e.quantize(Decimal("0.00000001")), "gwp_set_id": product.gwp_set_id,
                "biogenic_co2": Decimal(0), "is_removal": False, "uncertainty_distribution": "normal",
                "uncertainty_low_pct": Decimal(rng.randint(3, 15)),
                "uncertainty_high_pct": Decimal(rng.randint(3, 15)),
                "dq_reliability": rng.randint(1, 3), "dq_completeness": rng.randint(1, 3),
                "dq_temporal": rng.randint(1, 4), "dq_geographical": rng.randint(1, 3),
                "dq_technological": rng.randint(1, 3), "derivation": {}, "author_id": author_id,
                "created_at": at - timedelta(days=30), "updated_at": at, "published_at": at,
                "superseded_at": None if last else published[number], "review_round": 1,
            })
            for code, amount in amounts.items():
                plan.gas_amounts.append({"id": amount_id, "version_id": version_id, "gas_id": gases[code],
                                         "amount": amount, "is_removal": False})
                amount_id += 1
            plan.sources.append({"id": cited_id, "version_id": version_id,
                                 "source_id": rng.choice(source_ids)})
            cited_id += 1
            version_id += 1
        factor_id += 1
    return plan


def _events(versions: list[dict], actor_id: int) -> Iterator[dict]:
    steps = (("submit", "draft", "submitted", 20), ("start_review", "submitted", "in_review", 18),
             ("approve", "in_review", "approved", 2), ("publish", "approved", "published", 0))
    for version in versions:
        for action, before, after, days in steps:
            yield {"version_id": version["id"], "action": action, "from_status": before,
                   "to_status": after, "actor_id": actor_id, "comment": "",
                   "at": version["published_at"] - timedelta(days=days)}
        if version["superseded_at"]:
            yield {"version_id": version["id"], "action": "supersede", "from_status": "published",
                   "to_status": "superseded", "actor_id": actor_id, "comment": "",
                   "at": version["superseded_at"]}


def _history(row: dict, kind: str, at: datetime, reason: str, user_id: int, **changes) -> dict:
    return {**row, **changes, "history_date": at, "history_type": kind,
            "history_change_reason": reason, "history_user_id": user_id}


def _version_history(versions: list[dict], user_id: int) -> Iterator[dict]:
    rng = random.Random(SEED + 1)
    for v in versions:
        at = v["created_at"]
        yield _history(v, "+", at, "created", user_id, status="draft", published_at=None, superseded_at=None)
        for edit in range(rng.randint(0, 2)):
            yield _history(v, "~", at + timedelta(days=edit + 1), "corrected a parameter", user_id,
                           status="draft", published_at=None, superseded_at=None)
        for reason, status, days in (("submit", "submitted", 20), ("start_review", "in_review", 18),
                                     ("approve", "approved", 2), ("publish", "published", 0)):
            yield _history(v, "~", v["published_at"] - timedelta(days=days), reason, user_id, status=status,
                           published_at=v["published_at"] if status == "published" else None,
                           superseded_at=None)
        if v["superseded_at"]:
            yield _history(v, "~", v["superseded_at"], "supersede", user_id)


@transaction.atomic
def generate(*, factors: int = 100_000, history_rows: int = 1_000_000) -> dict[str, int]:
    """Fill the database to `factors` factors; return the rows written per table."""
    if connection.vendor != "postgresql":
        raise SystemExit("bench.generate writes with PostgreSQL's COPY: "
                         "set DATABASE_URL to a PostgreSQL database.")
    User, m = _models()
    existing = m.Factor.objects.count()
    if existing >= factors:
        return {}
    author, _ = User.objects.get_or_create(username=GENERATOR_USERNAME, defaults={"is_active": False})
    templates = _templates(m)
    regions = list(m.Region.objects.exclude(code="GLOBAL").values_list("pk", flat=True))
    per_product = len(regions) * len(YEARS)
    products = _products(m, templates, -(-(factors - existing) // per_product))
    plan = _plan(m, products, regions, factors - existing, author.pk)
    # Breakdowns and sources before their versions: the database refuses rows added to a
    # published version (docs/adr/0007); the foreign keys are checked at commit.
    written = {
        "factors": _copy(m.Factor, plan.factors),
        "gas amounts": _copy(m.GasAmount, plan.gas_amounts),
        "version sources": _copy(m.VersionSource, plan.sources),
        "versions": _copy(m.FactorVersion, plan.versions),
        "workflow events": _copy(m.WorkflowEvent, _events(plan.versions, author.pk), skip=("id",)),
    }
    history = {
        "factor history": _copy(m.Factor.history.model, (
            _history(f, "+", f["created_at"], "created", author.pk) for f in plan.factors),
            skip=("history_id",)),
        "version history": _copy(m.FactorVersion.history.model, _version_history(plan.versions, author.pk),
                                 skip=("history_id",)),
        "gas amount history": _copy(m.GasAmount.history.model, (
            _history(g, "+", START, "created", author.pk) for g in plan.gas_amounts),
            skip=("history_id",)),
    }
    if sum(history.values()) < history_rows:
        raise SystemExit(f"only {sum(history.values())} history rows; the benchmark needs {history_rows}")
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [m.Factor, m.FactorVersion, m.GasAmount,
                                                                    m.VersionSource]):
            cursor.execute(sql)
        cursor.execute("ANALYZE")
    return {**written, **history}


def main() -> None:
    import django
    django.setup()
    for table, rows in generate().items():
        print(f"{table:>20}: {rows:>9,}")


if __name__ == "__main__":
    main()
