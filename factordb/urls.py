from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from api.exceptions import unknown_address
from factordb import views
from factordb.views import change_sets, dashboard, health, review
from factordb.views.public import browse, compare, factor, pages, releases, search, sources

review_patterns = [
    path("", review.assignment_list, name="assignments"),
    path("assignments/<int:pk>/", review.assignment_detail, name="assignment"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    # Each dashboard step of factordb.steps, named in the address (assign, publish …).
    path("dashboard/versions/<int:pk>/<str:step>/", dashboard.version_step, name="version_step"),
    path("dashboard/conflicts/<int:pk>/clear/", dashboard.clear_conflict, name="clear_conflict"),
    path("inbox/", change_sets.inbox, name="inbox"),
    path("change-sets/", change_sets.change_set_list, name="change_sets"),
    path("change-sets/<int:pk>/", change_sets.change_set_detail, name="change_set"),
    path("change-sets/<int:pk>/publish/", change_sets.change_set_publish, name="change_set_publish"),
    path("change-sets/<int:pk>/<str:action>/", change_sets.change_set_action, name="change_set_action"),
]

urlpatterns = [
    # Probes (factordb/views/health.py): first, so that resolving them costs least.
    path("healthz", health.alive, name="healthz"),
    path("readyz", health.ready, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Not language-prefixed: answers carry both name_zh and name_en.
    path("api/v1/", include("api.urls")),
    # Any other /api/ address: a JSON 404 (api/exceptions.py), never the site's page.
    re_path(r"^api/", unknown_address, name="api-unknown"),
]

public_patterns = [
    path("", views.home, name="home"),
    path("factors/", search.factor_search, name="factor_search"),
    path("search/", search.search_redirect, name="search"),
    # Before the factor page: "export" is no public id (those are upper case), but the
    # pattern would take it.
    path("factors/export/", search.factor_export, name="factor_export"),
    path("factors/<str:public_id>/", factor.factor_detail, name="factor"),
    path("compare/", compare.region_comparison, name="compare"),
    path("categories/", browse.category_list, name="categories"),
    path("categories/<str:code>/", browse.category_detail, name="category"),
    path("regions/", browse.region_list, name="regions"),
    path("regions/<str:code>/", browse.region_detail, name="region"),
    path("releases/", releases.release_list, name="releases"),
    path("releases/<str:name>/", releases.release_detail, name="release"),
    path("downloads/", releases.downloads, name="downloads"),
    path("sources/", sources.source_list, name="sources"),
    path("sources/<int:pk>/", sources.source_detail, name="source"),
    path("methodology/", pages.methodology, name="methodology"),
    path("developers/", pages.developers, name="developers"),
    path("about/", pages.about, name="about"),
]

urlpatterns += [
    path("robots.txt", pages.robots_txt, name="robots_txt"),
    # One sitemap for both languages: each page is listed with its hreflang alternates.
    path("sitemap.xml", pages.sitemap_xml, name="sitemap"),
    path("favicon.ico", pages.favicon, name="favicon"),
]

urlpatterns += i18n_patterns(
    *public_patterns,
    path("review/", include((review_patterns, "review"))),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

handler404 = "api.exceptions.not_found"
handler500 = "api.exceptions.server_error"
