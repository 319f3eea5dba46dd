"""What the seed files say, as checked rows ready to write; and the report of a load."""

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

from factordb.models.factor import PUBLIC_ID_ALPHABET, PUBLIC_ID_LENGTH

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"
SEED_USERNAME = "seed"
# Official publications are dated in China's time zone, whatever the server's.
PUBLICATION_TZ = ZoneInfo("Asia/Shanghai")
# Derived amounts keep more digits than any input has; the formula stays reproducible.
DERIVED_PLACES = Decimal("0.000001")
TOTAL_PLACES = Decimal("0.00000001")
CO2_PER_C = Decimal(44) / Decimal(12)
QUALITY_FIELDS = ("dq_completeness", "dq_temporal", "dq_geographical", "dq_technological")
# Units of fuel_and_material_defaults.csv as pint reads them (tC and kgCO2e are kg of a gas).
PARAMETER_UNITS = {
    "GJ/t": "GJ/t", "GJ/10^4 Nm3": "GJ/(10^4 * Nm3)", "tC/TJ": "t/TJ", "fraction": "",
    "kg/TJ": "kg/TJ", "TJ/Gg": "TJ/Gg", "t/t": "t/t", "kgCO2e/t": "kg/t", "kgCO2e/m3": "kg/m**3",
}
PER_HEAT_GASES = {"co2_per_heat": "CO2", "ch4_per_heat": "CH4_FOSSIL", "n2o_per_heat": "N2O"}


class SeedError(ValueError):
    """Bad seed input, named by file, row (the line number, header = 1) and field."""


@dataclass(frozen=True)
class Row:
    file: str
    line: int
    data: dict[str, str]

    def error(self, name: str, problem: str) -> SeedError:
        return SeedError(f"{self.file}, row {self.line}, field '{name}': {problem}")

    def text(self, name: str, *, required: bool = True) -> str:
        value = (self.data.get(name) or "").strip()
        if required and not value:
            raise self.error(name, "is required")
        return value

    def decimal(self, name: str) -> Decimal:
        try:
            value = Decimal(self.text(name))
        except InvalidOperation as exc:
            raise self.error(name, f"'{self.data.get(name)}' is not a number") from exc
        if value < 0:
            raise self.error(name, f"{value} is negative")
        return value

    def quality(self, name: str) -> int:
        value = self.text(name)
        if value not in {"1", "2", "3", "4", "5"}:
            raise self.error(name, f"data quality must be 1 to 5, not '{value}'")
        return int(value)

    def date(self, name: str) -> date | None:
        value = self.text(name, required=False)
        try:
            return date.fromisoformat(value) if value else None
        except ValueError as exc:
            raise self.error(name, f"'{value}' is not a YYYY-MM-DD date") from exc

    def choice(self, name: str, allowed, *, required: bool = True) -> str:
        value = self.text(name, required=required)
        if value and value not in allowed:
            raise self.error(name, f"unknown value '{value}'")
        return value


@dataclass
class Spec:
    """One row to get-or-create: its natural key, its fields, and where it came from."""

    key: object
    fields: dict
    row: Row
    extra: dict = field(default_factory=dict)  # seed-only columns, not model fields


@dataclass
class FactorSpec:
    key: str
    public_id: str
    identity: dict[str, object]
    content: dict[str, object]
    gwp_set: str
    gas_amounts: dict[str, Decimal]
    expected_total: Decimal
    citations: list[tuple[str, str]]
    published_on: date
    row: Row
    identity_field: str


@dataclass
class SeedPlan:
    sources: dict[str, Spec] = field(default_factory=dict)
    datasets: dict[str, Spec] = field(default_factory=dict)
    units: dict[str, Spec] = field(default_factory=dict)
    unit_aliases: dict[str, Spec] = field(default_factory=dict)
    gases: dict[str, Spec] = field(default_factory=dict)
    gwp_sets: dict[str, Spec] = field(default_factory=dict)
    gwp_values: dict[tuple[str, str], Spec] = field(default_factory=dict)
    categories: dict[str, Spec] = field(default_factory=dict)
    regions: dict[str, Spec] = field(default_factory=dict)
    factors: list[FactorSpec] = field(default_factory=list)


@dataclass
class SeedReport:
    counts: dict[str, Counter] = field(default_factory=dict)
    differing: list[str] = field(default_factory=list)

    def record(self, kind: str, status: str, label: str = "") -> None:
        self.counts.setdefault(kind, Counter())[status] += 1
        if status == "differing":
            self.differing.append(f"{kind} {label}")

    def total(self, status: str) -> int:
        return sum(counter[status] for counter in self.counts.values())


def seed_public_id(key: str) -> str:
    """A stable public id from the seed key: the same factor has the same id on every install."""
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest(), "big")
    bits = digest >> (256 - 5 * PUBLIC_ID_LENGTH)
    chars = [PUBLIC_ID_ALPHABET[(bits >> (5 * i)) & 31] for i in reversed(range(PUBLIC_ID_LENGTH))]
    return "EF" + "".join(chars)


