"""The canonical export of a release, frozen when the release is sealed.

`release_freeze` runs in the cut's transaction: it renders the downloads (JSON and CSV)
and what `?release=` answers for each pinned version, from the data as it is at that
instant, and stores them (ReleaseContent, ReleaseFactor), with the Data Package describing
the two files (ReleasePackage, factordb/services/datapackage.py). From then on the release is
served from those rows only, byte for byte: renaming a factor, a unit or a category, or
retitling a source later changes the live API, never a release (docs/adr/0014). The JSON's
SHA-256 is the release's checksum, so a calculator holding an export can prove which data
it used.
"""

import csv
import hashlib
import io
import json
from dataclasses import dataclass

from django.db.models import Prefetch

from factordb.models import FactorVersion, Release, ReleaseContent, ReleaseFactor, VersionSource
from factordb.representation import decimal_text, moment_text  # decimal_text: importable here too
from factordb.services.datapackage import release_package_freeze
from factordb.services.factor_documents import factor_documents
from factordb.services.publication import last_event_seq

CSV_COLUMNS = (
    "public_id", "version", "dataset", "category", "region", "unit", "year", "boundary", "method",
    "name_zh", "name_en", "co2e_total", "gwp_set", "biogenic_co2", "gas_amounts",
    "uncertainty_distribution", "uncertainty_low_pct", "uncertainty_high_pct", "uncertainty_gsd",
    "dq_reliability", "dq_completeness", "dq_temporal", "dq_geographical", "dq_technological",
    "published_at", "sources",
)


def _pinned(release: Release):
    return FactorVersion.objects.filter(release_entries__release=release).order_by("pk")


def _pinned_versions(release: Release):
    return (
        _pinned(release)
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
        "published_at": moment_text(version.published_at),
        "sources": sorted(_citation(vs) for vs in version.version_sources.all()),
    }


def _canonical_rows(versions: list[FactorVersion]) -> list[dict]:
    return sorted((_row(v) for v in versions), key=lambda row: row["public_id"])


def _canonical_json(release: Release, rows: list[dict]) -> bytes:
    document = {"release": release.name, "factors": rows}
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _canonical_csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row | {
            "gas_amounts": ";".join(f"{gas}={amount}" for gas, amount in sorted(row["gas_amounts"].items())),
            "sources": " | ".join(row["sources"]),
        })
    return buffer.getvalue().encode()


# What `?release=` answers, frozen, is the factors API's own document
# (factordb/services/factor_documents.py), rendered here because the cut must store it in its
# own transaction; a test (tests/api/test_sealed_release_content.py) holds it equal to the live
# answer at the cut. Releases sealed before today's decimal and moment rules keep the bytes they
# were sealed with (+08:00 moments, decimals rounded to the API field's places): a sealed
# release never changes.


# --- Freezing and serving -------------------------------------------------------------


@dataclass(frozen=True)
class RenderedRelease:
    json_bytes: bytes
    csv_bytes: bytes
    documents: dict[int, str]  # version id → the JSON text `?release=` answers for it

    def digest(self, body: bytes) -> str:
        return hashlib.sha256(body).hexdigest()


def release_render(release: Release) -> RenderedRelease:
    """Everything the release will ever show, from the data as it is now."""
    versions = list(_pinned_versions(release))
    rows = _canonical_rows(versions)
    return RenderedRelease(
        json_bytes=_canonical_json(release, rows), csv_bytes=_canonical_csv(rows),
        documents={pk: json.dumps(document, ensure_ascii=False) for pk, document in factor_documents(
            _pinned(release)).items()},
    )


def release_content_fields(rendered: RenderedRelease) -> dict:
    return {"json_bytes": rendered.json_bytes, "json_sha256": rendered.digest(rendered.json_bytes),
            "json_size": len(rendered.json_bytes), "csv_bytes": rendered.csv_bytes,
            "csv_sha256": rendered.digest(rendered.csv_bytes), "csv_size": len(rendered.csv_bytes)}


def release_freeze(release: Release) -> ReleaseContent:
    """Store, once, everything the release will ever show (inside the cut, under the
    publication lock, so the feed position is that of the pinned set)."""
    rendered = release_render(release)
    ReleaseFactor.objects.bulk_create(
        ReleaseFactor(release=release, version_id=pk, document=document)
        for pk, document in rendered.documents.items()
    )
    content = ReleaseContent(release=release, feed_seq=last_event_seq(), **release_content_fields(rendered))
    content.save()
    release_package_freeze(release, content)
    return content


def release_json(release: Release) -> bytes:
    return bytes(release.content.json_bytes)


def release_csv(release: Release) -> bytes:
    return bytes(release.content.csv_bytes)
