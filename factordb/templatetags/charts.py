"""Charts drawn on the server as SVG: readable with JavaScript off, printable, and each
with a text alternative and the table of its figures beside it."""

from django import template
from django.utils.translation import gettext as _

from factordb.charts import Point, line_chart
from factordb.models import FactorVersion
from factordb.selectors_series import factor_series
from factordb.templatetags.public import localized

register = template.Library()


def activity_unit(unit) -> str:
    """How a factor's value is stated: kilograms of CO2e per unit of activity."""
    return f"kg CO2e/{unit.symbol}"


@register.inclusion_tag("factordb/public/includes/series_chart.html")
def series_chart(version: FactorVersion) -> dict:
    """The factor's published values across the years, same category, region and unit."""
    factor = version.factor
    series = factor_series(factor)
    unit = activity_unit(factor.unit)
    # Named by category and region, not by the factor's name, which often holds its year.
    title = _("%(category)s，%(region)s：各年份数值（%(unit)s）") % {
        "category": localized(factor.category, "name"), "region": localized(factor.region, "name"),
        "unit": unit}
    chart = None
    if len(series) > 1:
        chart = line_chart([Point(entry.year, entry.value) for entry in series], title=title, unit=unit,
                           chart_id=f"series-{factor.public_id}")
    return {"series": series, "chart": chart, "title": title, "unit": unit, "current": factor.public_id}
