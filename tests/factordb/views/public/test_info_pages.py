"""The methodology, developers and about pages: what they explain comes from the data and
the code's own choices, the examples work against the API, and both languages are served."""

import html
import itertools
import json
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from rest_framework.test import APIClient

from factordb.constants import QUALITY_INDICATORS, LifecycleBoundary, Methodology
from factordb.models import Gas, GwpValue
from factordb.quality import SCORE_MEANINGS, SCORES
from factordb.services.releases import release_cut
from factordb.views.public.pages import BOUNDARY_SENTENCES, METHOD_SENTENCES
from tests.factordb.views.public.test_home import hrefs
from tests.factories import GwpSetFactory, PublishedVersionFactory, SourcedPublishedVersionFactory

pytestmark = pytest.mark.django_db

PAGES = ("/methodology/", "/developers/", "/about/")


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def heading_levels(content: str) -> list[int]:
    parser = _Headings()
    parser.feed(content)
    return parser.levels


@pytest.fixture
def gwp_sets():
    ar5, ar6 = GwpSetFactory(code="AR5", name="IPCC AR5 100-year"), GwpSetFactory(code="AR6",
                                                                                    name="IPCC AR6 100-year")
    methane = Gas.objects.create(code="CH4", formula="CH4", name_zh="甲烷", name_en="Methane")
    nitrous = Gas.objects.create(code="N2O", formula="N2O", name_zh="氧化亚氮", name_en="Nitrous oxide")
    GwpValue.objects.create(gwp_set=ar5, gas=methane, value=Decimal("28"))
    GwpValue.objects.create(gwp_set=ar6, gas=methane, value=Decimal("27.9"))
    GwpValue.objects.create(gwp_set=ar6, gas=nitrous, value=Decimal("273"))
    return ar5, ar6


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_each_page_answers_in_its_language_with_one_h1_and_headings_in_order(client, path, prefix):
    response = client.get(prefix + path)

    assert response.status_code == 200
    content = response.content.decode()
    assert f'lang="{"en" if prefix else "zh-hans"}"' in content
    levels = heading_levels(content)
    assert levels.count(1) == 1
    assert levels[0] == 1
    assert all(later <= earlier + 1 for earlier, later in itertools.pairwise(levels))


@pytest.mark.parametrize("path", PAGES)
def test_each_page_only_reads(client, path):
    assert client.post(path).status_code == 405


# --- Methodology --------------------------------------------------------------------------

def test_the_gwp_table_comes_from_the_database(client, gwp_sets):
    response = client.get("/methodology/")

    table = response.context["gwp"]
    assert [gwp_set.code for gwp_set in table["sets"]] == ["AR5", "AR6"]
    assert {row["gas"].code: row["values"] for row in table["rows"]} == {
        "CO2": [Decimal("1"), Decimal("1")],
        "CH4": [Decimal("28"), Decimal("27.9")],
        "N2O": [None, Decimal("273")],  # AR5 gives none here: shown as a dash, not a zero
    }
    content = response.content.decode()
    assert "27.9" in content
    assert "27.900" not in content
    assert "IPCC AR6 100-year" in content


def test_its_queries_do_not_grow_with_the_gwp_sets(client, gwp_sets, django_assert_max_num_queries):
    GwpSetFactory(code="AR4", name="IPCC AR4 100-year")

    with django_assert_max_num_queries(3):
        client.get("/methodology/")


def test_every_boundary_and_method_a_factor_can_state_has_its_sentence(client):
    assert set(BOUNDARY_SENTENCES) == set(LifecycleBoundary)
    assert set(METHOD_SENTENCES) == set(Methodology)

    content = html.unescape(client.get("/methodology/").content.decode())

    for choice in (*LifecycleBoundary, *Methodology):
        assert str(choice.label) in content
    assert str(BOUNDARY_SENTENCES[LifecycleBoundary.GRID_CONSUMPTION]) in content


def test_every_quality_indicator_has_a_meaning_for_each_score(client):
    assert tuple(SCORE_MEANINGS) == QUALITY_INDICATORS
    assert all(sorted(meanings) == list(SCORES) for meanings in SCORE_MEANINGS.values())

    content = client.get("/en/methodology/").content.decode()

    assert "Temporal representativeness" in content
    assert "Verified data based on measurements" in content
    assert "Age of data unknown, or more than 15 years apart" in content


