"""Charts drawn on the server as SVG markup: plain data in, escaped markup out.

Why on the server and as SVG: a chart must read with JavaScript off, print, scale to any
width (a viewBox, never a fixed pixel width, so it fits a 360 px phone) and carry its own
text alternative (`role="img"`, `aria-labelledby` naming its <title> and <desc>). Every
text that comes from the data (region names, years, units) goes through format_html, so
a name holding markup is shown, never run. The pages put the same figures in a table
beside each chart: the chart is for seeing the shape, the table for reading the values.

No display of a number here is rounded: values are written as the source wrote them
(plain_decimal), positions only are floats.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from factordb.templatetags.public import plain_decimal

# Widths in user units: the text (13 units) stays 11 px or more on a 360 px phone. The line
# chart, sparse, is narrower, so that its few labels read larger.
BAR_WIDTH = 400
LINE_WIDTH = 320
FONT = 13
INK = "#1d2a33"  # the page's text colour: 14:1 on white
MUTED = "#4f5f69"  # 6.6:1 on white, for axis labels
LINE = "#b8c4cc"  # grid lines: decoration, not information
BAR = "#1f6f50"  # 6:1 on white, and still dark when printed in grey
REFERENCE = "#8a4b00"  # the highlighted (reference) bars: 6.4:1, a different lightness too
FONT_FAMILY = 'system-ui, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif'


@dataclass(frozen=True)
class Point:
    """One year of a line chart; value None is a year without a figure (a gap)."""

    year: int
    value: Decimal | None


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    highlight: bool = False


def line_chart(points: Sequence[Point], *, title: str, unit: str, chart_id: str) -> SafeString:
    """Values by year: a line broken where a year has no figure, each point labelled."""
    known = sorted((p for p in points if p.value is not None), key=lambda p: p.year)
    if not known:
        return _no_data()
    first_year, last_year = known[0].year, known[-1].year
    by_year = {p.year: p.value for p in known}
    scale = _Scale([p.value for p in known])
    left = max(_text_width(plain_decimal(tick)) for tick in scale.ticks) + 12
    top, bottom, right = 24, 32, 24
    height = 200
    plot_width, plot_height = LINE_WIDTH - left - right, height - top - bottom
    years = list(range(first_year, last_year + 1))

    inset = 28  # room for the first and last points' labels, clear of the value axis

    def x(year: int) -> float:
        if len(years) == 1:
            return left + plot_width / 2
        return left + inset + (plot_width - 2 * inset) * (year - first_year) / (len(years) - 1)

    def y(value: Decimal) -> float:
        return top + plot_height * (1 - scale.fraction(value))

    parts = [_y_axis(scale, left, LINE_WIDTH - right, y)]
    step = max(1, math.ceil(len(years) / 8))  # at most eight year labels: they must not overlap
    parts += [format_html('<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                          _n(x(year)), _n(height - bottom + 18), MUTED, year)
              for year in years[::step]]
    parts += [format_html('<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>',
                          " ".join(f"{_n(x(p.year))},{_n(y(p.value))}" for p in run), BAR)
              for run in _runs(years, by_year) if len(run) > 1]
    label_points = len(known) <= 12
    for p in known:
        value_text = plain_decimal(p.value)
        parts.append(format_html(
            '<g><title>{}</title><circle cx="{}" cy="{}" r="4" fill="{}"/>{}</g>',
            _("%(year)s：%(value)s %(unit)s") % {"year": p.year, "value": value_text, "unit": unit},
            _n(x(p.year)), _n(y(p.value)), BAR,
            format_html('<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                        _n(x(p.year)), _n(y(p.value) - 9), INK, value_text) if label_points else "",
        ))
    return _svg(chart_id, LINE_WIDTH, height, title, _line_description(known, unit), parts)


def bar_chart(bars: Sequence[Bar], *, title: str, unit: str, chart_id: str) -> SafeString:
    """One horizontal bar per label, largest first, its value at the bar's end; the
    highlighted bars (a reference, e.g. the national average) in another colour, with a
    dashed line at the first one's value across the chart."""
    if not bars:
        return _no_data()
    ordered = sorted(bars, key=lambda bar: (-bar.value, bar.label))
    scale = _Scale([bar.value for bar in ordered])
    label_width = min(max(_text_width(bar.label) for bar in ordered) + 8, BAR_WIDTH * 0.4)
    value_width = max(_text_width(plain_decimal(bar.value)) for bar in ordered) + 6
    row, top, bottom = 22, 8, 28
    height = top + row * len(ordered) + bottom
    plot_left = label_width + (value_width if scale.low < 0 else 0)
    plot_right = BAR_WIDTH - value_width
    plot_width = plot_right - plot_left

    def x(value: Decimal) -> float:
        return plot_left + plot_width * scale.fraction(value)

    zero = x(Decimal(0))
    parts = [_x_axis(scale, x, top, height - bottom)]
    # Behind the bars and their labels: a reference, not a figure of its own.
    reference = next((bar for bar in ordered if bar.highlight), None)
    if reference is not None and len(ordered) > 1:
        parts.append(format_html(
            '<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}" stroke-width="1.5" '
            'stroke-dasharray="4 3"/>',
            _n(x(reference.value)), top, _n(height - bottom), REFERENCE,
        ))
    for index, bar in enumerate(ordered):
        middle = top + row * index + row / 2
        end = x(bar.value)
        value_text = plain_decimal(bar.value)
        negative = bar.value < 0
        parts.append(format_html(
            '<g><title>{}</title>'
            '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" fill="{}">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="14" fill="{}"/>'
            # A white halo keeps the value readable where the reference line passes behind it.
            '<text x="{}" y="{}" text-anchor="{}" dominant-baseline="middle" fill="{}" stroke="#fff" '
            'stroke-width="3" paint-order="stroke">{}</text></g>',
            _("%(label)s：%(value)s %(unit)s") % {"label": bar.label, "value": value_text, "unit": unit},
            _n(label_width - 6), _n(middle), INK, _fit(bar.label, label_width - 8),
            _n(min(zero, end)), _n(middle - 7), _n(max(abs(end - zero), 1)),
            REFERENCE if bar.highlight else BAR,
            _n(end - 4 if negative else end + 4), _n(middle), "end" if negative else "start",
            REFERENCE if bar.highlight else INK, value_text,
        ))
    parts.append(format_html('<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}"/>',
                             _n(zero), top, _n(height - bottom), INK))
    return _svg(chart_id, BAR_WIDTH, height, title, _bar_description(ordered, unit), parts)


