"""Charts drawn on the server as SVG: readable with JavaScript off, printable, and each
with a text alternative and the table of its figures beside it."""

from django import template

register = template.Library()


@register.inclusion_tag("factordb/public/includes/series_chart.html")
def series_chart(version) -> dict:
    """The factor's published values across the years, same category, region and unit."""
    return {"version": version}
