"""Imports in the admin: upload → preview page → confirm → drafts; nothing written before confirm.

Tasks run eagerly here (as under `make run`), once the request has committed, so the preview
is done when the upload's redirect is followed; tests/factordb/imports/test_import_worker.py
runs them on a real worker.
"""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from factordb.constants import FactorStatus
from factordb.models import FactorImport, FactorVersion, ImportStatus
from factordb.services import factor_imports
from factordb.services.imports import reading
from tests.factordb.imports.conftest import csv_bytes, imported, previewed, row
from tests.factordb.imports.conftest import registry as registry  # the fixture, for the tests below
from tests.factories import PublishedVersionFactory
from tests.permission_matrix import database_snapshot
from tests.roles import user_with_roles

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

UPLOAD = reverse("admin:factordb_factorimport_upload")
IMPORT_TABLE = "factordb_factorimport"


def page_url(factor_import) -> str:
    return reverse("admin:factordb_factorimport_change", args=[factor_import.pk])


def confirm_url(factor_import) -> str:
    return reverse("admin:factordb_factorimport_confirm", args=[factor_import.pk])


def staff_with(username: str, *roles: Role):
    user = user_with_roles(username, *roles)
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def staff_editor(db):
    return staff_with("staff-editor", Role.EDITOR)


class CommittingClient(Client):
    """A client whose requests commit, as they do in production: what a request queues to run
    on commit (the preview and apply tasks) then runs. The test's own transaction never
    commits, so a plain client's requests would leave them queued."""

    def __init__(self, capture, **defaults):
        super().__init__(**defaults)
        self.capture = capture

    def request(self, **request):
        with self.capture(execute=True):
            return super().request(**request)


@pytest.fixture
def editor_client(staff_editor, django_capture_on_commit_callbacks):
    client = CommittingClient(django_capture_on_commit_callbacks)
    client.force_login(staff_editor)
    return client


def upload(client, content: bytes, name: str = "factors.csv", file_format: str = "template"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content), "format": file_format})


@pytest.fixture
def published(registry):
    """The national grid's published 2022 factor, 0.5366, as row() describes it."""
    return PublishedVersionFactory(
        factor__category=registry, factor__year=2022, factor__boundary="grid_consumption",
        factor__name_zh="全国电网平均排放因子", factor__name_en="National grid average",
        co2e_total=Decimal("0.5366"))


@pytest.fixture
def mixed_file(registry, published, staff_editor):
    """One row of each kind: Beijing as already imported (unchanged), the national factor with
    a new value (a revision of the published one), and the 2021 national factor (new)."""
    beijing = row(region="CN-BJ", name_zh="北京电网", name_en="Beijing grid")
    imported(staff_editor, csv_bytes([beijing]))
    return csv_bytes([row(co2e_total="0.5370", gas_CO2="0.5370"), beijing, row(year="2021")])


def test_the_preview_lists_new_factors_revisions_with_their_difference_and_unchanged_rows(
        editor_client, mixed_file, published):
    before = database_snapshot()

    response = upload(editor_client, mixed_file)

    assert response.status_code == 302
    factor_import = FactorImport.objects.latest("pk")
    assert response["Location"] == page_url(factor_import)
    assert factor_import.status == ImportStatus.PREVIEWED
    after = database_snapshot()
    assert {table for table in before if before[table] != after[table]} == {IMPORT_TABLE}

    page = editor_client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["counts"] == {"rows": 3, "create": 1, "revise": 1, "unchanged": 1, "error": 0,
                                           "issues": 0}
    assert [entry["row"] for entry in page.context["creates"].entries] == [4]
    (revision,) = page.context["revisions"].entries
    assert revision["public_id"] == published.factor.public_id
    assert ["co2e_total", "0.5366", "0.537"] in revision["diff"]
    html = page.content.decode()
    assert "0.5366" in html
    assert "0.537" in html
    assert 'id="import-confirm"' in html
    assert page.context["errors"].total == 0


def test_confirming_writes_exactly_the_preview_as_drafts_of_one_import(editor_client, mixed_file, published):
    factor_import = FactorImport.objects.get(pk=_uploaded(editor_client, mixed_file))
    form = editor_client.get(page_url(factor_import)).context["confirm_form"]

    response = editor_client.post(confirm_url(factor_import), form.initial)

    assert response.status_code == 302
    factor_import.refresh_from_db()
    assert factor_import.status == ImportStatus.IMPORTED
    drafts = FactorVersion.objects.filter(imported_from__factor_import=factor_import)
    assert sorted(v.imported_from.row for v in drafts) == [2, 4]
    assert {v.status for v in drafts} == {FactorStatus.DRAFT}
    revision = published.factor.versions.get(imported_from__factor_import=factor_import)
    assert revision.co2e_total == Decimal("0.537")

    page = editor_client.get(page_url(factor_import))
    assert [imported.row for imported in page.context["drafts"].entries] == [2, 4]
    listed = editor_client.get(page.context["drafts_url"])
    assert {version.pk for version in listed.context["cl"].result_list} == {v.pk for v in drafts}


