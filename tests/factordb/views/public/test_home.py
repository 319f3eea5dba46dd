"""The home page: a search box, the most asked factors, browsing, the latest release and
publications — every factor and category a link, and only what is published."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest

from factordb.constants import LifecycleBoundary, RegionKind
from factordb.services.releases import release_cut
from tests.factories import (
    CategoryFactory,
    DraftVersionFactory,
    PublishedVersionFactory,
    RegionFactory,
    ReleaseFactory,
    SourcedDraftVersionFactory,
    SourcedPublishedVersionFactory,
)

pytestmark = pytest.mark.django_db


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.forms: list[dict] = []
        self._href: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self._href, self._text = attrs.get("href"), ""
        elif tag == "form":
            self.forms.append({**attrs, "inputs": [], "labels": [], "buttons": 0})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].append(attrs)
        elif tag == "label" and self.forms:
            self.forms[-1]["labels"].append(attrs.get("for"))
        elif tag == "button" and self.forms:
            self.forms[-1]["buttons"] += 1

    def handle_data(self, data):
        if self._href is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join(self._text.split())))
            self._href = None


def parsed(response) -> _Links:
    parser = _Links()
    parser.feed(response.content.decode())
    return parser


def hrefs(response) -> set[str]:
    return {href for href, _text in parsed(response).links}


@pytest.fixture
def nation():
    world = RegionFactory(code="GLOBAL", kind=RegionKind.WORLD, name_zh="全球", name_en="Global")
    return RegionFactory(code="CN", parent=world, kind=RegionKind.COUNTRY)


@pytest.fixture
def grid_average(nation):
    """The category published for the nation, a regional grid and a province."""
    electricity = CategoryFactory(code="energy.electricity", name_zh="电力", name_en="Electricity")
    average = CategoryFactory(code="energy.electricity.grid_average", parent=electricity,
                              name_zh="电网平均", name_en="Grid average")
    grid = RegionFactory(code="CN-GRID-S", parent=nation, kind=RegionKind.GRID, name_en="South grid")
    province = RegionFactory(code="CN-GD", parent=grid, kind=RegionKind.PROVINCE, name_en="Guangdong")
    for year, value in ((2020, "0.5810"), (2021, "0.5568"), (2022, "0.5366"), (2023, "0.5306")):
        PublishedVersionFactory(factor__category=average, factor__region=nation, factor__year=year,
                                co2e_total=Decimal(value), factor__name_zh=f"全国电网平均 {year}",
                                factor__name_en=f"National grid average {year}")
    PublishedVersionFactory(factor__category=average, factor__region=grid, factor__year=2022)
    PublishedVersionFactory(factor__category=average, factor__region=province, factor__year=2022,
                            co2e_total=Decimal("0.4403"))
    DraftVersionFactory(factor__category=average, factor__region=nation, factor__year=2024,
                        co2e_total=Decimal("0.4999"))
    return average


def test_the_search_box_asks_the_factor_search_with_q(client):
    (form,) = [f for f in parsed(client.get("/")).forms if f.get("action") == "/factors/"]

    assert form["method"] == "get"
    (field,) = [i for i in form["inputs"] if i.get("name") == "q"]
    assert field["id"] in form["labels"]
    assert form["buttons"] == 1


def test_the_most_asked_are_the_national_grid_averages_of_the_recent_years(client, grid_average):
    response = client.get("/")

    shown = response.context["national_grid"]
    assert [(v.factor.year, v.co2e_total) for v in shown] == [
        (2023, Decimal("0.5306")), (2022, Decimal("0.5366")), (2021, Decimal("0.5568"))]
    html = response.content.decode()
    assert "0.5366 kg CO2e/kWh" in html
    assert "0.4999" not in html  # the draft of 2024
    national_2022 = shown[1].factor
    assert (f"/factors/{national_2022.public_id}/", "全国电网平均 2022") in parsed(response).links
    assert {"/compare/", f"/categories/{grid_average.code}/"} <= hrefs(response)


def test_the_grid_average_is_the_grid_category_published_for_the_most_regions(client, grid_average, nation):
    # More national factors in another grid category, but for the nation alone: not the average.
    fossil = CategoryFactory(code="energy.electricity.fossil_power")
    for year in (2019, 2024, 2025, 2026, 2027, 2028, 2029):
        PublishedVersionFactory(factor__category=fossil, factor__region=nation, factor__year=year)
    # Fuels are published for many regions, but are not electricity bought from the grid.
    coal = CategoryFactory(code="energy.coal")
    for n in range(5):
        PublishedVersionFactory(factor__category=coal, factor__boundary=LifecycleBoundary.COMBUSTION,
                                factor__region=RegionFactory(code=f"CN-P{n}", kind=RegionKind.PROVINCE))

    shown = client.get("/").context["national_grid"]

    assert {v.factor.category.code for v in shown} == {grid_average.code}
    assert {v.factor.region.code for v in shown} == {"CN"}


def test_without_a_grid_average_the_section_says_so(client):
    response = client.get("/")

    assert response.context["national_grid"] == []
    assert "尚未发布全国电网平均排放因子。" in response.content.decode()


def test_every_category_and_latest_factor_is_a_link(client, grid_average):
    response = client.get("/")
    links = hrefs(response)

    assert {"/categories/energy.electricity/", "/categories/energy.electricity.grid_average/",
            "/categories/", "/regions/"} <= links
    for version in response.context["latest_versions"]:
        assert f"/factors/{version.factor.public_id}/" in links
        assert f"/regions/{version.factor.region.code}/" in links


def test_the_latest_sealed_release_with_its_date_and_notes_in_the_visitors_language(client, approver):
    SourcedPublishedVersionFactory()
    release_cut(name="2025.1", notes_zh="首个发行版", notes_en="First release", actor=approver)
    ReleaseFactory(name="2099.1", notes_zh="未封存")  # not sealed: not a release anyone may cite

    chinese, english = client.get("/"), client.get("/en/")

    assert chinese.context["release"].name == "2025.1"
    assert "首个发行版" in chinese.content.decode()
    assert "First release" in english.content.decode()
    assert "2099.1" not in chinese.content.decode()
    assert {"/releases/2025.1/", "/downloads/", "/releases/"} <= hrefs(chinese)
    assert {"/en/releases/2025.1/", "/en/downloads/"} <= hrefs(english)


def test_without_a_sealed_release_the_section_says_so(client):
    ReleaseFactory(name="2099.1")

    assert "尚无已封存的发行版。" in client.get("/").content.decode()


def test_the_counts_are_of_published_factors_and_the_sources_they_cite(client, nation):
    SourcedPublishedVersionFactory(factor__region=nation)
    SourcedPublishedVersionFactory(factor__region=RegionFactory(code="CN-BJ", kind=RegionKind.PROVINCE))
    SourcedDraftVersionFactory(factor__region=RegionFactory(code="CN-SH", kind=RegionKind.PROVINCE))

    totals = client.get("/").context["totals"]

    assert totals == {"factors": 2, "regions": 2, "datasets": 1, "sources": 2}


def test_the_latest_publications_show_values_as_their_source_wrote_them(client):
    PublishedVersionFactory(co2e_total=Decimal("12345.60000000"), factor__name_zh="大数值因子")

    html = client.get("/").content.decode()

    assert "12345.6 kg CO2e/kWh" in html.replace(",", "")
    assert "12345.60000000" not in html


def test_the_english_home_names_its_sections_in_english(client, grid_average):
    html = client.get("/en/").content.decode()

    for heading in ("Most asked: national average grid electricity factors", "Browse by category",
                    "Latest release", "Search factors"):
        assert heading in html
    assert "National grid average 2022" in html


def test_the_electricity_footprint_is_never_shown_as_a_national_grid_co2_factor(client, grid_average, nation):
    # Life-cycle factors of a later year, published for more regions than the grid average:
    # the rule must still not take them for the grid's CO2 factors.
    footprint = CategoryFactory(code="energy.electricity_footprint.national_average")
    for year in (2024, 2025, 2026):
        PublishedVersionFactory(factor__category=footprint, factor__boundary=LifecycleBoundary.LIFE_CYCLE,
                                factor__region=nation, factor__year=year, co2e_total=Decimal("0.6205"))
    for n in range(5):
        PublishedVersionFactory(factor__category=footprint, factor__boundary=LifecycleBoundary.LIFE_CYCLE,
                                factor__region=RegionFactory(code=f"CN-F{n}", kind=RegionKind.PROVINCE))

    shown = client.get("/").context["national_grid"]

    assert {v.factor.category.code for v in shown} == {grid_average.code}
    assert [v.factor.year for v in shown] == [2023, 2022, 2021]
