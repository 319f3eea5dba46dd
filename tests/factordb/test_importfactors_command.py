"""`manage.py importfactors`: the admin's checks and report on a terminal; issues exit non-zero."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from factordb.constants import FactorStatus
from factordb.models import FactorImport, FactorVersion, ImportStatus
from tests.factordb.imports.conftest import csv_bytes, row
from tests.factordb.imports.conftest import registry as registry  # the fixture, for the tests below
from tests.permission_matrix import database_snapshot

pytestmark = pytest.mark.django_db

NEW_ROWS = [row(), row(region="CN-BJ", name_zh="北京电网", name_en="Beijing grid")]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(path, *args, user: str = "editor", stderr=None) -> str:
    out = io.StringIO()
    try:
        call_command("importfactors", str(path), "--user", user, *args, stdout=out,
                     stderr=stderr or io.StringIO())
    except CommandError as exc:
        exc.output = out.getvalue()
        raise
    return out.getvalue()


@pytest.fixture
def new_file(tmp_path, registry):
    path = tmp_path / "factors.csv"
    path.write_bytes(csv_bytes(NEW_ROWS))
    return path


def test_a_dry_run_prints_the_preview_and_writes_nothing_not_even_the_import(new_file, editor):
    before = database_snapshot()

    output = run(new_file, "--dry-run", user=editor.username)

    assert database_snapshot() == before
    assert "create 2" in output
    assert "nothing was written" in output


def test_an_import_writes_the_drafts_as_one_import_and_the_report_names_the_new_factors(
        new_file, editor, tmp_path):
    report = tmp_path / "report.csv"

    output = run(new_file, "--report", str(report))

    factor_import = FactorImport.objects.get()
    assert factor_import.status == ImportStatus.IMPORTED
    assert factor_import.created_by == editor == factor_import.confirmed_by
    drafts = FactorVersion.objects.filter(imported_from__factor_import=factor_import)
    assert [v.status for v in drafts] == [FactorStatus.DRAFT] * 2
    assert "2 draft(s) written" in output
    text = report.read_bytes()
    assert text.startswith("\ufeff".encode())
    lines = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    assert sorted(line["public_id"] for line in lines) == sorted(v.factor.public_id for v in drafts)


def test_issues_are_printed_with_row_column_and_reason_and_end_with_an_error_status(
        tmp_path, registry, editor):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([row(), row(year="2021", region="XX"), row(year="2020", co2e_total="1,5")]))
    before = database_snapshot()

    with pytest.raises(CommandError, match="2 issue") as raised:
        run(path)

    output = raised.value.output
    assert "row 3, region: 代码“XX”" in output
    assert "row 4, co2e_total: " in output
    assert "region: XX × 1" in output
    after = database_snapshot()
    # The refused import stays on record (as in the admin); no factor was written.
    assert {table for table in before if before[table] != after[table]} == {"factordb_factorimport"}
    assert FactorImport.objects.get().status == ImportStatus.REFUSED


def test_a_dry_run_with_issues_also_fails_and_writes_nothing(tmp_path, registry, editor):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([row(region="XX")]))
    before = database_snapshot()

    with pytest.raises(CommandError):
        run(path, "--dry-run")

    assert database_snapshot() == before


def test_a_long_list_of_issues_is_cut_at_200_lines_and_points_to_the_report(tmp_path, registry, editor):
    path = tmp_path / "bad.csv"
    rows = [row(year=str(1990 + n % 100), region="XX", dataset=f"D{n}") for n in range(150)]
    path.write_bytes(csv_bytes(rows))

    with pytest.raises(CommandError) as raised:
        run(path, "--dry-run")

    issue_lines = [line for line in raised.value.output.splitlines() if line.startswith("  row ")]
    assert len(issue_lines) == 200
    assert "… 100 more, see --report" in raised.value.output


@pytest.mark.parametrize(("username", "says"), [("nobody", "No user"), ("outsider", "editor role")])
def test_only_an_editor_imports(new_file, outsider, username, says):
    before = database_snapshot()

    with pytest.raises(CommandError, match=says):
        run(new_file, user=username)

    assert database_snapshot() == before


def test_a_missing_file_is_named(tmp_path, editor):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.csv")


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_the_readers_reason(tmp_path, registry, editor):
    path = tmp_path / "chart.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

    with pytest.raises(CommandError) as raised:
        run(path)

    assert "file, -: 文件含有二进制内容（NUL 字节）" in raised.value.output


def test_a_terminal_sees_a_progress_bar_and_a_pipe_does_not(new_file, editor):
    terminal, pipe = Terminal(), io.StringIO()

    run(new_file, "--dry-run", stderr=terminal)
    run(new_file, "--dry-run", stderr=pipe)

    assert "matching factors" in terminal.getvalue()
    assert pipe.getvalue() == ""


def test_the_oefdb_format_goes_to_its_reader(tmp_path, registry, editor):
    pytest.importorskip("factordb.services.imports.oefdb", reason="the OEFDB reader is not in this tree yet")
    path = tmp_path / "oefdb.csv"
    path.write_bytes("名称,数值\n电力,0.5\n".encode("gb18030"))

    with pytest.raises(CommandError) as raised:
        run(path, "--format", "oefdb", "--dry-run")

    assert "UTF-8" in raised.value.output


def test_a_file_the_database_already_holds_is_not_confirmed(new_file, editor):
    run(new_file)
    before = database_snapshot()

    output = run(new_file)

    assert "unchanged 2" in output
    assert "Nothing to import" in output
    assert FactorImport.objects.filter(status=ImportStatus.CONFIRMED).count() == 0
    assert FactorImport.objects.latest("pk").status == ImportStatus.PREVIEWED
    after = database_snapshot()
    assert {table for table in before if before[table] != after[table]} == {"factordb_factorimport"}