def _uploaded(client, content: bytes) -> int:
    response = upload(client, content)
    assert response.status_code == 302, response.context and response.context["form"].errors
    return int(response["Location"].rstrip("/").split("/")[-2])


def test_every_error_is_listed_with_its_row_column_and_reason_and_nothing_can_be_confirmed(
        editor_client, registry):
    content = csv_bytes([row(), row(year="2021", region="XX"), row(year="2020", co2e_total="1,5")])

    page = editor_client.get(page_url(FactorImport.objects.get(pk=_uploaded(editor_client, content))))

    errors = [(issue.row, issue.column) for issue in page.context["errors"].entries]
    assert (3, "region") in errors
    assert (4, "co2e_total") in errors
    assert page.context["factor_import"].status == ImportStatus.REFUSED
    assert page.context["unknown_codes"] == {"region": {"XX": 1}}
    html = page.content.decode()
    assert "XX" in html
    assert "逗号" in html
    assert 'id="import-confirm"' not in html
    assert not FactorVersion.objects.exists()


@pytest.mark.parametrize("tamper", [
    {"file_sha256": "0" * 64},
    {"previewed_at": "shift"},
])
def test_a_confirmation_of_another_file_or_preview_is_refused_and_writes_nothing(
        editor_client, mixed_file, tamper):
    factor_import = FactorImport.objects.get(pk=_uploaded(editor_client, mixed_file))
    data = dict(editor_client.get(page_url(factor_import)).context["confirm_form"].initial)
    if tamper.get("previewed_at") == "shift":
        # A page shown before the latest preview: a microsecond apart is another preview.
        tamper = {"previewed_at": (factor_import.previewed_at - timedelta(microseconds=1)).isoformat()}
    before = database_snapshot()

    response = editor_client.post(confirm_url(factor_import), data | tamper)

    assert response.status_code == 409
    assert "最近一次预览" in " ".join(str(m) for m in response.context["messages"])
    assert database_snapshot() == before
    assert FactorImport.objects.get(pk=factor_import.pk).status == ImportStatus.PREVIEWED


def test_a_confirmation_without_a_readable_preview_time_is_refused(editor_client, mixed_file):
    factor_import = FactorImport.objects.get(pk=_uploaded(editor_client, mixed_file))
    before = database_snapshot()

    for stamp in ("yesterday", factor_import.previewed_at.replace(tzinfo=None).isoformat(), ""):
        response = editor_client.post(confirm_url(factor_import),
                                      {"file_sha256": factor_import.file_sha256, "previewed_at": stamp})
        assert response.status_code == 400
        assert list(response.context["messages"])

    assert database_snapshot() == before


def test_staff_without_the_editor_role_may_look_but_not_upload(client, mixed_file, staff_editor):
    approver = staff_with("staff-approver", Role.APPROVER)
    factor_import = previewed(staff_editor, mixed_file)
    client.force_login(approver)
    before = database_snapshot()

    assert client.get(UPLOAD).status_code == 403
    assert upload(client, mixed_file).status_code == 403
    page = client.get(page_url(factor_import))
    confirm = client.post(confirm_url(factor_import), {
        "file_sha256": factor_import.file_sha256, "previewed_at": factor_import.previewed_at.isoformat()})

    assert page.status_code == 200
    assert 'id="import-confirm"' not in page.content.decode()
    assert confirm.status_code == 403
    assert database_snapshot() == before


def test_only_the_uploader_confirms(client, mixed_file, staff_editor):
    factor_import = previewed(staff_editor, mixed_file)
    client.force_login(staff_with("another-editor", Role.EDITOR))
    before = database_snapshot()

    page = client.get(page_url(factor_import))
    response = client.post(confirm_url(factor_import), {
        "file_sha256": factor_import.file_sha256,
        "previewed_at": factor_import.previewed_at.isoformat(timespec="microseconds")})

    assert 'id="import-confirm"' not in page.content.decode()
    assert str(staff_editor) in page.content.decode()
    assert response.status_code == 403
    assert "上传" in " ".join(str(m) for m in response.context["messages"])
    assert database_snapshot() == before


