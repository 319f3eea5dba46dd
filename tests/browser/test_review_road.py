"""The review road of a change set, walked in a real browser by the demo users, one browser
each, on the real seed, as the README tells it: the editor drafts a new value in the admin and
sends it for review as a change set; the approver asks two reviewers; a reviewer comments on
the value and asks for changes; the editor revises and resubmits; both reviewers approve; the
approver reads the publication summary and publishes; the public page shows the new value.

Every step is a click or a form fill on the pages people use; the test reads the database
only to say what it expects."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import override_settings

from factordb.models import ChangeSet, Factor
from factordb.services.seed import seed_public_id
from tests.browser.roles import roles_as_migrated

pytestmark = pytest.mark.django_db(transaction=True)

NATIONAL_GRID_2022 = "MEE-GRID/2022/national_average/CN"
FIRST_TRY, SECOND_TRY = "0.5367", "0.5368"  # the seed publishes 0.5366


def demo_passwords() -> dict[str, str]:
    """The demo users as `make run` makes them, and the passwords it prints."""
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("ensure_demo_admin", stdout=out)
    return {words[1]: words[3] for words in map(str.split, out.getvalue().splitlines())
            if len(words) >= 4 and words[2] == "password:"}


def demo_code(username: str) -> str:
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("demo_otp_code", username, stdout=out)
    return out.getvalue().strip()


class People:
    """Each demo user in a browser of their own, signed in on the page the README names."""

    def __init__(self, browser, base: str, passwords: dict[str, str]) -> None:
        self.browser, self.base, self.passwords, self.pages = browser, base, passwords, {}

    def __call__(self, username: str):
        if username not in self.pages:
            page = self.browser.new_context(locale="zh-CN").new_page()
            # The editor works in the admin; reviewers and the approver on the review pages.
            login = ("/admin/login/?next=/admin/" if username == "demo-editor"
                     else "/accounts/login/?next=/review/inbox/")
            page.goto(self.base + login)
            page.fill("#id_username", username)
            page.fill("#id_password", self.passwords[username])
            page.locator("input[type=submit], button[type=submit]").last.click()
            page.wait_for_load_state()
            assert "/login/" not in page.url, f"{username} could not sign in"
            # The second factor: the code `manage.py demo_otp_code` prints, as the README says.
            assert "/accounts/two-factor/" in page.url, page.url
            page.fill("#id_code", demo_code(username))
            page.get_by_role("button", name="验证").click()
            page.wait_for_load_state()
            assert "/two-factor/" not in page.url, f"{username} could not pass the second factor"
            self.pages[username] = page
        return self.pages[username]

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@pytest.fixture
def people(browser, live_server, seeded):
    roles_as_migrated()
    everyone = People(browser, live_server.url, demo_passwords())
    yield everyone
    everyone.close()


def status(page) -> str:
    return page.get_by_test_id("set-status").inner_text()


def open_from_inbox(page, base: str, section: str, change_set: ChangeSet) -> None:
    """The inbox (/review/inbox/), one of its sections, and the set listed there."""
    page.goto(f"{base}/review/inbox/")
    page.get_by_test_id(section).get_by_role("link", name=f"#{change_set.pk} ").click()
    page.wait_for_url(re.compile(rf"/review/change-sets/{change_set.pk}/$"))


def set_value(page, value: str, reason: str) -> None:
    """On a draft's admin page: the total and the CO2 row together, a reason, and save."""
    page.fill("#id_co2e_total", value)
    page.fill("#id_gas_amounts-0-amount", value)
    page.fill("#id_change_reason", reason)
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    assert page.locator(".errornote, .errorlist").count() == 0, page.locator("#content").inner_text()


def decide(page, verdict: str, comment: str = "", *, no_conflict: bool = False) -> None:
    form = page.locator("form.set_decide")
    form.get_by_label("结论").select_option(label=verdict)
    if comment:
        form.get_by_label("意见（要求修改、驳回时必填）").fill(comment)
    if no_conflict:
        form.get_by_label("本人声明与此变更集无利益冲突").check()
    form.get_by_role("button", name="提交结论").click()
    page.wait_for_load_state()


