"""/factors/: the API's filters as a form, finding exactly what the API serves; sorting, paging,
a count; bad input named on the page, never a server error; /search/ leads there."""

import logging
import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from factordb.constants import FactorStatus, LifecycleBoundary, Methodology
from tests.factories import (
    CategoryFactory,
    DatasetFactory,
    DraftVersionFactory,
    PublishedVersionFactory,
    RegionFactory,
    SourcedDraftVersionFactory,
    SupersededVersionFactory,
)
from tests.search_factories import grid_factors
from tests.test_english_catalogue import HAN, texts_of

pytestmark = pytest.mark.django_db

URL = "/factors/"
FACTOR_LINK = re.compile(r'href="(?:/en)?/factors/([A-Z0-9]+)/"')


def listed(response) -> list[str]:
    """The public ids the page lists, in its order."""
    assert response.status_code == 200
    return FACTOR_LINK.findall(response.content.decode())


def served_by_api(client, params: dict) -> set[str]:
    response = client.get("/api/v1/factors/", params)
    assert response.status_code == 200
    return {row["public_id"] for row in response.json()["results"]}


def problems(response) -> list[str]:
    html = response.content.decode()
    block = re.search(r'<div class="notice warning search-problems".*?</div>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(0), re.S) if block else []


@pytest.fixture
def grid():
    return grid_factors()


@pytest.fixture(autouse=True)
def _no_server_errors(caplog):
    """No request of these tests may log a server error."""
    yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


# --- What it lists ---------------------------------------------------------------------------

def test_it_lists_the_published_versions_in_force_and_counts_them(client, grid):
    draft = DraftVersionFactory(factor__name_zh="草稿因子")
    superseded = SupersededVersionFactory(factor__name_zh="已被取代的因子")

    response = client.get(URL)
    ids = listed(response)

    assert len(ids) == 5
    assert draft.factor.public_id not in ids
    assert superseded.factor.public_id not in ids
    assert "找到 5 个因子" in response.content.decode()


def test_a_row_shows_id_name_region_year_value_per_unit_and_category(client, grid):
    html = client.get(URL, {"region": "CN-GD"}).content.decode()
    row = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)

    factor = grid.guangdong_2022.factor
    assert factor.public_id in row
    name = "电力平均二氧化碳排放因子（广东，2022，每千瓦时）"
    assert f'<a href="/factors/{factor.public_id}/">{name}</a>' in row
    assert ">广东</td>" in row
    assert "2022" in row
    assert "0.4403" in row
    assert "kWh" in row
    assert ">电力平均二氧化碳排放因子</td>" in row


@pytest.mark.parametrize("q", ["全国 2022", "2022 全国", "全国，2022", "national 2022"])
def test_the_text_finds_what_the_api_finds(client, grid, q):
    ids = set(listed(client.get(URL, {"q": q})))

    assert ids == grid.national_2022_all
    assert ids == served_by_api(client, {"q": q})


@pytest.mark.parametrize("params", [
    {"region": "CN-GD", "year": "2022"},
    {"category": "energy.electricity"},
    {"category": "energy.electricity.fossil_power"},
    {"dataset": "MEE-GRID"},
    {"gas": "CO2", "unit": "kWh"},
    {"boundary": LifecycleBoundary.GRID_CONSUMPTION, "method": Methodology.MEE_GRID_FACTORS, "year": "2021"},
    {"q": "national grid", "year": "2022"},
])
def test_each_filter_shows_exactly_what_the_api_serves(client, grid, params):
    ids = set(listed(client.get(URL, params)))

    assert ids
    assert ids == served_by_api(client, params)


def test_a_category_includes_its_descendants(client, grid):
    ids = set(listed(client.get(URL, {"category": "energy"})))

    assert len(ids) == 5


def test_the_source_filter_lists_the_versions_citing_it(client):
    cited = SourcedDraftVersionFactory()
    cited.status, cited.published_at = FactorStatus.PUBLISHED, timezone.now()
    cited.save()
    PublishedVersionFactory()
    source = cited.version_sources.get().source

    assert listed(client.get(URL, {"source": source.pk})) == [cited.factor.public_id]


def test_an_empty_result_says_what_to_try(client, grid):
    html = client.get(URL, {"q": "广东 2021"}).content.decode()

    assert "找到 0 个因子" in html
    assert "没有找到符合条件的因子。" in html
    assert 'href="/factors/"' in html  # clear every condition


# --- The form keeps what was chosen ----------------------------------------------------------

def test_the_form_keeps_the_values_chosen(client, grid):
    html = client.get(URL, {"q": "广东", "region": "CN-GD", "year": "2022", "sort": "value",
                            "direction": "desc", "per_page": "50"}).content.decode()

    assert 'value="广东"' in html
    assert '<option value="CN-GD" selected>' in html
    assert 'name="year" value="2022"' in html
    assert '<option value="value" selected>' in html
    assert '<option value="desc" selected>' in html
    assert '<option value="50" selected>' in html


def test_the_category_select_shows_the_tree_indented(client, grid):
    html = client.get(URL).content.decode()

    assert '<option value="energy">能源</option>' in html
    assert '<option value="energy.electricity">\u00a0\u00a0电力</option>' in html
    assert '<option value="energy.electricity.fossil_power">\u00a0\u00a0\u00a0\u00a0全国化石能源' in html


# --- Sorting and paging ----------------------------------------------------------------------

