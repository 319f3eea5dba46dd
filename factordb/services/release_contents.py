"""What two editions of the published set differ by, factor by factor, with versions and values.

A side of a comparison is either a sealed release — read from the documents frozen at its
cut (`ReleaseFactor`) — or the published set as it is now, rendered by `factor_documents`,
the very function the cut freezes with. So a preview of a cut shows what the cut will seal.

A version belongs to one factor, so the factors that differ are exactly the versions pinned
on one side only: a factor pinned at the same version on both sides is unchanged. Only those
versions are read or rendered, whatever the size of the rest, in a fixed number of queries.
"""

import csv
import hashlib
import io
import json
from dataclasses import asdict, dataclass, field

from django.db.models import QuerySet

from factordb.models import (
    FactorVersion,
    Region,
    Release,
    ReleaseEntry,
    ReleaseFactor,
    Unit,
)
from factordb.services.factor_documents import factor_documents
from factordb.services.imports.cells import neutralise

ADDED, CHANGED, WITHDRAWN = "added", "changed", "withdrawn"


@dataclass(frozen=True)
class GasAmount:
    gas: str
    amount: str | None


@dataclass(frozen=True)
class PinnedFactor:
    """A factor at the version one side pins, as that side shows it."""

    public_id: str
    name_zh: str
    name_en: str
    category: str
    region: str
    region_name_zh: str
    region_name_en: str
    year: int
    unit: str
    unit_symbol: str
    version: int
    co2e_total: str | None
    gwp_set: str
    gas_amounts: tuple[GasAmount, ...] = ()


@dataclass(frozen=True)
class GasChange:
    gas: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class ChangedFactor:
    before: PinnedFactor
    after: PinnedFactor

    @property
    def public_id(self) -> str:
        return self.after.public_id

    @property
    def gas_changes(self) -> list[GasChange]:
        """The gases whose amount differs between the two versions (absent on a side: None)."""
        before = {row.gas: row.amount for row in self.before.gas_amounts}
        after = {row.gas: row.amount for row in self.after.gas_amounts}
        gases = sorted(before.keys() | after.keys())
        return [GasChange(gas, before.get(gas), after.get(gas)) for gas in gases
                if before.get(gas) != after.get(gas)]


