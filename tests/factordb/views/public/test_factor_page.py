"""The public factor page at its permanent address: only what the API serves, in words."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factordb import gwp
from factordb.constants import FactorStatus
from factordb.models import FactorVersion, GasAmount, GwpValue, ReviewAssignment
from factordb.services import review
from factordb.services.factors import (
    SourceCitation,
    factor_version_create_draft,
    factor_version_publish_official,
)
from factordb.services.releases import release_cut
from tests.factories import (
    STATE_FACTORIES,
    DraftVersionFactory,
    FactorFactory,
    GasFactory,
    GwpSetFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

V1_AT = dt.datetime(2023, 3, 1, 12, tzinfo=dt.UTC)
V2_AT = dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC)
GWP = {"AR4": {"CO2": 1, "CH4": 25, "N2O": 298},
       "AR5": {"CO2": 1, "CH4": 28, "N2O": 265},
       "AR6": {"CO2": 1, "CH4": Decimal("27.9"), "N2O": 273}}
FUEL = {"CO2": Decimal("2624.61"), "CH4": Decimal("0.0267"), "N2O": Decimal("0.04005")}


@pytest.fixture
def gwp_sets():
    sets = {code: GwpSetFactory(code=code, name=f"IPCC {code}") for code in GWP}
    for code, values in GWP.items():
        for gas_code, value in values.items():
            gas = GasFactory(code=gas_code, formula=gas_code, name_zh=f"气体{gas_code}",
                             name_en=f"Gas {gas_code}")
            GwpValue.objects.update_or_create(gwp_set=sets[code], gas=gas, defaults={"value": value})
    return sets


@pytest.fixture
def source():
    return SourceFactory(title="2006 IPCC Guidelines Vol.2", publisher="IPCC", year=2006,
                         document_id="IPCC-2006-V2", url="https://www.ipcc-nggip.iges.or.jp/")


@pytest.fixture
def factor():
    return FactorFactory(name_zh="无烟煤燃烧排放因子", name_en="Anthracite combustion factor", year=2006)


def draft(factor, author, gwp_set, amounts, *, total=None, source=None, **content):
    content = {"dq_reliability": 4, "dq_completeness": 2, "dq_temporal": 4, "dq_geographical": 3,
               "dq_technological": 3, **content}
    citations = [SourceCitation(source, "Table 1.4")] if source else []
    return factor_version_create_draft(factor=factor, author=author, gwp_set=gwp_set, gas_amounts=amounts,
                                       citations=citations, co2e_total=total, **content)


def official(factor, approver, gwp_set, amounts, *, at=V1_AT, **content):
    version = draft(factor, approver, gwp_set, amounts, **content)
    return factor_version_publish_official(version=version, published_at=at, actor=approver)


def reviewed(factor, editor, reviewers, approver, gwp_set, amounts, *, why, **content):
    """A version taken along the whole review road: submitted with `why`, approved by the
    reviewers, published by the approver."""
    content.setdefault("source", SourceFactory())  # submission requires a source
    version = draft(factor, editor, gwp_set, amounts, **content)
    review.factor_version_submit(version=version, actor=editor, comment=why)
    for reviewer in reviewers:
        review.review_assign(version=version, reviewer=reviewer, actor=approver)
    for assignment in ReviewAssignment.objects.filter(version=version).order_by("pk"):
        review.review_approve(assignment=assignment, actor=assignment.reviewer, declares_no_conflict=True)
    return review.factor_version_publish(version=FactorVersion.objects.get(pk=version.pk), actor=approver,
                                         comment="")


@pytest.fixture
def fuel(factor, approver, gwp_sets, source):
    derivation = {"parameters": {"net_calorific_value": {"value": "26.7", "unit": "TJ/Gg"}},
                  "gases": {"CO2": {"parameters": ["net_calorific_value"], "unit_conversion": "98.3",
                                    "result": "2624.61"}}}
    return official(factor, approver, gwp_sets["AR5"], FUEL, source=source, notes_zh="按 IPCC 缺省值。",
                    derivation=derivation)


def page(client, public_id, query="", language=""):
    prefix = "/en" if language == "en" else ""
    return client.get(f"{prefix}/factors/{public_id}/{query}")


def text(response) -> str:
    """The page's main content as a reader sees it: tags gone, spaces collapsed."""
    html = response.content.decode()
    main = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


# --- What is public, and what never is -------------------------------------------------------


