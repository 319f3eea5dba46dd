"""Factor documents: a factor with one of its versions, in the one shape the factors API answers
with and a release freezes (api.serializers.FactorSerializer describes it for the schema).

Read as plain rows, never as model instances: one query for the versions with their factor's
columns, and one each for the page's gas amounts and citations, whatever the number of
versions. Building the query costs more than running it (bench/RESULTS.md): the rows hold
only the columns a document shows.

On PostgreSQL, the most asked document (a factor's version in force, the API's detail) is one
statement written out in SQL, its gas amounts and citations aggregated as JSON in the same
row, and a page's gas amounts and citations are one statement too: Django builds the three
queries in several times the time PostgreSQL takes to answer them (docs/adr/0031). The ORM
queries stay the portable road (SQLite in development) and the rule: a test holds the
statements to give the same documents.

Decimals and moments are written by factordb/representation.py's rules, as everywhere.
"""

import json
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, connections, router
from django.db.models import QuerySet

from factordb.constants import FactorStatus
from factordb.models import FactorVersion, GasAmount, VersionSource
from factordb.representation import decimal_text, moment_text
from factordb.services.resolution_candidates import visible_versions

VERSION_COLUMNS = (
    "id", "version", "status", "co2e_total", "biogenic_co2", "is_removal", "uncertainty_distribution",
    "uncertainty_low_pct", "uncertainty_high_pct", "uncertainty_gsd", "dq_reliability", "dq_completeness",
    "dq_temporal", "dq_geographical", "dq_technological", "quality_note", "derivation", "notes_zh",
    "notes_en", "valid_from", "valid_to", "published_at", "superseded_at",
)
FACTOR_COLUMNS = ("factor__public_id", "factor__name_zh", "factor__name_en", "factor__year",
                  "factor__boundary", "factor__method")


# The codes a document names its version's GWP set and its factor's dataset, category, region
# and unit by: joined, as Django builds them at a fraction of the cost of scalar subqueries.
REFERENCE_COLUMNS = ("gwp_set__code", "factor__dataset__code", "factor__dataset__authority_rank",
                     "factor__category__code", "factor__region__code", "factor__unit__code")


def factor_rows(versions: QuerySet[FactorVersion], *keep: str) -> QuerySet:
    """`versions` as plain rows holding what a document needs (and the annotations named in
    `keep`, for a cursor to order by), still lazy: a caller may order, filter and slice them."""
    return versions.values(*VERSION_COLUMNS, *FACTOR_COLUMNS, *REFERENCE_COLUMNS, *keep)


def version_rows(versions: QuerySet[FactorVersion]) -> QuerySet:
    """`versions` as plain rows holding what a version's part of a document needs."""
    return versions.values(*VERSION_COLUMNS, "gwp_set__code")


# A version's gas amounts (by gas code) and citations (in the order they were cited), each as
# one JSON array in the version's row; amounts as text, so no digit passes through a float.
PARTS_SQL = """
    (SELECT coalesce(json_agg(json_build_array(gas.code, amount.amount::text) ORDER BY gas.code), '[]')::text
       FROM factordb_gasamount amount JOIN factordb_gas gas ON gas.id = amount.gas_id
      WHERE amount.version_id = v.id) AS gas_amounts,
    (SELECT coalesce(json_agg(json_build_array(source.title, source.publisher, source.year,
                                               source.url, source.document_id, cited.locator)
                              ORDER BY cited.id), '[]')::text
       FROM factordb_versionsource cited JOIN factordb_source source ON source.id = cited.source_id
      WHERE cited.version_id = v.id) AS citations"""