@dataclass(frozen=True)
class ReleaseDiff:
    """Factors added, pinned at another version, and no longer pinned, from `compared_with`
    (None: nothing before, everything is added) to the newer side; `unchanged` counts the rest."""

    compared_with: Release | None
    added: list[PinnedFactor] = field(default_factory=list)
    changed: list[ChangedFactor] = field(default_factory=list)
    withdrawn: list[PinnedFactor] = field(default_factory=list)
    unchanged: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.withdrawn)

    @property
    def added_ids(self) -> list[str]:
        return sorted(f.public_id for f in self.added)

    @property
    def changed_ids(self) -> list[str]:
        return sorted(c.public_id for c in self.changed)

    @property
    def withdrawn_ids(self) -> list[str]:
        return sorted(f.public_id for f in self.withdrawn)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of everything the comparison shows, and of what it is compared with.

        The older side is sealed, so this also fixes the newer side's whole pinned set: the
        unchanged factors are those the older side pins and the diff does not name."""
        shown = {
            "compared_with": self.compared_with.name if self.compared_with else None,
            ADDED: [asdict(f) for f in sorted(self.added, key=_by_id)],
            CHANGED: [asdict(c) for c in sorted(self.changed, key=_by_id)],
            WITHDRAWN: [asdict(f) for f in sorted(self.withdrawn, key=_by_id)],
            "unchanged": self.unchanged,
        }
        text = json.dumps(shown, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _by_id(entry: PinnedFactor | ChangedFactor) -> str:
    return entry.public_id


def _in_catalogue_order(factors: list[PinnedFactor]) -> list[PinnedFactor]:
    # Read as a catalogue: by category, newest year first, then region; not by id.
    return sorted(factors, key=lambda f: (f.category, -f.year, f.region, f.public_id))


# --- The two kinds of side ----------------------------------------------------------------


def _sealed_pins(release: Release | None) -> QuerySet:
    if release is None:
        return ReleaseEntry.objects.none().values("version_id")
    return ReleaseEntry.objects.filter(release=release).values("version_id")


def _live_pins() -> QuerySet:
    # What release_cut pins: every published version, nothing else.
    return FactorVersion.objects.published().order_by().values("pk")


def _sealed_documents(release: Release | None, *, not_in: QuerySet) -> list[dict]:
    if release is None:
        return []
    texts = (ReleaseFactor.objects.filter(release=release).exclude(version_id__in=not_in)
             .values_list("document", flat=True))
    return [json.loads(text) for text in texts]


def _live_documents(*, not_in: QuerySet) -> list[dict]:
    versions = FactorVersion.objects.published().exclude(pk__in=not_in).order_by("pk")
    return list(factor_documents(versions).values())


# --- The comparison -----------------------------------------------------------------------


def _pinned(document: dict, symbols: dict[str, str], regions: dict[str, tuple[str, str]]) -> PinnedFactor:
    # The document holds codes; a code is fixed once a public factor uses it, so today's
    # symbol and region names are those of the code the side pinned.
    code = document["region"]
    region_zh, region_en = regions.get(code, (code, code))
    version = document["version"]
    return PinnedFactor(
        public_id=document["public_id"], name_zh=document["name_zh"], name_en=document["name_en"],
        category=document["category"], region=code, region_name_zh=region_zh, region_name_en=region_en,
        year=document["year"], unit=document["unit"],
        unit_symbol=symbols.get(document["unit"], document["unit"]),
        version=version["version"], co2e_total=version["co2e_total"], gwp_set=version["gwp_set"],
        gas_amounts=tuple(GasAmount(row["gas"], row["amount"]) for row in version["gas_amounts"]),
    )


def _compare(*, compared_with: Release | None, before: list[dict], after: list[dict],
             after_count: int) -> ReleaseDiff:
    documents = before + after
    symbols = dict(Unit.objects.filter(code__in={d["unit"] for d in documents}).values_list("code", "symbol"))
    regions = {code: (zh, en) for code, zh, en in Region.objects.filter(
        code__in={d["region"] for d in documents}).values_list("code", "name_zh", "name_en")}
    old = {d["public_id"]: _pinned(d, symbols, regions) for d in before}
    new = {d["public_id"]: _pinned(d, symbols, regions) for d in after}
    added = _in_catalogue_order([f for pid, f in new.items() if pid not in old])
    changed_after = _in_catalogue_order([f for pid, f in new.items() if pid in old])
    return ReleaseDiff(
        compared_with=compared_with,
        added=added,
        changed=[ChangedFactor(before=old[f.public_id], after=f) for f in changed_after],
        withdrawn=_in_catalogue_order([f for pid, f in old.items() if pid not in new]),
        unchanged=after_count - len(after),
    )


def sealed_diff(*, old: Release | None, new: Release) -> ReleaseDiff:
    """Two sealed releases compared, each factor as its release showed it when sealed."""
    before = _sealed_documents(old, not_in=_sealed_pins(new))
    after = _sealed_documents(new, not_in=_sealed_pins(old))
    return _compare(compared_with=old, before=before, after=after,
                    after_count=ReleaseEntry.objects.filter(release=new).count())


def live_diff(*, old: Release | None) -> ReleaseDiff:
    """The published set now against a sealed release: what a cut would seal, as it would
    show it. Exact when read under the publication lock (release_cut does)."""
    before = _sealed_documents(old, not_in=_live_pins())
    after = _live_documents(not_in=_sealed_pins(old))
    return _compare(compared_with=old, before=before, after=after, after_count=_live_pins().count())


# --- As a file ----------------------------------------------------------------------------

CSV_COLUMNS = (
    "change", "public_id", "name_zh", "name_en", "category", "region", "year", "unit",
    "before_version", "before_co2e_total", "after_version", "after_co2e_total", "gas_changes",
)


def release_diff_csv(diff: ReleaseDiff) -> str:
    """Every row of a comparison, one factor a line, for a list too long to read on a page."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows = ([(ADDED, None, f, []) for f in diff.added]
            + [(CHANGED, c.before, c.after, c.gas_changes) for c in diff.changed]
            + [(WITHDRAWN, f, None, []) for f in diff.withdrawn])
    for change, before, after, gases in rows:
        shown = after or before
        cells = [
            change, shown.public_id, shown.name_zh, shown.name_en, shown.category, shown.region,
            shown.year, shown.unit,
            before.version if before else "", before.co2e_total if before else "",
            after.version if after else "", after.co2e_total if after else "",
            "; ".join(f"{g.gas}: {g.before or '-'} -> {g.after or '-'}" for g in gases),
        ]
        # Names are typed by editors; the file is opened in a spreadsheet.
        writer.writerow([neutralise(cell) if isinstance(cell, str) else cell for cell in cells])
    return buffer.getvalue()
