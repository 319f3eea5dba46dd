"""The README's walk along the review road, with the demo users `make run` prints, through
the same pages and buttons: if a step of it stops working, this fails.

Each step reads the form the page shows (its address, its fields as filled in, the choices of
its lists and its button's label), fills it in as the README says and posts it, as a browser
would; tests/browser/test_review_road.py takes the same walk in Chromium."""

import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import Client

from factordb.constants import FactorStatus
from factordb.models import ChangeSet, FactorVersion
from tests.factordb.admin.helpers import admin_url, change_form_data
from tests.factories import SourcedPublishedVersionFactory

pytestmark = pytest.mark.django_db


def demo_passwords() -> dict[str, str]:
    out = io.StringIO()
    call_command("ensure_demo_admin", stdout=out)
    return {words[1]: words[3] for words in map(str.split, out.getvalue().splitlines())
            if len(words) >= 4 and words[2] == "password:"}


def demo_code(username: str) -> str:
    """The code `manage.py demo_otp_code` prints, as the README has the newcomer type it."""
    out = io.StringIO()
    call_command("demo_otp_code", username, stdout=out)
    return out.getvalue().strip()


def signed_in(username: str, password: str, login_url: str) -> Client:
    client = Client()
    response = client.post(login_url, {"username": username, "password": password})
    assert response.status_code == 302, username  # a wrong password answers the form again
    # The page the sign-in goes to asks for the second factor first.
    code_page = client.get(response["Location"])["Location"]
    assert code_page.startswith("/accounts/two-factor/?next="), code_page
    response = client.post(code_page, {"code": demo_code(username)})
    assert response.status_code == 302, username  # a wrong code answers the form again
    return client


def button(page: str, label: str) -> bool:
    return f">{label}</button>" in page or f'value="{label}"' in page


# --- Reading a page's forms as a browser does ---------------------------------------------


@dataclass
class Form:
    action: str
    css_class: str
    values: dict[str, str] = field(default_factory=dict)  # what submitting it unchanged sends
    options: dict[str, dict[str, str]] = field(default_factory=dict)  # a list's label → value
    labels: dict[str, str] = field(default_factory=dict)  # a field's label → its name
    buttons: list[str] = field(default_factory=list)

    def filled(self, **by_label: str) -> dict[str, str]:
        """The form as sent after filling in fields by their label: a list by its option's
        label, a checkbox with "on", any other field with its text."""
        data = dict(self.values)
        for label, value in by_label.items():
            name = self.labels[label]
            data[name] = self.options[name][value] if name in self.options else value
        return data


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._ids: dict[str, str] = {}  # a field's id → its name
        self._label_for: str | None = None
        self._label_text = ""
        self._labels: list[tuple[str, str]] = []  # (label text, id)
        self._select: str | None = None
        self._option: str | None = None
        self._option_text = ""
        self._textarea: str | None = None
        self._button: str | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        a = {k: (v or "") for k, v in attrs}
        form = self.forms[-1] if self.forms else None
        if tag == "form":
            self.forms.append(Form(action=a.get("action", ""), css_class=a.get("class", "")))
        elif tag == "label":
            self._label_for, self._label_text = a.get("for", ""), ""
        elif form is None:
            return
        elif tag == "input" and a.get("name"):
            self._ids[a.get("id", "")] = a["name"]
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.values[a["name"]] = a.get("value", "on")
            elif kind == "submit":
                form.buttons.append(a.get("value", ""))
            else:
                form.values[a["name"]] = a.get("value", "")
        elif tag == "input" and a.get("type") == "submit":
            form.buttons.append(a.get("value", ""))
        elif tag == "select":
            self._select = a["name"]
            self._ids[a.get("id", "")] = a["name"]
            form.options[a["name"]] = {}
            form.values.setdefault(a["name"], "")
        elif tag == "option" and self._select:
            self._option, self._option_text = a.get("value", ""), ""
            if "selected" in a or not form.options[self._select]:
                form.values[self._select] = self._option
        elif tag == "textarea":
            self._textarea = a["name"]
            self._ids[a.get("id", "")] = a["name"]
            form.values[a["name"]] = ""
        elif tag == "button":
            self._button = ""

    def handle_data(self, data: str) -> None:
        if self._label_for is not None:
            self._label_text += data
        if self._option is not None:
            self._option_text += data
        if self._textarea is not None and self.forms:
            self.forms[-1].values[self._textarea] += data
        if self._button is not None:
            self._button += data

    def handle_endtag(self, tag: str) -> None:
        form = self.forms[-1] if self.forms else None
        if tag == "label" and self._label_for is not None:
            self._labels.append((self._label_text.strip().rstrip("：:").strip(), self._label_for))
            self._label_for = None
        elif tag == "option" and self._option is not None and form is not None:
            form.options[self._select][self._option_text.strip()] = self._option
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "button" and self._button is not None and form is not None:
            form.buttons.append(self._button.strip())
            self._button = None
        elif tag == "form" and form is not None:
            # Labels name the fields by id; a form's own fields are known once it has ended.
            form.labels = {text: self._ids[for_id] for text, for_id in self._labels if for_id in self._ids}