# The columns of factor_rows, named as its rows name them; JSON as text, read here with
# json.loads whatever loaders the connection has. The reference codes are scalar subqueries,
# not joins: PostgreSQL plans a join of seven tables in milliseconds, these in a fraction of one.
DOCUMENT_SQL = f"""
SELECT {", ".join(f'v.{column}' for column in VERSION_COLUMNS if column != "derivation")},
       v.derivation::text AS derivation,
       f.public_id AS factor__public_id, f.name_zh AS factor__name_zh, f.name_en AS factor__name_en,
       f.year AS factor__year, f.boundary AS factor__boundary, f.method AS factor__method,
       (SELECT code FROM factordb_gwpset WHERE id = v.gwp_set_id) AS gwp_set__code,
       (SELECT code FROM factordb_dataset WHERE id = f.dataset_id) AS factor__dataset__code,
       (SELECT authority_rank FROM factordb_dataset WHERE id = f.dataset_id)
           AS factor__dataset__authority_rank,
       (SELECT code FROM factordb_category WHERE id = f.category_id) AS factor__category__code,
       (SELECT code FROM factordb_region WHERE id = f.region_id) AS factor__region__code,
       (SELECT code FROM factordb_unit WHERE id = f.unit_id) AS factor__unit__code, {PARTS_SQL}
  FROM factordb_factorversion v
  JOIN factordb_factor f ON f.id = v.factor_id"""
IN_FORCE_SQL = f"{DOCUMENT_SQL}\n WHERE f.public_id = %s AND v.status = %s ORDER BY v.version DESC LIMIT 1"
BY_ID_SQL = f"{DOCUMENT_SQL}\n WHERE v.id = ANY(%s)"

PAGE_PARTS_SQL = f"SELECT v.id, {PARTS_SQL} FROM factordb_factorversion v WHERE v.id = ANY(%s)"


def _gas_amounts(pairs: str) -> list[dict]:
    return [{"gas": gas, "amount": decimal_text(Decimal(amount))} for gas, amount in json.loads(pairs)]


def _citations(rows: str) -> list[dict]:
    return [{"title": title, "publisher": publisher, "year": year, "url": url, "document_id": document_id,
             "locator": locator} for title, publisher, year, url, document_id, locator in json.loads(rows)]


# DOCUMENT_SQL's columns in its order (named here: the driver builds the cursor's description
# anew, an object per column, on every read of it).
DOCUMENT_COLUMNS = (*(column for column in VERSION_COLUMNS if column != "derivation"), "derivation",
                    *FACTOR_COLUMNS, *REFERENCE_COLUMNS, "gas_amounts", "citations")


def _reading_cursor():
    # The statements below are the ORM's queries written out: they read where the ORM would
    # (a read replica for the public's reads, factordb/replicas.py).
    return connections[router.db_for_read(FactorVersion)].cursor()


def _read_documents(sql: str, params: list) -> dict[int, dict]:
    """{version id: document} of the rows one statement of DOCUMENT_SQL selects, in its order."""
    with _reading_cursor() as cursor:
        cursor.execute(sql, params)
        rows = [dict(zip(DOCUMENT_COLUMNS, found, strict=True)) for found in cursor.fetchall()]
    documents = {}
    for row in rows:
        row["derivation"] = json.loads(row["derivation"]) if row["derivation"] is not None else None
        documents[row["id"]] = _document(row, _gas_amounts(row["gas_amounts"]), _citations(row["citations"]))
    return documents


def in_force_document(public_id: str) -> dict | None:
    """The document of the factor's version published now (the API's detail), or None."""
    if connection.vendor != "postgresql":
        in_force = visible_versions().filter(factor__public_id=public_id)
        return next(iter(factor_documents(in_force.order_by("-version")[:1]).values()), None)
    return next(iter(_read_documents(IN_FORCE_SQL, [public_id, FactorStatus.PUBLISHED.value]).values()), None)


def listed_rows(versions: QuerySet[FactorVersion], *keep: str) -> QuerySet:
    """What a page of documents is chosen by, still lazy (a cursor orders and slices it): on
    PostgreSQL only the versions' ids and `keep`, their documents then read by id in one
    statement (`listed_documents`); elsewhere the rows of `factor_rows`."""
    if connection.vendor == "postgresql":
        return versions.values("id", *keep)
    return factor_rows(versions, *keep)


def listed_documents(rows: Iterable[dict]) -> list[dict]:
    """The documents of rows read by `listed_rows`, in their order."""
    rows = list(rows)
    if connection.vendor != "postgresql":
        return documents_of(rows)
    documents = _read_documents(BY_ID_SQL, [[row["id"] for row in rows]]) if rows else {}
    return [documents[row["id"]] for row in rows]