def test_a_new_value_goes_through_a_change_set_from_draft_to_the_public_page(live_server, people):
    base = live_server.url
    public_id = seed_public_id(NATIONAL_GRID_2022)
    factor = Factor.objects.get(public_id=public_id)

    # 1. The editor opens the factor in the admin and presses 新建版本: a draft v2.
    editor = people("demo-editor")
    editor.get_by_role("link", name="排放因子", exact=True).first.click()
    editor.fill("#searchbar", "2022 全国")
    editor.press("#searchbar", "Enter")
    editor.get_by_role("link", name=factor.name_zh).first.click()
    editor.locator("#new-version button").click()
    editor.wait_for_url(re.compile(r"/admin/factordb/factorversion/\d+/change/$"))
    draft_pk = int(re.search(r"/factorversion/(\d+)/", editor.url)[1])

    # 2. Sets the new value and saves.
    set_value(editor, FIRST_TRY, "按新公告更正")

    # 3. In the versions' list, ticks the draft and chooses 将所选草稿组成变更集; gives the set
    #    a title and says why.
    editor.locator(".breadcrumbs").get_by_role("link", name="因子版本").click()
    editor.locator(f"input[name=_selected_action][value='{draft_pk}']").check()
    editor.locator("select[name=action]").select_option(label="将所选草稿组成变更集")
    editor.locator("button[name=index]").click()
    editor.fill("#id_title", "2022 全国电网因子更正")
    editor.fill("#id_description", "生态环境部 2024 年公告更正了 2022 年全国电网平均排放因子。")
    editor.click("input[value=组成变更集]")
    editor.wait_for_url(re.compile(r"/review/change-sets/\d+/$"))
    change_set = ChangeSet.objects.get()
    assert change_set.author.username == "demo-editor"
    assert "草稿" in status(editor)
    assert "生态环境部 2024 年公告" in editor.locator(".description").inner_text()

    # 4. Submits the set for review.
    editor.locator("form.set_submit").get_by_role("button", name="提交评审").click()
    editor.wait_for_load_state()
    assert "已提交" in status(editor)

    # 5. The approver finds it in the inbox under 待指派评审 and assigns both reviewers.
    approver = people("demo-approver")
    open_from_inbox(approver, base, "to-assign", change_set)
    for reviewer in ("demo-reviewer1", "demo-reviewer2"):
        form = approver.locator("form.set_assign")
        form.get_by_label("评审专家").select_option(label=reviewer)
        form.get_by_role("button", name="指派评审专家").click()
        approver.wait_for_load_state()
        assert "已指派评审专家" in approver.locator("body").inner_text()
    assert "评审中" in status(approver)
    asked = approver.locator("section[aria-labelledby=rounds] li").all_inner_texts()
    assert [line.split("：")[0] for line in asked] == ["demo-reviewer1", "demo-reviewer2"]

    # 6. Reviewer 1 opens it under 待我评审, comments on the row's total, and asks for changes.
    first = people("demo-reviewer1")
    open_from_inbox(first, base, "to-review", change_set)
    assert FIRST_TRY in first.locator(f"#row-{draft_pk}").inner_text()
    comment = first.locator("form.set-action.comment")
    comment.get_by_label("针对的版本").select_option(label=f"{public_id} v2")
    comment.get_by_label("针对的字段").select_option(label="CO2e 合计（kg/活动单位）")
    comment.get_by_label("内容").fill("公告中的数值是 0.5368，请核对。")
    comment.get_by_role("button", name="发表意见").click()
    first.wait_for_load_state()
    thread = first.locator("details.thread").first
    assert "co2e_total" in thread.locator("summary").inner_text()
    assert f"{public_id} v2" in thread.locator("summary").inner_text()
    decide(first, "要求修改", "总量与公告不符，见对 co2e_total 的讨论。")
    assert "需修改" in status(first)

    # 7. The editor finds it under 待我修改, takes it back to draft, edits the value in the
    #    admin (the row's link), and submits the set again.
    open_from_inbox(editor, base, "to-revise", change_set)
    assert "公告中的数值是 0.5368" in editor.locator("section[aria-labelledby=discussion]").inner_text()
    editor.locator("form.set_revise").get_by_role("button", name="退回草稿以修改").click()
    editor.wait_for_load_state()
    assert "草稿" in status(editor)
    editor.locator(f"#row-{draft_pk}").get_by_role("link", name="在后台编辑此草稿").click()
    editor.wait_for_url(re.compile(rf"/admin/factordb/factorversion/{draft_pk}/change/$"))
    set_value(editor, SECOND_TRY, "按评审意见改为公告数值")
    # Back to the set: the admin's list of change sets, and its review page.
    editor.get_by_role("link", name="变更集", exact=True).first.click()
    editor.get_by_role("link", name="打开").first.click()
    editor.wait_for_url(re.compile(rf"/review/change-sets/{change_set.pk}/$"))
    editor.locator("form.set_submit").get_by_role("button", name="提交评审").click()
    editor.wait_for_load_state()
    # Round 2 asks the same two reviewers at once.
    assert "评审中" in status(editor)
    assert "第 2 轮" in status(editor)

    # 8. Both reviewers approve; reviewer 1 sees what changed since round 1 and settles the thread.
    open_from_inbox(first, base, "to-review", change_set)
    since = first.locator("section[aria-labelledby=since]").inner_text()
    assert FIRST_TRY in since
    assert SECOND_TRY in since
    first.locator("details.thread").first.get_by_role("button", name="标记为已解决").click()
    first.wait_for_load_state()
    assert "未解决的讨论 0" in status(first)
    decide(first, "同意", no_conflict=True)
    second = people("demo-reviewer2")
    open_from_inbox(second, base, "to-review", change_set)
    decide(second, "同意", no_conflict=True)
    assert "已批准" in status(second)

    # 9. The approver opens the publication summary under 待发布, ticks the confirmation and
    #    publishes.
    open_from_inbox(approver, base, "to-publish", change_set)
    approver.get_by_role("link", name="查看发布摘要并发布").click()
    summary = approver.get_by_test_id("publication-summary").inner_text()
    assert "修订现有因子 1 个" in summary
    assert "数值变化 1 个" in summary
    assert SECOND_TRY in approver.locator("table.diff").inner_text()
    approver.get_by_label("我已核对以上摘要，确认发布整个变更集").check()
    approver.get_by_role("button", name="确认发布").click()
    approver.wait_for_url(re.compile(rf"/review/change-sets/{change_set.pk}/$"))
    assert "已发布" in status(approver)

    # 10. Anyone: the factor's public page shows the new value.
    reader = approver.context.browser.new_context(locale="zh-CN").new_page()
    reader.goto(f"{base}/factors/{public_id}/")
    assert reader.locator(".value-big").inner_text().startswith(f"{SECOND_TRY} kg CO2e / kWh")
    reader.context.close()