def test_the_page_shows_the_value_in_force_and_what_it_is(client, fuel):
    response = page(client, fuel.factor.public_id)

    assert response.status_code == 200
    shown = text(response)
    factor = fuel.factor
    assert "2635.97085 kg CO2e / kWh" in shown
    assert "无烟煤燃烧排放因子" in shown
    for label in (factor.category.name_zh, factor.region.name_zh, "2006", factor.dataset.name_zh,
                  factor.get_boundary_display(), factor.get_method_display(), "按 IPCC 缺省值。"):
        assert label in shown


def test_the_english_page_names_the_factor_in_english_and_marks_chinese_fallbacks(client, fuel):
    response = page(client, fuel.factor.public_id, language="en")

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Anthracite combustion factor" in text(response)
    # No English notes: the Chinese ones are shown, marked as Chinese.
    assert re.search(r'<p lang="zh-Hans">\s*按 IPCC 缺省值。', html)


def test_an_unknown_id_answers_the_sites_404(client, fuel):
    response = client.get("/factors/EFNOSUCHID00/")
    assert response.status_code == 404


@pytest.mark.parametrize("status", [s for s in FactorStatus if s != FactorStatus.PUBLISHED])
def test_a_factor_with_no_version_in_force_answers_the_same_404(client, status):
    version = STATE_FACTORIES[status](co2e_total=Decimal("0.9999"))
    response = page(client, version.factor.public_id)
    assert response.status_code == 404
    assert b"0.9999" not in response.content


def test_a_withdrawn_factor_answers_404(client, fuel, approver):
    review.factor_version_withdraw(version=fuel, actor=approver, reason="source retracted")
    assert page(client, fuel.factor.public_id).status_code == 404


@pytest.mark.parametrize("status", [FactorStatus.DRAFT, FactorStatus.SUBMITTED, FactorStatus.IN_REVIEW,
                                    FactorStatus.APPROVED, FactorStatus.REJECTED])
def test_versions_on_the_review_road_never_appear(client, fuel, status):
    STATE_FACTORIES[status](factor=fuel.factor, version=7, co2e_total=Decimal("7777.123"))

    response = page(client, fuel.factor.public_id)

    assert "2635.97085" in text(response)
    assert "7777.123" not in response.content.decode()
    assert "第 7 版" not in text(response)


# --- The gases under another GWP set -------------------------------------------------------


def test_the_breakdown_states_each_gas_with_its_gwp_and_share(client, fuel):
    shown = text(page(client, fuel.factor.public_id))

    # CH4 under AR5: 0.0267 kg × 28 = 0.7476 kg CO2e; N2O: 0.04005 × 265 = 10.61325.
    assert "气体CH4 CH4 0.0267 28 0.7476" in shown
    assert "气体N2O N2O 0.04005 265 10.61325" in shown


def test_another_gwp_set_recomputes_the_value_by_the_right_amount(client, fuel, gwp_sets):
    response = page(client, fuel.factor.public_id, "?gwp=AR6")

    shown = text(response)
    expected = gwp.co2e_from_breakdown(FUEL, GWP["AR6"])
    assert expected == Decimal("2624.61") + Decimal("0.0267") * Decimal("27.9") + Decimal("0.04005") * 273
    assert f"按 AR6 重新计算的值（非来源声明值）： {expected.normalize()} kg CO2e" in shown
    # The stated value under its own set stays in sight.
    assert "来源声明值（按 AR5）： 2635.97085 kg CO2e" in shown
    assert re.search(r'<a href="\?gwp=AR6#gases" aria-current="true">AR6', response.content.decode())


def test_the_gwp_links_work_without_javascript_and_mark_the_set_in_use(client, fuel, gwp_sets):
    html = page(client, fuel.factor.public_id).content.decode()

    for code in GWP:
        assert f'href="?gwp={code}#gases"' in html
    assert re.search(r'href="\?gwp=AR5#gases" aria-current="true">AR5', html)
    assert "recomputed" not in html  # under its own set, nothing is recomputed


def test_a_factor_without_a_breakdown_says_it_cannot_be_recomputed(client, gwp_sets):
    version = DraftVersionFactory(gwp_set=gwp_sets["AR5"], co2e_total=Decimal("0.5366"))
    GasAmount.objects.filter(version=version).delete()
    version.status, version.published_at = FactorStatus.PUBLISHED, V1_AT
    version.save()

    response = page(client, version.factor.public_id, "?gwp=AR6")

    assert response.status_code == 200
    assert "此因子没有分气体数据，无法按其他 GWP 值集重新计算" in text(response)
    assert "0.5366 kg CO2e" in text(response)