def _parts(version_ids: list[int]) -> tuple[dict[int, list[dict]], dict[int, list[dict]]]:
    """The versions' gas amounts (by gas code) and citations (in the order they were cited)."""
    gases: dict[int, list[dict]] = {pk: [] for pk in version_ids}
    cited: dict[int, list[dict]] = {pk: [] for pk in version_ids}
    if not version_ids:
        return gases, cited
    if connection.vendor == "postgresql":
        with _reading_cursor() as cursor:
            cursor.execute(PAGE_PARTS_SQL, [version_ids])
            for version_id, gas_amounts, citations in cursor.fetchall():
                gases[version_id], cited[version_id] = _gas_amounts(gas_amounts), _citations(citations)
        return gases, cited
    amounts = GasAmount.objects.filter(version_id__in=version_ids).order_by("gas__code")
    for version_id, gas, amount in amounts.values_list("version_id", "gas__code", "amount"):
        gases[version_id].append({"gas": gas, "amount": decimal_text(amount)})
    for version_id, title, publisher, year, url, document_id, locator in (
            VersionSource.objects.filter(version_id__in=version_ids).order_by("pk").values_list(
                "version_id", "source__title", "source__publisher", "source__year", "source__url",
                "source__document_id", "locator")):
        cited[version_id].append({"title": title, "publisher": publisher, "year": year, "url": url,
                                  "document_id": document_id, "locator": locator})
    return gases, cited


def _version(row: dict, gases: list[dict], cited: list[dict]) -> dict:
    return {
        "version": row["version"], "status": row["status"], "co2e_total": decimal_text(row["co2e_total"]),
        "gwp_set": row["gwp_set__code"], "biogenic_co2": decimal_text(row["biogenic_co2"]),
        "is_removal": row["is_removal"],
        "gas_amounts": gases,
        "uncertainty": {"distribution": row["uncertainty_distribution"] or None,
                        "low_pct": decimal_text(row["uncertainty_low_pct"]),
                        "high_pct": decimal_text(row["uncertainty_high_pct"]),
                        "gsd": decimal_text(row["uncertainty_gsd"])},
        "data_quality": {"reliability": row["dq_reliability"], "completeness": row["dq_completeness"],
                         "temporal": row["dq_temporal"], "geographical": row["dq_geographical"],
                         "technological": row["dq_technological"], "note": row["quality_note"]},
        "derivation": row["derivation"], "sources": cited,
        "notes_zh": row["notes_zh"], "notes_en": row["notes_en"],
        "valid_from": moment_text(row["valid_from"]), "valid_to": moment_text(row["valid_to"]),
        "published_at": moment_text(row["published_at"]), "superseded_at": moment_text(row["superseded_at"]),
    }


def _document(row: dict, gases: list[dict], cited: list[dict]) -> dict:
    return {
        "public_id": row["factor__public_id"], "name_zh": row["factor__name_zh"],
        "name_en": row["factor__name_en"], "dataset": row["factor__dataset__code"],
        "authority_rank": row["factor__dataset__authority_rank"], "category": row["factor__category__code"],
        "region": row["factor__region__code"], "unit": row["factor__unit__code"], "year": row["factor__year"],
        "boundary": row["factor__boundary"], "method": row["factor__method"],
        "version": _version(row, gases, cited),
    }


def documents_of(rows: Iterable[dict]) -> list[dict]:
    """The documents of rows read by `factor_rows`, in their order."""
    rows = list(rows)
    gases, cited = _parts([row["id"] for row in rows])
    return [_document(row, gases[row["id"]], cited[row["id"]]) for row in rows]


def factor_documents(versions: QuerySet[FactorVersion]) -> dict[int, dict]:
    """{version id: document} for `versions`, in their order."""
    rows = list(factor_rows(versions))
    return {row["id"]: document for row, document in zip(rows, documents_of(rows), strict=True)}


def version_documents(versions: QuerySet[FactorVersion]) -> list[dict]:
    """The version part of each of `versions`' documents, in their order (a factor's history)."""
    rows = list(version_rows(versions))
    gases, cited = _parts([row["id"] for row in rows])
    return [_version(row, gases[row["id"]], cited[row["id"]]) for row in rows]
