"""A release's files described as open data: a Frictionless Data Package (datapackage.json).

The package is frozen with the release (ReleasePackage, written in the cut's transaction
next to ReleaseContent) and has its own SHA-256, so it never changes either. It is built
only from what the cut freezes: the stored CSV and JSON bytes (their digests, sizes and the
CSV's header), the release's name and time, and the sources its pinned versions cite (a
published version's citations cannot change; a source's text only by a recorded correction).
Migration 0018 builds it the same way for releases sealed before it existed.

Its resources point at the downloads by their URL names (`download.csv`, `download.json`),
relative to the package's own URL: a Frictionless reader given the package's URL finds them
beside it, and so does one given the three files saved under those names in one folder.

The project states no single licence (the about page): the package says so, and each source
carries the licence it states.
"""

import csv
import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Model

from factordb.constants import LifecycleBoundary, Methodology, UncertaintyDistribution
from factordb.models import Release, ReleaseContent, ReleasePackage, Source
from factordb.representation import moment_text

DATAPACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
TABLESCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
CSV_PATH = "download.csv"
JSON_PATH = "download.json"

NO_SINGLE_LICENCE = {
    # An Open Definition id: the package as a whole is under no one licence.
    "name": "notspecified",
    "title": ("No single licence: each factor is under the terms of the sources it cites "
              "(each source's stated licence is under sources[].license); cite them when you use it."),
}


def _codes(choices: type) -> list[str]:
    return [value for value in choices.values if value]


QUALITY = {"minimum": 1, "maximum": 5}
QUALITY_TEXT = "Data-quality indicator (pedigree matrix, Weidema & Wesnaes): {}, 1 (best) to 5."

# Every column the CSV has had: its Table Schema type, what it holds, and its constraints.
# Decimals are exact plain text in the file (no exponent); `number` reads them as such.
COLUMNS: dict[str, tuple[str, str, dict]] = {
    "public_id": ("string", "The factor's stable public id, the key a calculator cites.",
                  {"required": True, "unique": True, "pattern": "[A-Z0-9]+"}),
    "version": ("integer", "The version of the factor this release pins.", {"required": True, "minimum": 1}),
    "dataset": ("string", "The code of the dataset the factor belongs to.", {"required": True}),
    "category": ("string", "The code of the factor's category.", {"required": True}),
    "region": ("string", "The code of the region the factor applies to.", {"required": True}),
    "unit": ("string", "The code of the activity unit the factor is per (kg CO2e per this unit).",
             {"required": True}),
    "year": ("integer", "The reference (data) year.", {"required": True, "minimum": 1990, "maximum": 2100}),
    "boundary": ("string", "The life-cycle boundary.",
                 {"required": True, "enum": _codes(LifecycleBoundary)}),
    "method": ("string", "The methodology the value follows.",
               {"required": True, "enum": _codes(Methodology)}),
    "name_zh": ("string", "The factor's name in Chinese.", {"required": True}),
    "name_en": ("string", "The factor's name in English.", {"required": True}),
    "co2e_total": ("number", "kg CO2e per activity unit, as the source states it, under gwp_set "
                   "(negative only for a removal).", {"required": True}),
    "gwp_set": ("string", "The code of the GWP set (e.g. AR5) the CO2e total uses.", {"required": True}),
    "biogenic_co2": ("number", "Biogenic CO2 in kg per activity unit, reported apart from the CO2e total.",
                     {}),
    "gas_amounts": ("string", "kg of each gas per activity unit: 'GAS=amount' pairs by gas code, "
                    "separated by ';'.", {}),
    "uncertainty_distribution": ("string", "The uncertainty's distribution; empty when not stated.",
                                 {"enum": _codes(UncertaintyDistribution)}),
    "uncertainty_low_pct": ("number", "Lower bound of the 95% interval, % below the value.",
                            {"minimum": 0, "maximum": 100}),
    "uncertainty_high_pct": ("number", "Upper bound of the 95% interval, % above the value.", {"minimum": 0}),
    "uncertainty_gsd": ("number", "Geometric standard deviation (lognormal).", {"minimum": 1}),
    "dq_reliability": ("integer", QUALITY_TEXT.format("reliability"), {"required": True, **QUALITY}),
    "dq_completeness": ("integer", QUALITY_TEXT.format("completeness"), {"required": True, **QUALITY}),
    "dq_temporal": ("integer", QUALITY_TEXT.format("temporal correlation"), {"required": True, **QUALITY}),
    "dq_geographical": ("integer", QUALITY_TEXT.format("geographical correlation"),
                        {"required": True, **QUALITY}),
    "dq_technological": ("integer", QUALITY_TEXT.format("technological correlation"),
                         {"required": True, **QUALITY}),
    "published_at": ("datetime", "When this version was published (UTC).", {"required": True}),
    "sources": ("string", "The sources the values come from: 'publisher: title (year) — where in it', "
                "separated by ' | '.", {}),
}