@pytest.mark.parametrize("asked", ["AR9", "<script>alert(1)</script>", "ar6", "A" * 5000])
def test_an_unknown_gwp_set_is_named_and_the_page_still_answers(client, fuel, asked):
    response = client.get(f"/factors/{fuel.factor.public_id}/", {"gwp": asked})

    assert response.status_code == 200
    assert "GWP 值集（gwp）：没有这个值集" in text(response)
    assert "<script>alert" not in response.content.decode()
    assert "2635.97085 kg CO2e" in text(response)


def test_biogenic_co2_is_shown_apart_from_the_total(client, factor, approver, gwp_sets):
    version = official(factor, approver, gwp_sets["AR5"], {"CO2": Decimal("1.5")},
                       biogenic_co2=Decimal("0.25"))

    shown = text(page(client, version.factor.public_id))

    assert "生物源 CO2：0.25 kg/活动单位，单独报告，不计入 CO2e 合计。" in shown
    assert "1.5 kg CO2e" in shown


# --- Uncertainty, quality, derivation ----------------------------------------------------------


def test_uncertainty_and_quality_are_told_in_words(client, factor, approver, gwp_sets):
    version = official(factor, approver, gwp_sets["AR5"], {"CO2": Decimal("2")},
                       uncertainty_distribution="lognormal",
                       uncertainty_low_pct=Decimal("7"), uncertainty_high_pct=Decimal("12.5"),
                       uncertainty_gsd=Decimal("10.0000"), quality_note="Read from the official table.",
                       dq_reliability=1, dq_completeness=5)

    shown = text(page(client, version.factor.public_id))

    assert "对数正态分布" in shown
    assert "−7% 到 +12.5%" in shown
    assert "几何标准差 GSD 10 " in shown
    assert "可靠性 1 / 5 经核实的实测数据" in shown
    assert "完整性 5 / 5 代表性未知，或来自少数场所且时间较短的数据" in shown
    assert "时间代表性 4 / 5 相差不到 15 年" in shown
    assert "Read from the official table." in shown

    english = text(page(client, version.factor.public_id, language="en"))
    assert "Reliability 1 / 5 Verified data based on measurements" in english
    assert "Lognormal" in english


def test_the_derivation_lists_its_parameters_with_units(client, fuel):
    shown = text(page(client, fuel.factor.public_id))

    assert "net_calorific_value 26.7 TJ/Gg" in shown
    assert "CO2 net_calorific_value × 1 × 98.3 2624.61" in shown


# --- Sources and citation -----------------------------------------------------------------------


def test_sources_link_to_their_page_and_the_citation_names_the_version(client, fuel, source, approver):
    release_cut(name="2025.1", actor=approver)

    response = page(client, fuel.factor.public_id)

    html, shown = response.content.decode(), text(response)
    assert f'href="/sources/{source.pk}/"' in html
    for part in ("2006 IPCC Guidelines Vol.2", "IPCC-2006-V2", "Table 1.4", "https://www.ipcc-nggip.iges.or.jp/"):
        assert part in shown
    today = timezone.localdate()
    cite = re.search(r'<textarea id="cite-text" class="cite-text" readonly[^>]*>([^<]*)</textarea>',
                     html).group(1)
    assert cite == (f"无烟煤燃烧排放因子，公开编号 {fuel.factor.public_id}，第 {fuel.version} 版，"
                    "发行版 2025.1。"
                    f"http://testserver/factors/{fuel.factor.public_id}/"
                    f"（访问日期：{today.year}年{today.month}月{today.day}日）")
    assert 'src="/static/js/cite.js"' in html


def test_the_english_citation_is_in_english(client, fuel):
    html = page(client, fuel.factor.public_id, language="en").content.decode()

    assert (f"Anthracite combustion factor, public ID {fuel.factor.public_id}, version {fuel.version}. "
            f"http://testserver/en/factors/{fuel.factor.public_id}/ (accessed ") in html


# --- History and review record -------------------------------------------------------------------


@pytest.fixture
def corrected(fuel, editor, reviewers, approver, gwp_sets, source):
    """The fuel factor's second version, with a new CO2 amount, reviewed by two experts."""
    return reviewed(fuel.factor, editor, reviewers[:2], approver, gwp_sets["AR5"],
                    {**FUEL, "CO2": Decimal("2600")}, source=source,
                    why="按 2019 年修订版更正低位发热量")


def test_the_history_lists_public_versions_newest_first_with_what_changed_and_why(client, corrected):
    response = page(client, corrected.factor.public_id)

    html, shown = response.content.decode(), text(response)
    assert '<h2 id="history">' in html
    history = shown[shown.index("版本历史"):]
    assert history.index("第 2 版") < history.index("第 1 版")
    # The correction left out the notes and the derivation: the reader is told so.
    assert "相对第 1 版改动：CO2e 合计（kg/活动单位）、中文备注、推导参数、分气体排放量" in history
    assert "原因：按 2019 年修订版更正低位发热量" in history
    assert "首个公开版本" in history
    assert "已被取代" in history


