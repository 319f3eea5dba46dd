"""Published electricity factors shaped like the seed's, for the search tests of the API and
of the search page: names like "电力平均二氧化碳排放因子（全国，2022，每千瓦时）"."""

from dataclasses import dataclass
from decimal import Decimal

from factordb.constants import RegionKind
from factordb.models import FactorVersion
from tests.factories import CategoryFactory, PublishedVersionFactory, RegionFactory

AVERAGE = ("energy.electricity.grid_average", "电力平均二氧化碳排放因子",
           "Average grid electricity CO2 factor")
EXCLUDING_MARKET = ("energy.electricity.grid_excl_market_nonfossil",
                    "全国电力平均二氧化碳排放因子（不包括市场化交易的非化石能源电量）",
                    "National average electricity CO2 factor excluding market-traded non-fossil power")
FOSSIL = ("energy.electricity.fossil_power", "全国化石能源电力二氧化碳排放因子",
          "National fossil-fuel power CO2 factor")


@dataclass
class GridFactors:
    national_2021: FactorVersion
    national_2022: FactorVersion
    excluding_market_2022: FactorVersion
    fossil_2022: FactorVersion
    guangdong_2022: FactorVersion

    @property
    def national_2022_all(self) -> set[str]:
        versions = (self.national_2022, self.excluding_market_2022, self.fossil_2022)
        return {version.factor.public_id for version in versions}


def grid_factors() -> GridFactors:
    energy = CategoryFactory(code="energy", name_zh="能源", name_en="Energy")
    electricity = CategoryFactory(code="energy.electricity", parent=energy, name_zh="电力",
                                  name_en="Electricity")
    categories = {code: CategoryFactory(code=code, parent=electricity, name_zh=zh, name_en=en)
                  for code, zh, en in (AVERAGE, EXCLUDING_MARKET, FOSSIL)}
    china = RegionFactory(code="CN", kind=RegionKind.COUNTRY, name_zh="全国", name_en="China (national)")
    south = RegionFactory(code="CN-GRID-S", parent=china, kind=RegionKind.GRID,
                          name_zh="南方区域电网", name_en="China Southern grid")
    guangdong = RegionFactory(code="CN-GD", parent=south, kind=RegionKind.PROVINCE,
                              name_zh="广东", name_en="Guangdong")

    def published(kind, region, year: int, value: str) -> FactorVersion:
        code, zh, en = kind
        return PublishedVersionFactory(
            factor__category=categories[code], factor__region=region, factor__year=year,
            factor__name_zh=f"{zh}（{region.name_zh}，{year}，每千瓦时）",
            factor__name_en=f"{en} ({region.name_en}, {year}, per kWh)",
            co2e_total=Decimal(value),
        )

    return GridFactors(
        national_2021=published(AVERAGE, china, 2021, "0.5568"),
        national_2022=published(AVERAGE, china, 2022, "0.5366"),
        excluding_market_2022=published(EXCLUDING_MARKET, china, 2022, "0.5856"),
        fossil_2022=published(FOSSIL, china, 2022, "0.8325"),
        guangdong_2022=published(AVERAGE, guangdong, 2022, "0.4403"),
    )