def test_the_progress_of_a_preview_under_way_is_polled_as_json(editor_client, staff_editor, registry):
    factor_import = factor_imports.import_upload(actor=staff_editor, file_name="big.csv",
                                                 content=csv_bytes([row()]))
    url = reverse("admin:factordb_factorimport_progress", args=[factor_import.pk])
    assert editor_client.get(url).json().items() >= {"stage": "queued", "finished": False}.items()

    FactorImport.objects.filter(pk=factor_import.pk).update(status=ImportStatus.PREVIEWING)
    assert editor_client.get(url).json().items() >= {"stage": "reading", "done": 0}.items()
    factor_imports._reporter(factor_import.pk)("matching", 1200, 50000)
    polled = editor_client.get(url)
    page = editor_client.get(page_url(factor_import))

    assert polled["Cache-Control"].startswith("max-age=0")
    assert polled.json().items() >= {"status": "previewing", "stage": "matching", "done": 1200,
                                     "total": 50000, "finished": False}.items()
    assert "50,000" in polled.json()["label"]
    html = page.content.decode()
    assert '<progress value="1200" max="50000">' in html
    assert '<noscript><meta http-equiv="refresh"' in html
    assert "import_progress.js" in html

    factor_imports.import_preview(factor_import)
    assert editor_client.get(url).json()["finished"] is True
    assert "<progress" not in editor_client.get(page_url(factor_import)).content.decode()


def test_a_confirmed_import_waiting_for_a_worker_shows_no_stale_preview_progress(
        editor_client, staff_editor, registry):
    factor_import = previewed(staff_editor, csv_bytes([row()]))  # the cache says "previewed 1/1"
    factor_imports.import_confirm(factor_import=factor_import, actor=staff_editor,
                                  file_sha256=factor_import.file_sha256,
                                  previewed_at=factor_import.previewed_at)
    url = reverse("admin:factordb_factorimport_progress", args=[factor_import.pk])

    progress = editor_client.get(url).json()

    assert progress.items() >= {"status": "confirmed", "stage": "queued", "finished": False}.items()


