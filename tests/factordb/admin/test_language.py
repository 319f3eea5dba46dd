"""The admin speaks Chinese at /admin/ and English at /en/admin/, with a switch between them."""

import pytest
from django.test import Client

from factordb.models import FactorVersion
from tests.factordb.admin.helpers import admin_url

pytestmark = pytest.mark.django_db


def test_the_admin_is_chinese_by_default(admin_client):
    response = admin_client.get("/admin/")

    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="zh-hans"' in content
    assert "国家碳足迹因子数据库" in content


def test_the_english_admin_is_served_under_en(admin_client, draft):
    pages = ("/en/admin/", "/en" + admin_url(FactorVersion, "changelist"), "/en" + admin_url(draft, "change"))
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en"' in response.content.decode()


def test_every_admin_page_carries_the_language_switch(admin_client):
    for page in (admin_client.get("/admin/"), Client().get("/admin/login/")):
        content = page.content.decode()
        assert '<a href="/en/admin/' in content
        assert '<span aria-current="true" lang="zh-hans">简体中文</span>' in content


@pytest.mark.parametrize(
    ("page", "other_language"),
    [("/admin/factordb/factor/", '<a href="/en/admin/factordb/factor/?q=%E7%94%B5" hreflang="en" lang="en">'),
     ("/en/admin/factordb/factor/", '<a href="/admin/factordb/factor/?q=%E7%94%B5" hreflang="zh-hans"')],
)
def test_the_switch_links_the_same_page_and_query_in_the_other_language(admin_client, page, other_language):
    response = admin_client.get(page, {"q": "电"})

    assert other_language in response.content.decode()


@pytest.mark.parametrize(
    ("language", "next_url", "expected"),
    [("en", "/admin/factordb/factor/", "/en/admin/factordb/factor/"),
     ("zh-hans", "/admin/factordb/factor/", "/admin/factordb/factor/")],
)
def test_the_switch_moves_to_the_same_page_in_the_other_language(admin_client, language, next_url, expected):
    response = admin_client.post("/i18n/setlang/", {"language": language, "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == expected