@dataclass(frozen=True)
class CitedSource:
    title: str
    publisher: str
    year: int
    url: str
    licence: str

    def descriptor(self) -> dict:
        described = {"title": f"{self.publisher}: {self.title} ({self.year})"}
        if self.url:
            described["path"] = self.url
        if self.licence:
            described["license"] = self.licence
        return described


def cited_sources(source_model: type[Model], release_pk: int) -> list[CitedSource]:
    """The sources the release's pinned versions cite. The model is a parameter so that the
    migration can pass its historical one."""
    rows = source_model.objects.filter(versionsource__version__release_entries__release=release_pk).distinct()
    cited = (CitedSource(title=s.title, publisher=s.publisher, year=s.year, url=s.url, licence=s.licence)
             for s in rows)
    # Sorted here, not by the database: collations order Chinese text differently.
    return sorted(cited, key=lambda source: (source.publisher, source.title, source.year))


def _field(name: str) -> dict:
    kind, description, constraints = COLUMNS.get(name, ("string", "", {}))
    field = {"name": name, "type": kind}
    if description:
        field["description"] = description
    if constraints:
        field["constraints"] = constraints
    return field


def _file(path: str, body: bytes, *, format: str, mediatype: str) -> dict:
    return {"path": path, "format": format, "mediatype": mediatype, "encoding": "utf-8",
            "bytes": len(body), "hash": f"sha256:{hashlib.sha256(body).hexdigest()}"}


def _csv_resource(csv_bytes: bytes) -> dict:
    # The schema describes the columns the stored file has, read from its own header.
    header = next(csv.reader(io.StringIO(csv_bytes.decode())), [])
    return {
        "name": "factors-csv", "type": "table",
        "title": "Factors pinned by the release, one row per factor (CSV)",
        **_file(CSV_PATH, csv_bytes, format="csv", mediatype="text/csv"),
        "dialect": {"header": True, "delimiter": ",", "lineTerminator": "\n", "quoteChar": '"',
                    "doubleQuote": True},
        "schema": {"$schema": TABLESCHEMA_PROFILE, "fields": [_field(name) for name in header],
                   "missingValues": [""], "primaryKey": ["public_id"]},
    }


def _json_resource(json_bytes: bytes) -> dict:
    return {
        "name": "factors-json",
        "title": "The release's canonical export (JSON); its SHA-256 is the release's checksum",
        "description": ('One document {"release": name, "factors": [...]}, keys sorted, no spaces; '
                        "each factor has the CSV's columns, gas_amounts as an object and sources as a list."),
        **_file(JSON_PATH, json_bytes, format="json", mediatype="application/json"),
    }


def datapackage_bytes(*, release_name: str, published_at: datetime, csv_bytes: bytes, json_bytes: bytes,
                      sources: Iterable[CitedSource]) -> bytes:
    """The release's datapackage.json: the same inputs always give the same bytes."""
    package = {
        "$schema": DATAPACKAGE_PROFILE,
        "name": f"factordb-{release_name}",
        "title": f"National carbon footprint factor database (国家产品碳足迹因子数据库), "
                 f"release {release_name}",
        "description": ("Every carbon footprint (emission) factor published when the release was "
                        "sealed: kg CO2e per activity unit, with gas breakdown, uncertainty, data "
                        "quality and sources."),
        "version": release_name,
        "created": moment_text(published_at),
        "keywords": ["carbon footprint", "emission factors", "GB/T 24067-2024", "ISO 14067", "IPCC 2006"],
        "licenses": [NO_SINGLE_LICENCE],
        "sources": [source.descriptor() for source in sources],
        "resources": [_csv_resource(csv_bytes), _json_resource(json_bytes)],
    }
    return json.dumps(package, ensure_ascii=False, indent=2, sort_keys=False).encode()


def package_fields(body: bytes) -> dict:
    return {"body": body, "sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}


def release_package_freeze(release: Release, content: ReleaseContent) -> ReleasePackage:
    """Store, once, the package describing the files just frozen in `content` (in the cut)."""
    body = datapackage_bytes(
        release_name=release.name, published_at=release.published_at,
        csv_bytes=bytes(content.csv_bytes), json_bytes=bytes(content.json_bytes),
        sources=cited_sources(Source, release.pk),
    )
    package = ReleasePackage(release=release, **package_fields(body))
    package.save()
    return package


def release_datapackage(release: Release) -> bytes:
    return bytes(release.package.body)
