"""An editor watches a preview under way: the bar moves, and the page shows the preview when done."""

import pytest

from accounts.roles import Role
from factordb.models import FactorImport, ImportStatus
from factordb.services import factor_imports
from tests.factordb.imports.conftest import csv_bytes, row
from tests.factordb.imports.conftest import registry as registry  # the fixture, for the test below
from tests.permission_matrix import PASSWORD
from tests.roles import user_with_roles
from tests.two_factor import confirmed_device, type_the_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_progress_bar_follows_the_worker_and_the_page_shows_the_preview_when_it_is_done(
        live_server, page, registry, screenshot):
    from playwright.sync_api import expect  # only where the browser tests run (tests/browser/availability.py)

    editor = user_with_roles("progress-editor", Role.EDITOR)
    editor.is_staff = True
    editor.save()
    device = confirmed_device(editor)
    factor_import = factor_imports.import_upload(actor=editor, file_name="factors.csv",
                                                 content=csv_bytes([row(), row(year="2021")]))
    FactorImport.objects.filter(pk=factor_import.pk).update(status=ImportStatus.PREVIEWING)
    report = factor_imports._reporter(factor_import.pk)  # what the worker writes as it goes
    report("matching", 10, 100)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/factordb/factorimport/{factor_import.pk}/change/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    type_the_code(page, device)
    bar = page.locator("#import-progress progress")
    assert bar.get_attribute("value") == "10"

    report("matching", 60, 100)
    # Polled by Playwright, not a string evaluated in the page: the policy forbids eval (docs/adr/0037).
    expect(bar).to_have_attribute("value", "60")
    assert "60 / 100" in page.locator("#import-progress").inner_text()
    screenshot(page, "import-progress")

    factor_imports.import_preview(factor_import)
    page.wait_for_selector("#import-confirm", timeout=10_000)  # the page reloaded itself
    assert page.locator("#import-progress").count() == 0
    assert "新建 2 个因子" in page.locator("#import-creates").inner_text()
    screenshot(page, "import-preview")
