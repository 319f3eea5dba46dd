"""Resolution walks each region's candidates in their order of preference and stops at the
first that fits; it must choose exactly what the plain rule chooses — the best of every
fitting version by the policy's order, authority, exact unit and the fixed order — and
report the same withdrawn factor, on data where those orders compete."""

import random

import pytest

from factordb.constants import FactorStatus, LifecycleBoundary, Methodology
from factordb.models import Dataset, Factor, FactorVersion, Region, Unit
from factordb.services.fallback_policy import FallbackPolicy
from factordb.services.resolution import ResolveKey, resolve
from tests.factordb.services.test_resolution import GRID, world  # noqa: F401
from tests.factories import CategoryFactory, FactorFactory, PublishedVersionFactory, WithdrawnVersionFactory

pytestmark = pytest.mark.django_db

REGIONS = ["CN", "CN-GRID-E", "CN-AH", "CN-JS", "GLOBAL"]
BOUNDARIES = [LifecycleBoundary.GRID_CONSUMPTION, LifecycleBoundary.COMBUSTION]
POLICIES = [FallbackPolicy(), FallbackPolicy(order="year_first"), FallbackPolicy(max_years_back=2),
            FallbackPolicy(order="year_first", allow=frozenset({"year"})),
            FallbackPolicy(allow=frozenset({"region"}))]


def crowded_grid(rng: random.Random) -> None:
    """Many grid factors over the chain: years, units, datasets and boundaries that tie and
    compete, some withdrawn, some withdrawn and published again."""
    category = CategoryFactory(code=GRID)
    datasets = list(Dataset.objects.filter(code__in=["MEE-GRID", "IPCC-2006"]))
    units = list(Unit.objects.filter(code__in=["kWh", "MWh"]))
    regions = {region.code: region for region in Region.objects.filter(code__in=REGIONS)}
    made = {(f.region.code, f.year, f.unit, f.dataset, f.boundary)
            for f in Factor.objects.filter(category=category)}
    for _ in range(90):
        shape = (rng.choice(REGIONS), rng.randint(2016, 2024), rng.choice(units), rng.choice(datasets),
                 rng.choice(BOUNDARIES))
        if shape in made:
            continue
        made.add(shape)
        region, year, unit, dataset, boundary = shape
        factor = FactorFactory(category=category, region=regions[region], year=year, unit=unit,
                               dataset=dataset, boundary=boundary, method=Methodology.MEE_GRID_FACTORS)
        fate = rng.random()
        if fate < 0.2:
            WithdrawnVersionFactory(factor=factor, version=1)
        elif fate < 0.3:
            WithdrawnVersionFactory(factor=factor, version=1)
            PublishedVersionFactory(factor=factor, version=2)
        else:
            PublishedVersionFactory(factor=factor, version=1)


def plain_rule(key: ResolveKey, policy: FallbackPolicy) -> tuple[int | None, str | None]:
    """(the id of the version that answers, the public id of the withdrawn factor reported):
    the best of all fitting versions, read from the rows one by one."""
    chain, region = [], Region.objects.get(code=key.region)
    while region is not None:
        chain.append(region.pk)
        region = region.parent
    if not policy.regions_allowed:
        chain = chain[:1]
    earliest = policy.earliest_year(key.year)
    unit = Unit.objects.get(code=key.unit)

    def rank(version: FactorVersion) -> tuple:
        factor = version.factor
        place, year = chain.index(factor.region_id), -factor.year
        ahead = (year, place) if policy.order == "year_first" else (place, year)
        return (*ahead, factor.dataset.authority_rank, factor.unit_id != unit.pk, factor.boundary,
                factor.method, factor.public_id, -version.version)

    rows = FactorVersion.objects.filter(factor__category__code=key.category, factor__region_id__in=chain,
                                        status__in=[FactorStatus.PUBLISHED, FactorStatus.WITHDRAWN])
    fitting = [v for v in rows.select_related("factor__dataset")
               if v.factor.year <= key.year and (earliest is None or v.factor.year >= earliest)
               and key.boundary in (None, v.factor.boundary)]
    in_force = [v for v in fitting if v.status == FactorStatus.PUBLISHED]
    chosen = min(in_force, key=rank, default=None)
    published_factors = {v.factor_id for v in in_force}
    withdrawn = [v for v in fitting if v.status == FactorStatus.WITHDRAWN
                 and v.factor_id not in published_factors and (chosen is None or rank(v) < rank(chosen))]
    reported = min(withdrawn, key=rank, default=None)
    return (chosen.pk if chosen else None), (reported.factor.public_id if reported else None)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_resolution_chooses_what_the_plain_rule_chooses(world, seed):  # noqa: F811
    rng = random.Random(seed)
    crowded_grid(rng)
    keys = [ResolveKey(GRID, rng.choice(REGIONS), rng.randint(2015, 2025), rng.choice(["kWh", "MWh"]),
                       boundary=rng.choice([None, None, *BOUNDARIES]))
            for _ in range(60)]

    for policy in POLICIES:
        answers = resolve(keys, policy=policy)
        assert [(a.version_id, a.withdrawn and a.withdrawn["factor_public_id"]) for a in answers] == \
            [plain_rule(key, policy) for key in keys], policy
