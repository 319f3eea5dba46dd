"""Charts are SVG any reader can take in: well-formed, scaled by a viewBox, described in
words, and safe whatever the data's names hold."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation

from factordb.charts import Bar, Point, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def text_alternative(svg: ET.Element) -> tuple[str, str]:
    title_id, desc_id = svg.get("aria-labelledby").split()
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    return title.text, desc.text


def drawn_texts(svg: ET.Element) -> list[str]:
    return [element.text for element in svg.iter(f"{SVG}text")]


GRID = [Point(2021, Decimal("0.5568")), Point(2022, Decimal("0.5366"))]


def test_a_line_chart_is_an_image_named_by_its_title_and_described_in_words():
    svg = parse(line_chart(GRID, title="全国电网平均排放因子", unit="kg CO2e/kWh", chart_id="grid"))

    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    title, description = text_alternative(svg)
    assert title == "全国电网平均排放因子"
    assert description == "从 2021 年的 0.5568 到 2022 年的 0.5366（kg CO2e/kWh），共 2 年。"


def test_a_line_chart_labels_each_point_with_its_value_and_a_tooltip():
    svg = parse(line_chart(GRID, title="t", unit="kg CO2e/kWh", chart_id="grid"))

    assert {"0.5568", "0.5366", "2021", "2022"} <= set(drawn_texts(svg))
    tooltips = [group.find(f"{SVG}title").text for group in svg.iter(f"{SVG}g")]
    assert tooltips == ["2021：0.5568 kg CO2e/kWh", "2022：0.5366 kg CO2e/kWh"]


@pytest.mark.parametrize("chart", [
    lambda: line_chart(GRID, title="t", unit="u", chart_id="c"),
    lambda: bar_chart([Bar("广东", Decimal("0.4403"))], title="t", unit="u", chart_id="c"),
])
def test_a_chart_scales_to_any_width_by_its_view_box_and_has_no_fixed_size(chart):
    svg = parse(chart())

    assert svg.get("width") is None
    assert svg.get("height") is None
    assert re.fullmatch(r"0 0 \d+ \d+(\.\d)?", svg.get("viewBox"))
    assert "<script" not in str(chart())
    assert "http://" not in str(chart()).replace(SVG[1:-1], "")


def test_a_line_chart_starts_its_value_axis_at_zero():
    svg = parse(line_chart(GRID, title="t", unit="u", chart_id="c"))

    assert "0" in drawn_texts(svg)  # a 4 % fall must not look like a collapse


def test_a_year_without_a_figure_breaks_the_line():
    points = [Point(2019, Decimal("0.6")), Point(2020, Decimal("0.58")), Point(2021, None),
              Point(2022, Decimal("0.54")), Point(2023, Decimal("0.53"))]
    svg = parse(line_chart(points, title="t", unit="u", chart_id="c"))

    lines = svg.findall(f"{SVG}polyline")
    assert [len(line.get("points").split()) for line in lines] == [2, 2]
    assert "2021" in drawn_texts(svg)  # the year is still on the axis, with no point
    assert len(svg.findall(f".//{SVG}circle")) == 4


def test_a_single_point_is_drawn_and_described_without_a_line():
    svg = parse(line_chart([Point(2022, Decimal("0.4403"))], title="t", unit="kg CO2e/kWh", chart_id="c"))

    assert svg.find(f"{SVG}polyline") is None
    assert len(svg.findall(f".//{SVG}circle")) == 1
    assert text_alternative(svg)[1] == "2022 年为 0.4403 kg CO2e/kWh。"


@pytest.mark.parametrize("chart", [line_chart, bar_chart])
def test_no_data_gives_a_sentence_instead_of_an_empty_chart(chart):
    markup = str(chart([], title="t", unit="u", chart_id="c"))

    assert "<svg" not in markup
    assert "没有可绘制的数据" in markup


def test_names_in_the_data_are_shown_as_text_never_run():
    name = '<script>alert("x")</script>'
    bars = str(bar_chart([Bar(name, Decimal("1"))], title=name, unit="u&v", chart_id="c"))
    line = str(line_chart(GRID, title=name, unit='<b onload="x">', chart_id='c" onload="x'))

    for markup in (bars, line):
        assert "<script" not in markup
        assert "<b " not in markup
        assert '" onload' not in markup
        svg = parse(markup)  # still well-formed
        assert text_alternative(svg)[0] == name
    assert next(parse(bars).iter(f"{SVG}g")).find(f"{SVG}title").text.startswith(name)


PROVINCES = [Bar("广东", Decimal("0.4403")), Bar("全国", Decimal("0.5366"), highlight=True),
             Bar("河北", Decimal("0.7252")), Bar("云南", Decimal("0.1073"))]


def test_bars_come_largest_first_each_with_its_value_at_the_end():
    svg = parse(bar_chart(PROVINCES, title="2022", unit="kg CO2e/kWh", chart_id="c"))

    groups = list(svg.iter(f"{SVG}g"))
    names = [group.find(f"{SVG}title").text.split("：")[0] for group in groups]
    assert names == ["河北", "全国", "广东", "云南"]
    for group in groups:
        rect, value = group.find(f"{SVG}rect"), group.findall(f"{SVG}text")[1]
        end = float(rect.get("x")) + float(rect.get("width"))
        assert float(value.get("x")) == pytest.approx(end + 4, abs=0.11)
    values = [group.findall(f"{SVG}text")[1].text for group in groups]
    assert values == ["0.7252", "0.5366", "0.4403", "0.1073"]


def test_bar_lengths_are_in_proportion_to_the_values():
    svg = parse(bar_chart(PROVINCES, title="t", unit="u", chart_id="c"))

    widths = {g.find(f"{SVG}title").text.split("：")[0]: float(g.find(f"{SVG}rect").get("width"))
              for g in svg.iter(f"{SVG}g")}
    assert widths["河北"] / widths["云南"] == pytest.approx(0.7252 / 0.1073, rel=0.01)


def test_the_reference_bar_stands_out_and_is_named_in_the_description():
    svg = parse(bar_chart(PROVINCES, title="t", unit="kg CO2e/kWh", chart_id="c"))

    fills = {g.find(f"{SVG}title").text.split("：")[0]: g.find(f"{SVG}rect").get("fill")
             for g in svg.iter(f"{SVG}g")}
    assert fills["全国"] != fills["广东"]
    assert len(set(fills.values())) == 2
    description = text_alternative(svg)[1]
    assert "最高为河北 0.7252" in description
    assert "最低为云南 0.1073" in description
    assert "参考值：全国 0.5366" in description


def test_a_negative_value_a_removal_is_drawn_left_of_zero():
    bars = [Bar("造林", Decimal("-1.5")), Bar("水泥", Decimal("0.8"))]
    svg = parse(bar_chart(bars, title="t", unit="u", chart_id="c"))

    rects = {g.find(f"{SVG}title").text.split("：")[0]: g.find(f"{SVG}rect") for g in svg.iter(f"{SVG}g")}
    removal, emission = rects["造林"], rects["水泥"]
    zero = float(emission.get("x"))
    assert float(removal.get("x")) + float(removal.get("width")) == pytest.approx(zero, abs=0.11)
    assert float(removal.get("x")) > 0
    assert "-1.5" in drawn_texts(svg)


def test_a_negative_value_on_a_line_chart_lowers_the_axis_below_zero():
    svg = parse(line_chart([Point(2021, Decimal("-0.15")), Point(2022, Decimal("0.3"))],
                           title="t", unit="u", chart_id="c"))

    ticks = [text for text in drawn_texts(svg) if text not in {"2021", "2022", "-0.15", "0.3"}]
    assert any(tick.startswith("-") for tick in ticks)
    circles = svg.findall(f".//{SVG}circle")
    assert float(circles[0].get("cy")) > float(circles[1].get("cy"))  # lower on the page


@pytest.mark.parametrize("value", [Decimal("0"), Decimal("0.5")])
def test_equal_values_draw_equal_bars_and_a_flat_line(value):
    bars = parse(bar_chart([Bar("甲", value), Bar("乙", value)], title="t", unit="u", chart_id="c"))
    line = parse(line_chart([Point(2021, value), Point(2022, value)], title="t", unit="u", chart_id="c"))

    assert len({rect.get("width") for rect in bars.iter(f"{SVG}rect")}) == 1
    assert len({circle.get("cy") for circle in line.iter(f"{SVG}circle")}) == 1


def test_a_long_label_is_shortened_on_the_chart_and_kept_whole_in_its_tooltip():
    long_name = "Inner Mongolia (West) grid of an unusually long official name"
    svg = parse(bar_chart([Bar(long_name, Decimal("0.6")), Bar("x", Decimal("0.5"))],
                          title="t", unit="u", chart_id="c"))

    group = next(svg.iter(f"{SVG}g"))
    assert group.find(f"{SVG}title").text.startswith(long_name)
    assert group.find(f"{SVG}text").text.endswith("…")


def test_the_text_alternative_follows_the_language():
    with translation.override("en"):
        svg = parse(line_chart(GRID, title="t", unit="kg CO2e/kWh", chart_id="c"))

    assert text_alternative(svg)[1] == "From 0.5568 in 2021 to 0.5366 in 2022 (kg CO2e/kWh), 2 years."