def test_it_sorts_by_value_or_year_either_way(client, grid):
    by_value = listed(client.get(URL, {"sort": "value", "direction": "desc"}))
    by_year = listed(client.get(URL, {"sort": "year"}))

    assert by_value[0] == grid.fossil_2022.factor.public_id
    assert by_value[-1] == grid.guangdong_2022.factor.public_id
    assert by_year[0] == grid.national_2021.factor.public_id


@pytest.fixture
def thirty():
    region = RegionFactory(code="CN")
    return PublishedVersionFactory.create_batch(30, factor__region=region, co2e_total=Decimal("1.5"))


def test_pages_hold_25_by_default_and_page_links_keep_the_filters(client, thirty):
    first = client.get(URL, {"region": "CN", "junk": "x"})
    second = client.get(URL, {"region": "CN", "page": "2"})

    assert len(listed(first)) == 25
    assert len(listed(second)) == 5
    assert not set(listed(first)) & set(listed(second))
    paging = re.search(r'<nav class="pagination".*?</nav>', first.content.decode(), re.S).group(0)
    assert 'href="?region=CN&amp;page=2"' in paging
    assert "junk" not in paging  # an unknown parameter is ignored, and not carried along
    assert "第 1 页，共 2 页" in paging


def test_a_page_size_of_50_or_100_may_be_chosen(client, thirty):
    assert len(listed(client.get(URL, {"per_page": "50"}))) == 30


def test_a_page_past_the_end_shows_the_last_page_and_says_so(client, thirty):
    response = client.get(URL, {"page": "9"})

    assert len(listed(response)) == 5
    assert problems(response) == ["页码：第 9 页不存在（共 2 页），显示的是最后一页。"]


# --- Bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize(("params", "field", "rows"), [
    ({"year": "abc"}, "年份", 5),
    ({"year": "99999"}, "年份", 5),
    ({"page": "-1"}, "页码", 5),
    ({"page": "abc"}, "页码", 5),
    ({"region": "XX"}, "地区", 5),
    ({"category": "no.such.category"}, "类别", 5),
    ({"per_page": "100000"}, "每页条数", 5),
    ({"sort": "colour"}, "排序方式", 5),
    ({"year": "abc", "region": "CN-GD"}, "年份", 1),
])
def test_a_bad_value_is_named_on_the_page_and_left_out(client, grid, params, field, rows):
    response = client.get(URL, params)

    assert response.status_code == 200
    assert len(listed(response)) == rows
    named = problems(response)
    assert len(named) == 1
    assert named[0].startswith(f"{field}：")


def test_unknown_parameters_are_ignored(client, grid):
    response = client.get(URL, {"colour": "green", "year": "2022"})

    assert len(listed(response)) == 4
    assert problems(response) == []


def test_too_many_words_are_named(client, grid):
    response = client.get(URL, {"q": " ".join(f"w{n}" for n in range(20))})

    assert problems(response) == ["关键词：只按前 10 个词检索，其余的词未使用。"]


def test_html_typed_in_the_search_box_is_shown_escaped(client, grid):
    html = client.get(URL, {"q": '<script>alert("x")</script>'}).content.decode()

    assert "<script>alert" not in html
    assert 'value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"' in html


def test_html_in_a_bad_value_is_shown_escaped_in_the_message(client, grid):
    html = client.get(URL, {"region": "<b>XX</b>"}).content.decode()

    assert "<b>XX</b>" not in html
    assert "&lt;b&gt;XX&lt;/b&gt;" in html


def test_it_answers_reads_only(client):
    assert client.post(URL).status_code == 405


# --- Cost ------------------------------------------------------------------------------------

def test_a_page_costs_the_same_queries_for_5_or_60_factors(client, django_assert_max_num_queries):
    region = RegionFactory(code="CN")
    PublishedVersionFactory.create_batch(5, factor__region=region)
    with django_assert_max_num_queries(10) as five:
        client.get(URL, {"per_page": "100", "q": "电网 China"})
    PublishedVersionFactory.create_batch(55, factor__region=region,
                                         factor__category=CategoryFactory(code="other"),
                                         factor__dataset=DatasetFactory(code="OTHER", authority_rank=2))
    with django_assert_max_num_queries(len(five.captured_queries)):
        response = client.get(URL, {"per_page": "100", "q": "电网 China"})
    assert len(listed(response)) == 60


# --- /search/ and English --------------------------------------------------------------------

@pytest.mark.parametrize(("address", "target"), [
    ("/search/?q=x", "/factors/?q=x"),
    ("/en/search/?q=x", "/en/factors/?q=x"),
    ("/search/", "/factors/"),
])
def test_search_leads_to_the_factor_list_with_the_same_query(client, address, target):
    response = client.get(address)

    assert response.status_code == 302
    assert response["Location"] == target


def test_the_english_page_is_in_english_with_english_names(client, grid):
    html = client.get("/en/factors/", {"region": "CN-GD", "year": "abc"}).content.decode()

    chrome = [(tag, text) for tag, text in texts_of(html, "title", "h1", "h2", "thead", "label", "legend",
                                                     "summary", "button", "p", "li", "a")
              if HAN.search(text)]
    assert chrome == []
    assert "Average grid electricity CO2 factor (Guangdong, 2022, per kWh)" in html
    assert "Factors found: 1" in html
    assert "Year: Enter a whole number." in html
    assert 'href="/en/factors/' in html


def test_the_old_search_address_passes_on_only_the_form_s_fields_and_none_too_long(client):
    response = client.get("/search/?" + "q=" + "全国" * 3000 + "&unknown=1&year=2022")

    assert response.status_code == 302
    assert response["Location"] == "/factors/?" + urlencode({"q": ("全国" * 3000)[:200], "year": "2022"})