def form_on(page: str, button_label: str, css_class: str = "") -> Form:
    """The first form on the page with a button of that label (and of that class, if given)."""
    reader = _FormReader()
    reader.feed(page)
    found = [f for f in reader.forms
             if button_label in f.buttons and (not css_class or css_class in f.css_class.split())]
    assert found, f"no form with a button {button_label!r} ({css_class}) on the page"
    return found[0]


def link(page: str, text: str) -> str:
    """The address of the link with that text (the first one)."""
    found = re.search(rf'<a [^>]*href="([^"]+)"[^>]*>\s*{re.escape(text)}', page)
    assert found, f"no link {text!r} on the page"
    return found[1].replace("&amp;", "&")


def section(page: str, testid: str) -> str:
    return page.split(f'data-testid="{testid}"', 1)[1].split("</section>", 1)[0]


def status_of(page: str) -> str:
    return page.split('data-testid="set-status">', 1)[1].split("</p>", 1)[0]


def follow(client: Client, url: str, data: dict) -> str:
    """Post a form and read the page it leads to (a refusal answers 4xx with the form again)."""
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return client.get(response["Location"]).content.decode()


def set_value(editor: Client, draft: FactorVersion, value: str, reason: str) -> None:
    """On the draft's admin page: the total and the CO2 row, a reason, 保存并继续编辑."""
    page = editor.get(admin_url(draft, "change"))
    data = change_form_data(page, co2e_total=value, change_reason=reason, _continue="1")
    data.update({key: value for key in data if key.startswith("gas_amounts-0-amount")})
    assert editor.post(admin_url(draft, "change"), data).status_code == 302


# --- The walk --------------------------------------------------------------------------------


