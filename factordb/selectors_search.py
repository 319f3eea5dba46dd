"""Which published versions a search finds: the one set of rules the factor search page and
the API's factor list (api/filters.py) both apply, so the page shows exactly what the API
serves (docs/design.md §5).

Every function narrows a queryset of versions (from `visible_versions()`) and returns one;
none reads anything itself, so a search costs the same queries whatever it asks for.
"""

import unicodedata
from dataclasses import dataclass
from functools import reduce
from operator import and_

from django.db.models import Exists, OuterRef, Q, QuerySet

from factordb.models import (
    Category,
    Dataset,
    FactorVersion,
    Gas,
    GasAmount,
    Region,
    Source,
    Unit,
    VersionSource,
)

# A hostile q of thousands of words must not build a query of thousands of conditions.
MAX_TERMS = 10

# Kept inside a term although they are punctuation: codes are written with them (CN-GD,
# energy.electricity, GB/T 51366-2019's number). At a term's ends they are only punctuation.
JOINERS = "-._"


def _separates(character: str) -> bool:
    """Whitespace, and every ASCII or full-width punctuation mark or symbol (，、。；：（）|/…)
    but the joiners."""
    if character.isspace():
        return True
    return character not in JOINERS and unicodedata.category(character)[0] in "PS"


def search_terms(text: str | None) -> list[str]:
    """The words of `text`, in order, each once (case aside): '全国，2022' → ['全国', '2022']."""
    words, word = [], []
    for character in f"{text or ''} ":
        if _separates(character):
            words.append("".join(word).strip(JOINERS))
            word = []
        else:
            word.append(character)
    terms, seen = [], set()
    for term in words:
        if term and term.casefold() not in seen:
            seen.add(term.casefold())
            terms.append(term)
    return terms


def _is_year(term: str) -> bool:
    return len(term) == 4 and term.isdecimal()


def _term_matches(term: str) -> Q:
    """Where one word may be found: the factor's names or id, its region's names or code, its
    category's names, and, for a word of four digits, its year."""
    found = (Q(factor__name_zh__icontains=term) | Q(factor__name_en__icontains=term)
             | Q(factor__public_id__iexact=term)
             | Q(factor__region__name_zh__icontains=term) | Q(factor__region__name_en__icontains=term)
             | Q(factor__region__code__iexact=term)
             | Q(factor__category__name_zh__icontains=term) | Q(factor__category__name_en__icontains=term))
    if _is_year(term):
        found |= Q(factor__year=int(term))
    return found


def matching_text(versions: QuerySet[FactorVersion], text: str | None) -> QuerySet[FactorVersion]:
    """The versions where every word of `text` is found (the first MAX_TERMS words; none, or
    only punctuation, filters nothing). The joins are to single rows (factor, region,
    category), so no version is listed twice."""
    terms = search_terms(text)[:MAX_TERMS]
    if not terms:
        return versions
    return versions.filter(reduce(and_, (_term_matches(term) for term in terms)))


def in_category(versions: QuerySet[FactorVersion], category: Category) -> QuerySet[FactorVersion]:
    """A category holds its descendants: 'energy' finds the grid factors of energy.electricity."""
    return versions.filter(factor__category__path__startswith=category.path)


def with_gas(versions: QuerySet[FactorVersion], gas: Gas) -> QuerySet[FactorVersion]:
    """Versions stating an amount of `gas` (an EXISTS, so no version is listed twice)."""
    return versions.filter(Exists(GasAmount.objects.filter(version=OuterRef("pk"), gas=gas)))


def citing_source(versions: QuerySet[FactorVersion], source: Source) -> QuerySet[FactorVersion]:
    return versions.filter(Exists(VersionSource.objects.filter(version=OuterRef("pk"), source=source)))


def in_dataset(versions: QuerySet[FactorVersion], dataset: Dataset) -> QuerySet[FactorVersion]:
    return versions.filter(factor__dataset=dataset)


@dataclass(frozen=True)
class SearchFilters:
    """What a search asks for; None (or '') asks nothing of that field."""

    category: Category | None = None
    region: Region | None = None
    year: int | None = None
    unit: Unit | None = None
    gas: Gas | None = None
    source: Source | None = None
    boundary: str | None = None
    method: str | None = None
    dataset: Dataset | None = None
    text: str = ""


def filtered(versions: QuerySet[FactorVersion], wanted: SearchFilters) -> QuerySet[FactorVersion]:
    """The versions a search finds, by the same rules as the API's filters of the same names."""
    if wanted.category is not None:
        versions = in_category(versions, wanted.category)
    if wanted.region is not None:
        versions = versions.filter(factor__region=wanted.region)
    if wanted.year is not None:
        versions = versions.filter(factor__year=wanted.year)
    if wanted.unit is not None:
        versions = versions.filter(factor__unit=wanted.unit)
    if wanted.gas is not None:
        versions = with_gas(versions, wanted.gas)
    if wanted.source is not None:
        versions = citing_source(versions, wanted.source)
    if wanted.boundary:
        versions = versions.filter(factor__boundary=wanted.boundary)
    if wanted.method:
        versions = versions.filter(factor__method=wanted.method)
    if wanted.dataset is not None:
        versions = in_dataset(versions, wanted.dataset)
    return matching_text(versions, wanted.text)


# The orders a visitor may choose; the public id breaks ties, so pages never overlap.
SORTS = {
    "public_id": "factor__public_id",
    "year": "factor__year",
    "value": "co2e_total",
    "published": "published_at",
}


def ordered(versions: QuerySet[FactorVersion], sort: str, *, descending: bool) -> QuerySet[FactorVersion]:
    field = SORTS[sort]
    order = [f"-{field}" if descending else field]
    if field != SORTS["public_id"]:
        order.append(SORTS["public_id"])
    return versions.order_by(*order)