def test_the_report_is_a_csv_with_a_bom_one_line_per_issue_and_change_and_neutralised_cells(
        editor_client, mixed_file, published, staff_editor):
    content = csv_bytes([row(co2e_total="0.5370", gas_CO2="0.5370", notes_zh="'=HYPERLINK(\"x\")"),
                         row(year="2021", region="XX")])
    factor_import = FactorImport.objects.get(pk=_uploaded(editor_client, content))

    response = editor_client.get(reverse("admin:factordb_factorimport_report", args=[factor_import.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert lines[0] == ["row", "action", "public_id", "column", "reason", "published", "new"]
    by_column = {(line[0], line[3]): line for line in lines[1:]}
    assert by_column[("2", "co2e_total")][5:] == ["0.5366", "0.537"]
    assert by_column[("2", "notes_zh")][6] == "'=HYPERLINK(\"x\")"
    assert by_column[("3", "region")][1] == "error"
    assert "XX" in by_column[("3", "region")][4]


@pytest.mark.parametrize(("content", "name", "file_format", "says"), [
    (b"", "empty.csv", "template", "文件为空"),
    (b"\xef\xbb\xbf", "bom-only.csv", "template", "文件为空"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "chart.png", "template", "NUL"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "old.xls", "template", ".xls"),
    (csv_bytes([row()]), "factors.csv", "xls", "未知的导入格式"),
])
def test_a_bad_upload_re_renders_the_form_with_the_reason_and_stores_nothing(
        editor_client, registry, content, name, file_format, says):
    before = database_snapshot()

    response = upload(editor_client, content, name, file_format)

    assert response.status_code == 400
    assert says in response.content.decode()
    assert database_snapshot() == before


def test_a_file_over_100_mb_is_refused_with_its_size_not_a_server_error(editor_client, registry):
    content = csv_bytes([row()]) + b" " * reading.MAX_FILE_BYTES + b" " * (1024 * 1024)
    before = database_snapshot()

    response = upload(editor_client, content, "huge.csv")

    assert response.status_code == 400
    assert "100 MB" in response.content.decode()
    assert database_snapshot() == before


def test_an_upload_without_a_file_asks_for_one(editor_client):
    response = editor_client.post(UPLOAD, {"format": "template"})
    assert response.status_code == 400
    assert "请选择" in response.content.decode()


def test_the_factor_list_offers_the_import_to_editors_only(editor_client, client):
    url = reverse("admin:factordb_factor_changelist")
    assert UPLOAD in editor_client.get(url).content.decode()

    client.force_login(staff_with("staff-approver", Role.APPROVER))
    assert UPLOAD not in client.get(url).content.decode()


def test_the_import_list_never_loads_the_files_or_the_reports(editor_client, staff_editor, registry):
    for n in range(3):
        previewed(staff_editor, csv_bytes([row(year=str(2010 + n))]))

    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(reverse("admin:factordb_factorimport_changelist"))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 3
    selects = [q["sql"] for q in queries if IMPORT_TABLE in q["sql"]]
    assert selects
    assert not any('"content"' in sql or '"report"' in sql for sql in selects)
    assert "上传文件导入" in response.content.decode()


def test_imports_are_never_added_changed_or_deleted_through_admin_forms(admin_client, staff_editor, registry):
    factor_import = previewed(staff_editor, csv_bytes([row()]))
    before = database_snapshot()

    assert admin_client.get(reverse("admin:factordb_factorimport_add")).status_code == 403
    assert admin_client.post(page_url(factor_import), {"status": "imported"}).status_code == 403
    assert admin_client.post(reverse("admin:factordb_factorimport_delete", args=[factor_import.pk]),
                             {"post": "yes"}).status_code == 403
    assert database_snapshot() == before


def test_a_long_preview_shows_500_rows_per_section_and_says_so(editor_client, staff_editor, registry):
    factor_import = previewed(staff_editor, csv_bytes([row(year="2022")]))
    entries = [{"row": n, "action": "error", "issues": [["region", "代码“XX”不在地区登记中。"]]}
               for n in range(2, 703)]
    summary = factor_import.summary | {"issues": 701, "error": 701}
    FactorImport.objects.filter(pk=factor_import.pk).update(status=ImportStatus.REFUSED, report=entries,
                                                            summary=summary)

    page = editor_client.get(page_url(factor_import))

    assert len(page.context["errors"].entries) == 500
    assert page.context["errors"].capped
    assert "只列出前 500 处" in page.content.decode()


def test_the_import_pages_speak_english_under_en(editor_client, mixed_file):
    from tests.test_english_catalogue import HAN, texts_of

    factor_import = FactorImport.objects.get(pk=_uploaded(editor_client, mixed_file))
    pages = [editor_client.get("/en" + page_url(factor_import)), editor_client.get("/en" + UPLOAD)]

    tags = ("h1", "h2", "th", "label")
    chrome = [text for page in pages for _, text in texts_of(page.content.decode(), *tags)]
    assert "Preview summary" in chrome
    assert [text for text in chrome if HAN.search(text)] == []


def test_a_file_the_database_already_holds_offers_nothing_to_confirm(editor_client, staff_editor, registry):
    content = csv_bytes([row()])
    imported(staff_editor, content)

    page = editor_client.get(page_url(FactorImport.objects.get(pk=_uploaded(editor_client, content))))

    assert page.context["counts"]["unchanged"] == 1
    html = page.content.decode()
    assert 'id="import-nothing"' in html
    assert 'id="import-confirm"' not in html


def test_a_new_import_never_shows_the_progress_an_earlier_one_of_its_number_left(
        editor_client, staff_editor, registry):
    # The cache may outlive the database: a restore, or a test database made afresh, numbers
    # imports from where the rows end, as resetting the sequence here does.
    from django.core.cache import cache
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [FactorImport]):
            cursor.execute(sql)
    next_pk = (FactorImport.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    cache.set(factor_imports.progress_key(next_pk), {"stage": "writing", "done": 5, "total": 9})

    factor_import = factor_imports.import_upload(actor=staff_editor, file_name="f.csv",
                                                 content=csv_bytes([row()]))

    assert factor_import.pk == next_pk
    assert factor_imports.import_progress(factor_import.pk) is None


def test_the_upload_page_offers_the_blank_template_as_csv_and_xlsx(client, staff_editor):
    from openpyxl import load_workbook

    def template_url(extension: str) -> str:
        return reverse("admin:factordb_factorimport_template", kwargs={"extension": extension})

    client.force_login(staff_editor)
    page = client.get(reverse("admin:factordb_factorimport_upload")).content.decode()
    for extension in ("csv", "xlsx"):
        assert template_url(extension) in page
        response = client.get(template_url(extension))
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith(f'.{extension}"')
    assert client.get(template_url("csv")).content.startswith(b"\xef\xbb\xbfpublic_id,")
    workbook = load_workbook(io.BytesIO(client.get(template_url("xlsx")).content))
    assert workbook.sheetnames[0] == "factors"
    assert client.get(template_url("pdf")).status_code == 404
