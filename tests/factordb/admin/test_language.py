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
        assert 'action="/i18n/setlang/"' in content
        assert '<option value="en" lang="en">English</option>' in content
        assert '<option value="zh-hans" lang="zh-hans" selected>简体中文</option>' in content


@pytest.mark.parametrize(
    ("page", "sent_next"),
    [("/admin/factordb/factor/", "/admin/factordb/factor/?q=%E7%94%B5"),
     ("/en/admin/factordb/factor/", "/admin/factordb/factor/?q=%E7%94%B5")],
)
def test_the_switch_sends_the_page_without_its_language_prefix(admin_client, page, sent_next):
    # set_language translates `next` from the default language; a prefixed path would stay put.
    response = admin_client.get(page, {"q": "电"})

    assert f'name="next" type="hidden" value="{sent_next}"' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "next_url", "expected"),
    [("en", "/admin/factordb/factor/", "/en/admin/factordb/factor/"),
     ("zh-hans", "/admin/factordb/factor/", "/admin/factordb/factor/")],
)
def test_the_switch_moves_to_the_same_page_in_the_other_language(admin_client, language, next_url, expected):
    response = admin_client.post("/i18n/setlang/", {"language": language, "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == expected