# --- Scales and axes -------------------------------------------------------------------

class _Scale:
    """A value axis from 0 (or below, for negative values) to a round number above the
    largest value, with round ticks: a chart that starts at the smallest value makes a
    4 % difference look like a tenfold one."""

    def __init__(self, values: Sequence[Decimal]) -> None:
        low, high = min(min(values), Decimal(0)), max(max(values), Decimal(0))
        if low == high:  # all zero
            high = Decimal(1)
        self.step = _nice_step((high - low) / 4)
        self.low = (low / self.step).to_integral_value(rounding="ROUND_FLOOR") * self.step
        self.high = (high / self.step).to_integral_value(rounding="ROUND_CEILING") * self.step
        count = int((self.high - self.low) / self.step)
        self.ticks = [self.low + self.step * index for index in range(count + 1)]

    def fraction(self, value: Decimal) -> float:
        return float((value - self.low) / (self.high - self.low))


def _nice_step(raw: Decimal) -> Decimal:
    exponent = math.floor(math.log10(raw))
    power = Decimal(1).scaleb(exponent)
    for multiple in (1, 2, Decimal("2.5"), 5, 10):
        if raw <= power * multiple:
            return power * multiple
    return power * 10


def _y_axis(scale: _Scale, left: float, right: float, y) -> SafeString:
    return format_html_join("", (
        '<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" stroke="{3}" stroke-width="{4}"/>'
        '<text x="{5}" y="{2}" text-anchor="end" dominant-baseline="middle" fill="{6}">{7}</text>'
    ), ((_n(left), _n(right), _n(y(tick)), INK if tick == 0 else LINE, 1.5 if tick == 0 else 1,
         _n(left - 6), MUTED, plain_decimal(tick)) for tick in scale.ticks))


def _x_axis(scale: _Scale, x, top: float, bottom: float) -> SafeString:
    return format_html_join("", (
        '<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}"/>'
        '<text x="{0}" y="{4}" text-anchor="middle" fill="{5}">{6}</text>'
    ), ((_n(x(tick)), top, _n(bottom), LINE, _n(bottom + 16), MUTED, plain_decimal(tick))
        for tick in scale.ticks))


def _runs(years: list[int], by_year: dict[int, Decimal]) -> list[list[Point]]:
    """The stretches of consecutive years with a figure: the line is broken at a gap
    rather than drawn across a year nobody published."""
    runs, current = [], []
    for year in years:
        if year in by_year:
            current.append(Point(year, by_year[year]))
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


# --- Text -------------------------------------------------------------------------------

def _line_description(points: list[Point], unit: str) -> str:
    first, last = points[0], points[-1]
    if len(points) == 1:
        return _("%(year)s 年为 %(value)s %(unit)s。") % {
            "year": first.year, "value": plain_decimal(first.value), "unit": unit}
    return _(
        "从 %(first_year)s 年的 %(first)s 到 %(last_year)s 年的 %(last)s（%(unit)s），共 %(count)s 年。"
    ) % {
        "first_year": first.year, "first": plain_decimal(first.value), "last_year": last.year,
        "last": plain_decimal(last.value), "unit": unit, "count": len(points)}


def _bar_description(bars: list[Bar], unit: str) -> str:
    highest, lowest = bars[0], bars[-1]
    text = _("共 %(count)s 项，最高为%(high_label)s %(high)s，最低为%(low_label)s %(low)s（%(unit)s）。") % {
        "count": len(bars), "high_label": highest.label, "high": plain_decimal(highest.value),
        "low_label": lowest.label, "low": plain_decimal(lowest.value), "unit": unit}
    reference = next((bar for bar in bars if bar.highlight), None)
    if reference is not None:
        text += _("参考值：%(label)s %(value)s。") % {"label": reference.label,
                                                    "value": plain_decimal(reference.value)}
    return text


def _text_width(text: str) -> float:
    """A width estimate without a font at hand: a Chinese character is about an em wide,
    a Latin one a little over half of it."""
    return sum(FONT if ord(char) >= 0x2E80 else FONT * 0.55 for char in text)


def _fit(text: str, width: float) -> str:
    """The label cut to the room it has (the bar's <title> keeps it whole)."""
    if _text_width(text) <= width:
        return text
    while text and _text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _n(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _no_data() -> SafeString:
    return format_html('<p class="muted">{}</p>', _("没有可绘制的数据。"))


def _svg(chart_id: str, width: int, height: float, title: str, description: str, parts: list) -> SafeString:
    # aria-labelledby is a list of ids split on spaces: an id must be one plain word.
    chart_id = re.sub(r"[^A-Za-z0-9_-]", "-", chart_id)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" font-family="{}" font-size="{}">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        width, _n(height), chart_id, chart_id, FONT_FAMILY, FONT,
        chart_id, title, chart_id, description, format_html_join("", "{}", ((part,) for part in parts)),
    )
