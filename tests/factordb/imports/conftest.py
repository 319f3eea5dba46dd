"""A small registry with the seed's real codes, and a way to run an import as an editor does."""

import csv
import io
from decimal import Decimal

import pytest

from factordb.models import Category, GwpValue, UnitAlias
from factordb.services import factor_imports
from factordb.services.imports import columns
from tests.factories import (
    CategoryFactory,
    DatasetFactory,
    GasFactory,
    GwpSetFactory,
    RegionFactory,
    SourceFactory,
    UnitFactory,
)

HEADER = columns.header_row()


@pytest.fixture
def registry(db):
    """MEE-GRID / energy.electricity.grid_average / CN / kWh (alias 千瓦时) / AR5 with CO2, CH4, N2O."""
    energy = CategoryFactory(code="energy", name_zh="能源", name_en="Energy")
    CategoryFactory(code="energy.electricity.grid_average", parent=energy, activity_dimension="energy",
                    name_zh="电网平均", name_en="Grid average")
    RegionFactory(code="CN")
    RegionFactory(code="CN-BJ", kind="province", name_zh="北京", name_en="Beijing")
    kwh = UnitFactory(code="kWh")
    UnitAlias.objects.create(unit=kwh, alias="千瓦时")
    UnitFactory(code="t", symbol="t", pint_expression="t", dimension="mass", name_zh="吨", name_en="tonne")
    DatasetFactory(code="MEE-GRID")
    ar5 = GwpSetFactory(code="AR5")
    for code, value in (("CH4", "28"), ("N2O", "265")):
        GwpValue.objects.create(gwp_set=ar5, gas=GasFactory(code=code, formula=code), value=Decimal(value))
    SourceFactory(code="mee-electricity-2022", title="2022年电力二氧化碳排放因子")
    return Category.objects.get(code="energy.electricity.grid_average")


def row(**cells) -> dict[str, str]:
    """A valid row of the template: the national grid's 2022 factor, changed by `cells`."""
    base = {
        "dataset": "MEE-GRID", "category": "energy.electricity.grid_average", "region": "CN",
        "unit": "kWh", "year": "2022", "boundary": "grid_consumption", "method": "MEE-GRID",
        "name_zh": "全国电网平均排放因子", "name_en": "National grid average",
        "co2e_total": "0.5366", "gwp_set": "AR5", "gas_CO2": "0.5366",
        "dq_reliability": "1", "dq_completeness": "2", "dq_temporal": "1", "dq_geographical": "1",
        "dq_technological": "2", "source": "mee-electricity-2022", "source_locator": "附件 表1",
    }
    return base | cells


def csv_bytes(rows: list[dict], header: list[str] | None = None, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header or HEADER, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def previewed(editor, content: bytes, file_name: str = "factors.csv", file_format: str = "template"):
    upload = factor_imports.import_upload(actor=editor, file_name=file_name, content=content,
                                          file_format=file_format)
    return factor_imports.import_preview(upload)


def imported(editor, content: bytes, **kwargs):
    """Upload, preview, confirm and apply, as the admin does; the import as it ends."""
    preview = previewed(editor, content, **kwargs)
    factor_imports.import_confirm(factor_import=preview, actor=editor, file_sha256=preview.file_sha256,
                                  previewed_at=preview.previewed_at)
    return factor_imports.import_apply(preview.pk)


def issues(factor_import) -> list[tuple[int, str, str]]:
    return [(entry["row"], column, reason) for entry in factor_import.report
            for column, reason in entry.get("issues", [])]