def test_a_withdrawn_version_in_the_history_says_why(client, corrected, approver, gwp_sets):
    review.factor_version_withdraw(version=corrected, actor=approver, reason="热值引用有误")
    third = official(corrected.factor, approver, gwp_sets["AR5"], FUEL, at=timezone.now())

    shown = text(page(client, third.factor.public_id))

    assert "撤回原因：热值引用有误" in shown
    assert "已撤回" in shown


def test_the_review_record_counts_independent_approvals_and_names_only_consenting_reviewers(
        client, fuel, editor, reviewers, approver, gwp_sets):
    named, unnamed = reviewers[:2]
    named.first_name, named.last_name, named.named_in_public_review_record = "Li", "Mingjie", True
    unnamed.first_name, unnamed.last_name = "Zhang", "Unconsenting"
    named.save()
    unnamed.save()
    version = reviewed(fuel.factor, editor, [named, unnamed], approver, gwp_sets["AR5"],
                       {**FUEL, "CO2": Decimal("2600")}, why="更正")

    response = page(client, version.factor.public_id)

    html, shown = response.content.decode(), text(response)
    record = shown[shown.index("评审记录"):shown.index("历年数值")]
    assert "同意发布的独立评审专家：2 位。" in record
    assert "Li Mingjie" in record
    assert "Unconsenting" not in html
    assert unnamed.username not in html
    assert "（专家未同意公开署名）" in record
    decided = ReviewAssignment.objects.get(version=version, reviewer=named).decided_at
    assert f'datetime="{timezone.localtime(decided).isoformat()}"' in html


def test_official_statistics_say_they_were_not_reviewed_here(client, fuel):
    shown = text(page(client, fuel.factor.public_id))
    assert "此版本是官方统计数据，按主管部门自己的公布值原样发布，未经本平台专家评审。" in shown


# --- The API and release files ------------------------------------------------------------------


def test_the_page_links_the_same_record_in_the_api_and_the_release_files(client, fuel, approver):
    release_cut(name="2025.1", actor=approver)

    html = page(client, fuel.factor.public_id).content.decode()

    public_id = fuel.factor.public_id
    assert f'href="/api/v1/factors/{public_id}/"' in html
    assert f'href="/api/v1/factors/{public_id}/versions/"' in html
    assert 'href="/releases/2025.1/"' in html
    assert 'href="/api/v1/releases/2025.1/download.json"' in html
    assert 'href="/api/v1/releases/2025.1/download.csv"' in html


def test_a_version_no_release_pins_says_so(client, fuel):
    assert "此版本尚未被任何已封存的发行版收录。" in text(page(client, fuel.factor.public_id))


# --- As of a day, or in a release ---------------------------------------------------------------


@pytest.fixture
def two_versions(factor, approver, gwp_sets):
    first = official(factor, approver, gwp_sets["AR5"], {"CO2": Decimal("0.5810")}, at=V1_AT)
    release_cut(name="2023.1", actor=approver)
    second = official(factor, approver, gwp_sets["AR5"], {"CO2": Decimal("0.5366")}, at=V2_AT)
    return first, second


def test_a_past_day_shows_the_version_in_force_at_its_end(client, two_versions):
    first = two_versions[0]

    response = page(client, first.factor.public_id, "?as_of=2023-06-30")

    shown = text(response)
    assert response.status_code == 200
    assert "0.581 kg CO2e" in shown
    assert "显示的是 2023年6月30日 日终时有效的版本。" in shown
    assert "当前有效的是第 2 版（0.5366）。" in shown
    assert f'<a href="/factors/{first.factor.public_id}/">查看当前数值</a>' in response.content.decode()


def test_a_day_counts_until_its_end_in_the_platforms_time_zone(client, two_versions):
    first = two_versions[0]
    published_day = timezone.localtime(V2_AT).date().isoformat()

    assert "0.5366 kg CO2e" in text(page(client, first.factor.public_id, f"?as_of={published_day}"))


def test_a_sealed_release_shows_the_version_it_pinned(client, two_versions):
    first = two_versions[0]

    response = page(client, first.factor.public_id, "?release=2023.1")

    shown = text(response)
    assert "0.581 kg CO2e" in shown
    assert "显示的是发行版 2023.1 收录的版本。" in shown
    assert '<option value="2023.1" selected>' in response.content.decode()


