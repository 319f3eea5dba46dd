"""The site's URLs plus the baselines: a bare view (a fixed JsonResponse), a thin ORM view (the
obvious values() query of one published factor, as JSON) and a fixed page (a fixed template
through base.html), all through the same middleware, gunicorn and settings, so the API's and
the pages' figures can be read as ratios to them."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import engines
from django.urls import path

from factordb.models import FactorVersion
from factordb.urls import handler404  # noqa: F401
from factordb.urls import urlpatterns as site_urlpatterns

BODY = {"public_id": "EF0000000", "co2e_total": "0.5366", "unit": "kWh"}

# About the size of a result page: a heading, a paragraph and a table of 25 rows.
FIXED_PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<h1>因子检索</h1><p>找到 25 个因子。</p>'
    "<table><thead><tr><th>编号</th><th>名称</th><th>数值</th></tr></thead><tbody>"
    "{% for n in rows %}<tr><td>EF{{ n }}</td><td>电力平均二氧化碳排放因子（全国，2022）</td>"
    "<td>0.5366</td></tr>{% endfor %}</tbody></table>{% endblock %}")


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse(BODY)


def thin_orm(request: HttpRequest, public_id: str) -> JsonResponse:
    """What a worked-out detail could cost at best: one query, one row, no API machinery."""
    row = (FactorVersion.objects.filter(factor__public_id=public_id, status="published").order_by()
           .values("factor__public_id", "factor__name_zh", "factor__name_en", "factor__year", "version",
                   "co2e_total", "published_at").first())
    if row is None:
        raise Http404
    return JsonResponse(row)


def fixed_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(FIXED_PAGE.render({"rows": range(25)}, request))


urlpatterns = [path("bench/bare/", bare), path("bench/thin-orm/<str:public_id>/", thin_orm),
               path("bench/fixed-page/", fixed_page), *site_urlpatterns]
