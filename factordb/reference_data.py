"""The reference data public pages list on every request, read once per data generation.

The search form offers every category, region, unit, gas, source and dataset; a factor
page offers the GWP sets and the sealed releases. These lists change only through writes
that renew the data generation (factordb.generation), so each web process keeps what it
read under the generation it read it in and reads again once the generation has moved
on: a page worked out afresh then reads only its own data (docs/adr/0018).

The generation is read before the lists are, so a list can be newer than the generation
it is kept under, never older. Where the cache is not shared (development, the SQLite
tests) the generation belongs to one process and misses other processes' writes, so
nothing is kept there: every call reads afresh.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from factordb.generation import cache_is_shared, data_generation
from factordb.models import Category, Dataset, Gas, GwpSet, GwpValue, Region, Release, Source, Unit


@dataclass
class Reference:
    """One generation's reference lists, each read on first use."""

    generation: str
    _derived: dict[str, Any] = field(default_factory=dict, repr=False)

    def kept(self, key: str, build: Callable[[], Any]) -> Any:
        """What `build()` makes of the lists above (a form's labelled choices), made once."""
        if key not in self._derived:
            self._derived[key] = build()
        return self._derived[key]

    def by_code(self, kind: str) -> dict[str, Any]:
        """The records of one list a search or a filter names, by the code it names them with:
        `kind` category, region, gas, unit or dataset by code, source by id (as text)."""
        def build() -> dict[str, Any]:
            if kind == "source":
                return {str(source.pk): source for source in self.sources}
            # Only the list asked for: each is a query on first use.
            listed = getattr(self, {"category": "categories", "region": "regions", "gas": "gases",
                                    "unit": "units", "dataset": "datasets"}[kind])
            return {record.code: record for record in listed}
        return self.kept(f"by-code:{kind}", build)

    @cached_property
    def categories(self) -> list[Category]:
        return list(Category.objects.order_by("path"))

    @cached_property
    def regions(self) -> list[Region]:
        return list(Region.objects.order_by("path"))

    @cached_property
    def units(self) -> list[Unit]:
        return list(Unit.objects.order_by("dimension", "code"))

    @cached_property
    def gases(self) -> list[Gas]:
        return list(Gas.objects.order_by("code"))

    @cached_property
    def sources(self) -> list[Source]:
        return list(Source.objects.order_by("-year", "title"))

    @cached_property
    def datasets(self) -> list[Dataset]:
        return list(Dataset.objects.order_by("authority_rank", "code"))

    @cached_property
    def gwp_sets(self) -> list[GwpSet]:
        return list(GwpSet.objects.order_by("code"))

    @cached_property
    def gwp_values(self) -> dict[int, dict[str, Decimal]]:
        """{GWP set id: {gas code: GWP}} by factordb.gwp.gwp_values' rule: a gas reported
        outside the total (biogenic CO2) has 0 in every set."""
        outside = {gas.code: Decimal(0) for gas in self.gases if not gas.counts_in_co2e}
        values: dict[int, dict[str, Decimal]] = {gwp_set.pk: {} for gwp_set in self.gwp_sets}
        for gwp_set_id, code, value in GwpValue.objects.values_list("gwp_set_id", "gas__code", "value"):
            values.setdefault(gwp_set_id, {})[code] = value
        return {pk: {**found, **outside} for pk, found in values.items()}

    @cached_property
    def sealed_release_names(self) -> list[str]:
        """The sealed releases, newest first: the ones a reader may ask a factor in."""
        return list(Release.objects.sealed().newest_first().values_list("name", flat=True))


_kept: Reference | None = None


def reference() -> Reference:
    """This generation's reference lists: kept in this process where the cache is shared,
    read afresh on every call elsewhere."""
    global _kept
    if not cache_is_shared():
        return Reference(generation="")
    generation = data_generation()
    if generation is None:  # the cache does not answer: what is kept may have missed a write
        _kept = None
        return Reference(generation="")
    if _kept is None or _kept.generation != generation:
        _kept = Reference(generation=generation)
    return _kept
