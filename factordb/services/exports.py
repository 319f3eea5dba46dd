"""The canonical export of a release: the same data always gives the same bytes.

Its SHA-256 is the release's checksum, so a calculator holding an export can prove which
data it used, on any database the platform runs on.
"""

import csv
import hashlib
import io
import json
from datetime import UTC
from decimal import Decimal

from django.db.models import Prefetch

from factordb.models import FactorVersion, Release, VersionSource

CSV_COLUMNS = (
    "public_id", "version", "dataset", "category", "region", "unit", "year", "boundary", "method",
    "name_zh", "name_en", "co2e_total", "gwp_set", "biogenic_co2", "gas_amounts",
    "uncertainty_distribution", "uncertainty_low_pct", "uncertainty_high_pct", "uncertainty_gsd",
    "dq_reliability", "dq_completeness", "dq_temporal", "dq_geographical", "dq_technological",
    "published_at", "sources",
)


def decimal_text(value: Decimal | None) -> str | None:
    """A decimal as plain text without exponent or trailing zeros: 0.53660000 → '0.5366'."""
    if value is None:
        return None
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


def _pinned_versions(release: Release):
    return (
        FactorVersion.objects.filter(release_entries__release=release)
        .select_related("factor__dataset", "factor__category", "factor__region", "factor__unit", "gwp_set")
        .prefetch_related(
            "gas_amounts__gas",
            Prefetch("version_sources", queryset=VersionSource.objects.select_related("source")),
        )
    )


def _citation(cited: VersionSource) -> str:
    source = cited.source
    where = f" — {cited.locator}" if cited.locator else ""
    return f"{source.publisher}: {source.title} ({source.year}){where}"


def _row(version: FactorVersion) -> dict:
    factor = version.factor
    return {
        "public_id": factor.public_id, "version": version.version, "dataset": factor.dataset.code,
        "category": factor.category.code, "region": factor.region.code, "unit": factor.unit.code,
        "year": factor.year, "boundary": factor.boundary, "method": factor.method,
        "name_zh": factor.name_zh, "name_en": factor.name_en,
        "co2e_total": decimal_text(version.co2e_total), "gwp_set": version.gwp_set.code,
        "biogenic_co2": decimal_text(version.biogenic_co2),
        "gas_amounts": {row.gas.code: decimal_text(row.amount) for row in version.gas_amounts.all()},
        "uncertainty_distribution": version.uncertainty_distribution,
        "uncertainty_low_pct": decimal_text(version.uncertainty_low_pct),
        "uncertainty_high_pct": decimal_text(version.uncertainty_high_pct),
        "uncertainty_gsd": decimal_text(version.uncertainty_gsd),
        "dq_reliability": version.dq_reliability, "dq_completeness": version.dq_completeness,
        "dq_temporal": version.dq_temporal, "dq_geographical": version.dq_geographical,
        "dq_technological": version.dq_technological,
        "published_at": version.published_at.astimezone(UTC).isoformat() if version.published_at else None,
        "sources": sorted(_citation(vs) for vs in version.version_sources.all()),
    }


def release_canonical_rows(release: Release) -> list[dict]:
    return sorted((_row(v) for v in _pinned_versions(release)), key=lambda row: row["public_id"])


def release_canonical_json(release: Release) -> bytes:
    document = {"release": release.name, "factors": release_canonical_rows(release)}
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def release_canonical_csv(release: Release) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in release_canonical_rows(release):
        writer.writerow(row | {
            "gas_amounts": ";".join(f"{gas}={amount}" for gas, amount in sorted(row["gas_amounts"].items())),
            "sources": " | ".join(row["sources"]),
        })
    return buffer.getvalue().encode()


def release_checksum(release: Release) -> str:
    return hashlib.sha256(release_canonical_json(release)).hexdigest()