def test_a_factor_goes_from_a_new_draft_through_a_change_set_to_published_as_the_readme_walks_it(
        settings):
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
    set_value(editor, draft, "0.5367", "按新公告更正")

    # 3. In 因子版本, ticks the draft, runs 将所选草稿组成变更集 (执行), gives a title and the
    #    reason, and presses 组成变更集.
    versions = editor.get(admin_url(draft, "changelist")).content.decode()
    assert f'name="_selected_action" value="{draft.pk}"' in versions
    listed = form_on(versions, "执行")
    response = editor.post(admin_url(draft, "changelist"), {
        **listed.values, "action": listed.options["action"]["将所选草稿组成变更集"],
        "_selected_action": [draft.pk]})
    assert response.status_code == 302
    create = form_on(editor.get(response["Location"]).content.decode(), "组成变更集")
    set_page = follow(editor, response["Location"], create.filled(**{
        "标题": "2022 全国电网因子更正",
        "变更说明（为什么修改，必填）": "生态环境部公告更正了 2022 年全国电网平均排放因子。"}))
    change_set = ChangeSet.objects.get()
    set_url = f"/review/change-sets/{change_set.pk}/"
    assert "草稿" in status_of(set_page)

    # 4. Presses 提交评审 on the set's page.
    submit = form_on(set_page, "提交评审", "set_submit")
    set_page = follow(editor, submit.action, submit.values)
    assert "已提交" in status_of(set_page)

    # 5. The approver opens the set from 待指派评审 in the inbox and assigns both reviewers.
    approver = signed_in("demo-approver", passwords["demo-approver"], "/accounts/login/")
    inbox = approver.get("/review/inbox/").content.decode()
    assert link(section(inbox, "to-assign"), f"#{change_set.pk} ") == set_url
    set_page = approver.get(set_url).content.decode()
    for name in ("demo-reviewer1", "demo-reviewer2"):
        assign = form_on(set_page, "指派评审专家", "set_assign")
        set_page = follow(approver, assign.action, assign.filled(评审专家=name))
    assert "评审中" in status_of(set_page)
    assert re.findall(r"<li>(demo-reviewer\d)：", set_page) == ["demo-reviewer1", "demo-reviewer2"]

    # 6. Reviewer 1 comments on the row's CO2e total, then asks for changes.
    reviewers = {name: signed_in(name, passwords[name], "/accounts/login/")
                 for name in ("demo-reviewer1", "demo-reviewer2")}
    first = reviewers["demo-reviewer1"]
    inbox = first.get("/review/inbox/").content.decode()
    assert link(section(inbox, "to-review"), f"#{change_set.pk} ") == set_url
    set_page = first.get(set_url).content.decode()
    comment = form_on(set_page, "发表意见", "comment")
    set_page = follow(first, comment.action, comment.filled(**{
        "针对的版本": f"{factor.public_id} v{draft.version}", "针对的字段": "CO2e 合计（kg/活动单位）",
        "内容": "公告中的数值是 0.5368，请核对。"}))
    thread = re.search(r'<details class="thread"[^>]*>\s*<summary>(.*?)</summary>', set_page, re.S)[1]
    assert f"{factor.public_id} v{draft.version}" in thread
    assert "<code>co2e_total</code>" in thread
    decision = form_on(set_page, "提交结论", "set_decide")
    set_page = follow(first, decision.action, decision.filled(**{
        "结论": "要求修改", "意见（要求修改、驳回时必填）": "总量与公告不符。"}))
    assert "需修改" in status_of(set_page)

    # 7. The editor opens it from 待我修改, presses 退回草稿以修改, edits the draft in the admin
    #    (在后台编辑此草稿) and presses 提交评审 again: round 2 asks the same reviewers.
    inbox = editor.get("/review/inbox/").content.decode()
    assert link(section(inbox, "to-revise"), f"#{change_set.pk} ") == set_url
    set_page = editor.get(set_url).content.decode()
    assert "公告中的数值是 0.5368" in set_page
    revise = form_on(set_page, "退回草稿以修改", "set_revise")
    set_page = follow(editor, revise.action, revise.values)
    assert "草稿" in status_of(set_page)
    assert link(set_page, "在后台编辑此草稿") == admin_url(draft, "change")
    set_value(editor, draft, "0.5368", "按评审意见改为公告数值")
    sets_in_admin = editor.get(admin_url(change_set, "changelist")).content.decode()
    assert link(sets_in_admin, "打开") == set_url
    set_page = editor.get(set_url).content.decode()
    submit = form_on(set_page, "提交评审", "set_submit")
    set_page = follow(editor, submit.action, submit.values)
    assert "评审中" in status_of(set_page)
    assert "第 2 轮" in status_of(set_page)

    # 8. Reviewer 1 sees what changed since round 1, resolves the thread and approves; so
    #    does reviewer 2.
    set_page = first.get(set_url).content.decode()
    since = set_page.split('id="since"', 1)[1].split("</section>", 1)[0]
    assert "0.5367" in since
    assert "0.5368" in since
    resolve = form_on(set_page, "标记为已解决")
    set_page = follow(first, resolve.action, resolve.values)
    assert "未解决的讨论 0" in status_of(set_page)
    for name, reviewer in reviewers.items():
        assert link(section(reviewer.get("/review/inbox/").content.decode(), "to-review"),
                    f"#{change_set.pk} ") == set_url, name
        decision = form_on(reviewer.get(set_url).content.decode(), "提交结论", "set_decide")
        set_page = follow(reviewer, decision.action, decision.filled(
            结论="同意", 本人声明与此变更集无利益冲突="on"))
    assert "已批准" in status_of(set_page)

    # 9. The approver opens 查看发布摘要并发布 from 待发布, ticks the confirmation and presses
    #    确认发布.
    inbox = approver.get("/review/inbox/").content.decode()
    assert link(section(inbox, "to-publish"), f"#{change_set.pk} ") == set_url
    to_summary = link(approver.get(set_url).content.decode(), "查看发布摘要并发布")
    summary = approver.get(to_summary).content.decode()
    assert "修订现有因子 1 个" in summary
    assert "数值变化 1 个" in summary
    publish = form_on(summary, "确认发布", "publish-confirm")
    set_page = follow(approver, publish.action,
                      publish.filled(**{"我已核对以上摘要，确认发布整个变更集": "on"}))
    assert "已发布" in status_of(set_page)

    # 10. The public page and the API show version 2.
    draft.refresh_from_db()
    assert draft.status == FactorStatus.PUBLISHED
    assert "0.5368" in Client().get(f"/factors/{factor.public_id}/").content.decode()
    record = json.loads(Client().get(f"/api/v1/factors/{factor.public_id}/").content)
    assert (record["version"]["version"], record["version"]["co2e_total"]) == (draft.version, "0.5368")


