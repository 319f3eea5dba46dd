"""Factor documents: a factor with one of its versions, in the one shape the factors API answers
with and a release freezes (api.serializers.FactorSerializer describes it for the schema).

Read as plain rows, never as model instances: one query for the versions with their factor's
columns, and one each for the page's gas amounts and citations, whatever the number of
versions. Building the query costs more than running it (bench/RESULTS.md): the rows hold
only the columns a document shows.

Decimals and moments are written by factordb/representation.py's rules, as everywhere.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from factordb.models import FactorVersion, GasAmount, VersionSource
from factordb.representation import decimal_text, moment_text

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


def _parts(version_ids: list[int]) -> tuple[dict[int, list[dict]], dict[int, list[dict]]]:
    """The versions' gas amounts (by gas code) and citations (in the order they were cited)."""
    gases: dict[int, list[dict]] = {pk: [] for pk in version_ids}
    cited: dict[int, list[dict]] = {pk: [] for pk in version_ids}
    if not version_ids:
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


def documents_of(rows: Iterable[dict]) -> list[dict]:
    """The documents of rows read by `factor_rows`, in their order."""
    rows = list(rows)
    gases, cited = _parts([row["id"] for row in rows])
    return [{
        "public_id": row["factor__public_id"], "name_zh": row["factor__name_zh"],
        "name_en": row["factor__name_en"], "dataset": row["factor__dataset__code"],
        "authority_rank": row["factor__dataset__authority_rank"], "category": row["factor__category__code"],
        "region": row["factor__region__code"], "unit": row["factor__unit__code"], "year": row["factor__year"],
        "boundary": row["factor__boundary"], "method": row["factor__method"],
        "version": _version(row, gases[row["id"]], cited[row["id"]]),
    } for row in rows]


def factor_documents(versions: QuerySet[FactorVersion]) -> dict[int, dict]:
    """{version id: document} for `versions`, in their order."""
    rows = list(factor_rows(versions))
    return {row["id"]: document for row, document in zip(rows, documents_of(rows), strict=True)}


def version_documents(versions: QuerySet[FactorVersion]) -> list[dict]:
    """The version part of each of `versions`' documents, in their order (a factor's history)."""
    rows = list(version_rows(versions))
    gases, cited = _parts([row["id"] for row in rows])
    return [_version(row, gases[row["id"]], cited[row["id"]]) for row in rows]
