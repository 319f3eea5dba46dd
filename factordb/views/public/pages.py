"""Pages of explanation: methodology, calculator developers, about; robots.txt, the sitemap
and the icon."""

from django.conf import settings
from django.contrib.sitemaps.views import sitemap
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from factordb import selectors_home
from factordb.constants import QUALITY_INDICATORS, LifecycleBoundary, Methodology
from factordb.models import FactorVersion
from factordb.quality import SCORE_MEANINGS, SCORES
from factordb.services.releases import release_latest
from factordb.sitemaps import SITEMAPS
from factordb.views.public.caching import public_page

# One sentence for each choice a factor states (factordb/constants.py); a new choice without
# one fails tests/factordb/views/public/test_info_pages.py.
BOUNDARY_SENTENCES = {
    LifecycleBoundary.COMBUSTION: _("燃料燃烧时直接排放的温室气体，不含燃料的开采、加工与运输。"),
    LifecycleBoundary.PROCESS: _("生产过程中化学或物理转化产生的排放，如熟料煅烧分解石灰石释放的 CO2。"),
    LifecycleBoundary.CRADLE_TO_GATE: _("从原材料获取到产品离开工厂大门的全部排放。"),
    LifecycleBoundary.CRADLE_TO_GRAVE: _("从原材料获取、生产、使用直至废弃处置的全生命周期排放。"),
    LifecycleBoundary.GATE_TO_GATE: _("只计一个工厂或工序内部的排放，不含上下游。"),
    LifecycleBoundary.WELL_TO_WHEEL: _("燃料从开采、炼制、运输到车辆使用的全部排放。"),
    LifecycleBoundary.GRID_CONSUMPTION: _(
        "从电网购入每千瓦时电力所对应的发电排放（间接排放），按电网平均计算。"),
    LifecycleBoundary.LIFE_CYCLE: _(
        "产品或服务全生命周期、各种温室气体的排放（碳足迹）；电力碳足迹含发电的上游环节，"
        "不同于只计发电直接排放的电力二氧化碳排放因子。"),
}
METHOD_SENTENCES = {
    Methodology.GBT_24067_2024: _(
        "国家标准《温室气体 产品碳足迹 量化要求和指南》，本数据库的产品碳足迹口径。"),
    Methodology.ISO_14067: _("产品碳足迹的国际标准，GB/T 24067-2024 与之等同采用。"),
    Methodology.IPCC_2006: _("IPCC 国家温室气体清单指南的缺省排放因子与计算方法（第 1 层级）。"),
    Methodology.CN_ENTERPRISE_GUIDELINES: _(
        "国家发展改革委发布的行业企业温室气体核算指南，"
        "给出燃料低位发热量、单位热值含碳量与碳氧化率的缺省值。"),
    Methodology.GBT_51366_2019: _("建筑碳排放计算国家标准，附录给出建材从摇篮到大门的碳排放因子。"),
    Methodology.MEE_GRID_FACTORS: _(
        "生态环境部与国家统计局按数据年份公布的全国、区域电网与省级电力二氧化碳排放因子。"),
    Methodology.MEE_ELECTRICITY_FOOTPRINT: _(
        "生态环境部、国家统计局与国家能源局公布的电力碳足迹因子（全生命周期，含各种温室气体），"
        "供产品碳足迹核算使用，不同于电力二氧化碳排放因子。"),
    Methodology.OEFDB: _(
        "Climatiq 开放排放因子数据库（OEFDB，CC BY-SA 4.0）汇编的其他国家机构发布的因子"
        "（英国 BEIS、美国 EPA、法国 ADEME、GHG Protocol 等），各按其原始发布机构的方法；"
        "经 OEFDB 映射导入，权威等级最低。"),
}

@public_page
def methodology(request: HttpRequest) -> HttpResponse:
    indicator_fields = [FactorVersion._meta.get_field(name) for name in QUALITY_INDICATORS]
    return render(request, "factordb/public/methodology.html", {
        "gwp": selectors_home.gwp_table(),
        "boundaries": [(choice.label, BOUNDARY_SENTENCES[choice]) for choice in LifecycleBoundary],
        "methods": [(choice.label, METHOD_SENTENCES[choice]) for choice in Methodology],
        "scores": SCORES,
        "indicators": [
            {"label": field.verbose_name, "meanings": [SCORE_MEANINGS[field.name][s] for s in SCORES]}
            for field in indicator_fields
        ],
        "required_approvals": settings.REVIEW_REQUIRED_APPROVALS,
    })


@public_page
def developers(request: HttpRequest) -> HttpResponse:
    example = next(iter(selectors_home.national_grid_average_versions(limit=1)), None)
    release = release_latest()
    return render(request, "factordb/public/developers.html", {
        "api": request.build_absolute_uri(reverse("api:api-root")),
        "example": example,
        "release": release,
    })


@public_page
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "factordb/public/about.html", {
        "release": release_latest(),
        "required_approvals": settings.REVIEW_REQUIRED_APPROVALS,
    })


# Staff and account addresses, under every language's prefix: nothing there is for a crawler.
PRIVATE_SECTIONS = ("admin/", "review/", "accounts/")
# Files of whole lists: a crawler following every filter's download would build them all.
FILE_SECTIONS = ("factors/export/",)


@public_page
def robots_txt(request: HttpRequest) -> HttpResponse:
    disallowed = ["/api/", "/i18n/"]  # machine reads with quotas, and the language switch
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            prefix = reverse("home")
        disallowed += [f"{prefix}{section}" for section in (*PRIVATE_SECTIONS, *FILE_SECTIONS)]
    lines = ["User-agent: *", "Allow: /", *(f"Disallow: {path}" for path in disallowed),
             "", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@public_page
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    return sitemap(request, sitemaps=SITEMAPS)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever a page links to: send them to the site's icon."""
    response = HttpResponseRedirect(static("favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
