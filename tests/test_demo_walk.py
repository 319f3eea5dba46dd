"""The README's walk along the review road, with the demo users `make run` prints, through
the same pages and buttons: if a step of it stops working, this fails."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from factordb.constants import FactorStatus
from factordb.models import FactorVersion
from tests.factordb.admin.helpers import admin_url, change_form_data
from tests.factories import SourcedPublishedVersionFactory

pytestmark = pytest.mark.django_db


def demo_passwords() -> dict[str, str]:
    out = io.StringIO()
    call_command("ensure_demo_admin", stdout=out)
    return {words[1]: words[3] for words in map(str.split, out.getvalue().splitlines())
            if len(words) >= 4 and words[2] == "password:"}


def signed_in(username: str, password: str, login_url: str) -> Client:
    client = Client()
    response = client.post(login_url, {"username": username, "password": password})
    assert response.status_code == 302, username  # a wrong password answers the form again
    return client


def button(page: str, label: str) -> bool:
    return f">{label}</button>" in page or f'value="{label}"' in page


def test_a_factor_goes_from_a_new_draft_to_published_as_the_readme_walks_it(settings):
    settings.DEBUG = True
    passwords = demo_passwords()
    published = SourcedPublishedVersionFactory(co2e_total=Decimal("0.5366"))
    factor = published.factor

    # 1. The editor presses 新建版本 on the factor's admin page.
    editor = signed_in("demo-editor", passwords["demo-editor"], "/admin/login/")
    assert button(editor.get(admin_url(factor, "change")).content.decode(), "新建版本")
    response = editor.post(admin_url(factor, "new_version", factor.pk))
    draft = FactorVersion.objects.get(factor=factor, status=FactorStatus.DRAFT)
    assert response["Location"] == admin_url(draft, "change")

    # 2. Edits the total and the CO2 row together, with a reason, and saves.
    page = editor.get(admin_url(draft, "change"))
    data = change_form_data(page, co2e_total="0.5367", change_reason="按新公告更正", _continue="1")
    data.update({key: "0.5367" for key in data if key.startswith("gas_amounts-0-amount")})
    assert editor.post(admin_url(draft, "change"), data).status_code == 302

    # 3. Presses 提交评审 under 流程操作.
    assert button(editor.get(admin_url(draft, "change")).content.decode(), "提交评审")
    editor.post(f"/admin/factordb/factorversion/{draft.pk}/workflow/submit/", {"submit-comment": ""})

    # 4. The approver assigns both reviewers on the dashboard (指派, then 追加指派).
    approver = signed_in("demo-approver", passwords["demo-approver"], "/accounts/login/")
    dashboard = approver.get("/review/dashboard/").content.decode()
    options = re.findall(r'<option value="(\d+)">([^<]+)</option>', dashboard)
    reviewers = {name: pk for pk, name in options}
    for name in ("demo-reviewer1", "demo-reviewer2"):
        response = approver.post(f"/review/dashboard/versions/{draft.pk}/assign/",
                                 {f"assign-{draft.pk}-reviewer": reviewers[name]})
        assert response.status_code == 302, name

    # 5. Each reviewer opens the assignment in the workspace and presses 同意.
    for name in ("demo-reviewer1", "demo-reviewer2"):
        reviewer = signed_in(name, passwords[name], "/accounts/login/")
        workspace = reviewer.get("/review/").content.decode()
        assignment = re.search(r'href="(/review/assignments/\d+/)"', workspace)[1]
        assert button(reviewer.get(assignment).content.decode(), "同意")
        response = reviewer.post(assignment, {"action": "approve", "approve-declares_no_conflict": "on"})
        assert response.status_code == 302, name
    draft.refresh_from_db()
    assert draft.status == FactorStatus.APPROVED

    # 6. The approver presses 立即发布.
    assert button(approver.get("/review/dashboard/").content.decode(), "立即发布")
    approver.post(f"/review/dashboard/versions/{draft.pk}/publish/", {f"publish-{draft.pk}-comment": ""})

    # 7. The public page and the API show version 2.
    draft.refresh_from_db()
    assert draft.status == FactorStatus.PUBLISHED
    assert "0.5367" in Client().get(f"/factors/{factor.public_id}/").content.decode()
    record = json.loads(Client().get(f"/api/v1/factors/{factor.public_id}/").content)
    assert (record["version"]["version"], record["version"]["co2e_total"]) == (draft.version, "0.5367")