def test_the_review_rule_states_the_configured_number_of_reviewers(client, settings):
    settings.REVIEW_REQUIRED_APPROVALS = 3

    assert "须有 3 位独立评审专家批准" in client.get("/methodology/").content.decode()
    assert "3 independent reviewers must approve" in client.get("/en/methodology/").content.decode()


def test_the_fallback_rules_are_told_in_plain_words(client):
    chinese = client.get("/methodology/").content.decode()
    english = html.unescape(client.get("/en/methodology/").content.decode())

    assert "省 → 区域电网 → 全国 → 全球" in chinese
    assert "province → regional grid → national → global" in english
    assert "a later year's factor is never used" in english
    assert "SHA-256" in english


# --- Developers ---------------------------------------------------------------------------

@pytest.fixture
def national_grid(approver):
    GwpSetFactory(code="AR6", name="IPCC AR6 100-year")
    version = SourcedPublishedVersionFactory(factor__year=2022, co2e_total=Decimal("0.5366"))
    release_cut(name="2026.1", actor=approver)
    return version


def curl_bodies(content: str, endpoint: str) -> list[dict]:
    text = html.unescape(content)
    return [json.loads(body) for body in
            re.findall(rf"curl -X POST \S+/{endpoint}/ .*?-d '(\{{.*?\}})'", text, flags=re.DOTALL)]


def test_the_developers_page_links_the_api_docs_and_schema(client):
    assert {"/api/v1/docs/", "/api/v1/schema/"} <= hrefs(client.get("/developers/"))


def test_the_curl_lines_name_this_host_and_a_real_factor(client, national_grid):
    content = client.get("/developers/", HTTP_HOST="localhost").content.decode()
    public_id = national_grid.factor.public_id

    assert f"curl http://localhost/api/v1/factors/{public_id}/" in content
    assert "http://localhost/api/v1/changes/?after=0" in content
    assert "http://localhost/api/v1/releases/2026.1/download.json" in content
    assert "sha256sum" in content
    assert "If-None-Match" in content
    assert "Api-Key cfk_" in content


def test_the_resolve_example_falls_back_to_an_earlier_year(client, national_grid):
    (body,) = curl_bodies(client.get("/developers/").content.decode(), "resolve")

    (result,) = APIClient().post("/api/v1/resolve/", body, format="json").json()["results"]

    assert result["status"] == "fallback"
    assert (result["factor_public_id"], result["year_used"]) == (national_grid.factor.public_id, 2022)


def test_the_calculate_example_calculates(client, national_grid):
    (body,) = curl_bodies(client.get("/developers/").content.decode(), "calculate")

    response = APIClient().post("/api/v1/calculate/", body, format="json")

    assert response.status_code == 200
    assert Decimal(response.json()["kg_co2e"]) == Decimal("536.6")


def test_without_data_the_examples_name_the_parameters(client):
    content = client.get("/developers/").content.decode()

    assert "factors/{public_id}/" in content
    assert "releases/{name}/download.json" in content


def test_the_developers_page_in_english(client, national_grid):
    content = client.get("/en/developers/").content.decode()

    assert "For developers of calculators" in content
    assert "Resolve keys to factors (with fallback)" in content


# --- About --------------------------------------------------------------------------------

def test_about_names_the_standards_the_roles_and_how_to_cite(client, national_grid):
    content = client.get("/en/about/").content.decode()

    assert "GB/T 24067-2024" in content
    assert "ISO 14067:2018" in content
    assert "2006 IPCC Guidelines" in content
    assert "Approvers publish" in content
    assert "Release 2026.1" in content  # the release to cite
    assert "states no single licence" in content
    assert "for ministry staff only" in content
    assert {"/en/methodology/", "/en/sources/"} <= hrefs(client.get("/en/about/"))


def test_about_without_a_release_cites_a_factor_and_version_alone(client):
    PublishedVersionFactory()

    content = client.get("/about/").content.decode()

    assert "因子 {编号} 第 {版本} 版" in content
    assert "发行版 " not in content