def test_a_draft_in_no_change_set_still_goes_the_road_of_a_single_version(settings):
    """The README's last paragraph of the walk: the road of one version, on the admin's page,
    the approvers' dashboard and the reviewers' workspace."""
    settings.DEBUG = True
    passwords = demo_passwords()
    published = SourcedPublishedVersionFactory(co2e_total=Decimal("0.5366"))
    factor = published.factor
    editor = signed_in("demo-editor", passwords["demo-editor"], "/admin/login/")
    editor.post(admin_url(factor, "new_version", factor.pk))
    draft = FactorVersion.objects.get(factor=factor, status=FactorStatus.DRAFT)
    set_value(editor, draft, "0.5367", "按新公告更正")

    # 提交评审 under 流程操作 on the version's admin page.
    assert button(editor.get(admin_url(draft, "change")).content.decode(), "提交评审")
    editor.post(f"/admin/factordb/factorversion/{draft.pk}/workflow/submit/", {"submit-comment": ""})

    # The approver assigns both reviewers on the dashboard (指派, then 追加指派).
    approver = signed_in("demo-approver", passwords["demo-approver"], "/accounts/login/")
    dashboard = approver.get("/review/dashboard/").content.decode()
    options = re.findall(r'<option value="(\d+)">([^<]+)</option>', dashboard)
    reviewers = {name: pk for pk, name in options}
    for name in ("demo-reviewer1", "demo-reviewer2"):
        response = approver.post(f"/review/dashboard/versions/{draft.pk}/assign/",
                                 {f"assign-{draft.pk}-reviewer": reviewers[name]})
        assert response.status_code == 302, name

    # Each reviewer opens the assignment in the workspace and presses 同意.
    for name in ("demo-reviewer1", "demo-reviewer2"):
        reviewer = signed_in(name, passwords[name], "/accounts/login/")
        workspace = reviewer.get("/review/").content.decode()
        assignment = re.search(r'href="(/review/assignments/\d+/)"', workspace)[1]
        assert button(reviewer.get(assignment).content.decode(), "同意")
        response = reviewer.post(assignment, {"action": "approve", "approve-declares_no_conflict": "on"})
        assert response.status_code == 302, name
    draft.refresh_from_db()
    assert draft.status == FactorStatus.APPROVED

    # The approver presses 立即发布.
    assert button(approver.get("/review/dashboard/").content.decode(), "立即发布")
    approver.post(f"/review/dashboard/versions/{draft.pk}/publish/", {f"publish-{draft.pk}-comment": ""})
    draft.refresh_from_db()
    assert draft.status == FactorStatus.PUBLISHED
    assert "0.5367" in Client().get(f"/factors/{factor.public_id}/").content.decode()