def test_a_day_before_the_factor_was_in_force_says_so_and_shows_the_current_value(client, two_versions):
    first = two_versions[0]

    response = page(client, first.factor.public_id, "?as_of=2020-01-01")

    assert response.status_code == 200
    shown = text(response)
    assert "2020年1月1日 日终时此因子没有有效的版本。" in shown
    assert "0.5366 kg CO2e" in shown


@pytest.mark.parametrize(("query", "message"), [
    ("?as_of=2023-02-30", "日期（as_of）：须为 YYYY-MM-DD 格式的有效日期"),
    ("?as_of=yesterday", "日期（as_of）：须为 YYYY-MM-DD 格式的有效日期"),
    ("?as_of=0001-01-01", "日期（as_of）：须为 YYYY-MM-DD 格式的有效日期"),
    ("?as_of=2023-06-30T00:00:00", "日期（as_of）：须为 YYYY-MM-DD 格式的有效日期"),
    ("?as_of=9999-12-31", "日期（as_of）：不能晚于今天。"),
    ("?release=2099.1", "发行版（release）：没有这个已封存的发行版。"),
    ("?release=%3Cscript%3E", "发行版（release）：没有这个已封存的发行版。"),
    ("?release=2023.1%27--", "发行版（release）：没有这个已封存的发行版。"),
])
def test_a_moment_the_page_cannot_use_is_named_and_the_current_value_shown(client, two_versions, query,
                                                                           message):
    first = two_versions[0]

    response = page(client, first.factor.public_id, query)

    assert response.status_code == 200
    assert message in text(response)
    assert "0.5366 kg CO2e" in text(response)
    assert "<script>" not in response.content.decode().split("<main")[1]


def test_a_future_day_is_refused(client, two_versions):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = page(client, two_versions[0].factor.public_id, f"?as_of={tomorrow.isoformat()}")
    assert "日期（as_of）：不能晚于今天。" in text(response)


# --- Cost ----------------------------------------------------------------------------------------


def queries_for(client, public_id: str) -> int:
    """The queries of the page worked out, not served from the page cache."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/factors/{public_id}/", HTTP_CACHE_CONTROL="no-cache").status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_whatever_its_gases_and_history(client, editor, reviewers, approver,
                                                                      gwp_sets, source):
    ar5 = gwp_sets["AR5"]
    gases = {f"G{n}": Decimal(n) for n in range(8)}
    for code in gases:
        GwpValue.objects.create(gwp_set=ar5, gas=GasFactory(code=code, formula=code), value=n_gwp(code))
    small = reviewed(FactorFactory(), editor, reviewers[:2], approver, ar5,
                     {"CO2": Decimal(2), "CH4": Decimal("0.1")}, why="a", source=source)
    big_factor = FactorFactory()
    for n in range(5):
        official(big_factor, approver, ar5, {**gases, "CO2": Decimal(n + 1)}, source=source,
                 at=V1_AT + dt.timedelta(days=n))
    big_reviewed = reviewed(big_factor, editor, reviewers[:2], approver, ar5, {**gases, "CO2": Decimal(9)},
                            why="b", source=SourceFactory())
    assert big_reviewed.version == 6

    assert small.version == 1
    # Where the cache is shared, the first page reads the reference lists for the generation.
    queries_for(client, small.factor.public_id)
    small_cost = queries_for(client, small.factor.public_id)
    assert small_cost == queries_for(client, big_factor.public_id)
    assert small_cost <= 30, small_cost


def n_gwp(code: str) -> int:
    return 10 + int(code[1:])


# --- Reviewers' consent in the admin ---------------------------------------------------------------


def test_the_user_admin_shows_whether_a_reviewer_agreed_to_be_named(admin_client, reviewer):
    response = admin_client.get(f"/admin/accounts/user/{reviewer.pk}/change/")

    assert response.status_code == 200
    assert 'name="named_in_public_review_record"' in response.content.decode()
    assert "同意在公开评审记录中署名" in response.content.decode()


def test_the_gwp_links_keep_the_day_asked_for(client, two_versions, gwp_sets):
    first = two_versions[0]

    response = page(client, first.factor.public_id, "?as_of=2023-06-30&gwp=AR9")

    html, shown = response.content.decode(), text(response)
    assert 'href="?as_of=2023-06-30&amp;gwp=AR6#gases"' in html
    assert "GWP 值集（gwp）：没有这个值集，可选：AR4, AR5, AR6。" in shown
    # The day was understood: its version is shown, not the current one.
    assert "0.581 kg CO2e" in shown
    assert "下面显示的是当前有效的数值。" not in shown
