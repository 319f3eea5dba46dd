"""releases/{name}/datapackage.json: each sealed release's files described as open data (a
Frictionless Data Package), frozen with the release, that the frictionless library accepts
with the data it describes."""

import hashlib
import json
from decimal import Decimal
from pathlib import Path
from urllib.parse import urljoin

import frictionless
import pytest

from factordb.constants import FactorStatus
from factordb.models import Release, ReleaseContent, ReleasePackage, VersionSource
from factordb.services import datapackage
from factordb.services.corrections import factor_correct_names, source_correct_citation
from factordb.services.releases import release_cut
from tests.factories import DraftVersionFactory, PublishedVersionFactory, ReleaseFactory, SourceFactory

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = [
    ('电力，"全国"平均, 2022', 'Grid "average", national, 2022'),
    ("第一行\n第二行", "line one\r\nline two"),
    ("逗号,引号\"换行\n混合", "=SUM(A1:A2);|semi|colon"),
]


def package_url(name: str) -> str:
    return f"/api/v1/releases/{name}/datapackage.json"


def save_side_by_side(api, name: str, folder: Path) -> Path:
    """The package and each file it lists, saved in one folder under the paths it gives them,
    each file fetched from the package's own URL joined with that path."""
    body = api.get(package_url(name)).content
    for resource in json.loads(body)["resources"]:
        response = api.get(urljoin(package_url(name), resource["path"]))
        assert response.status_code == 200, resource["path"]
        (folder / resource["path"]).write_bytes(response.content)
    (folder / "datapackage.json").write_bytes(body)
    return folder / "datapackage.json"


def problems(report: frictionless.Report) -> list:
    return report.flatten(["taskNumber", "rowNumber", "fieldName", "type", "note"])


def cite(version, source) -> None:
    VersionSource.objects.create(version=version, source=source)


def published_with(source, **factor) -> None:
    """A version citing `source`, published the way the factories publish (its rows freeze then)."""
    version = DraftVersionFactory(**{f"factor__{name}": value for name, value in factor.items()})
    cite(version, source)
    version.status = FactorStatus.PUBLISHED
    version.published_at = version.created_at
    version.save()


@pytest.fixture
def hostile_release(approver):
    source = SourceFactory(title='标题，含"引号"\n与换行', publisher="发布者, Inc.", licence="CC BY 4.0")
    for name_zh, name_en in HOSTILE_NAMES:
        published_with(source, name_zh=name_zh, name_en=name_en)
    return release_cut(name="2025.1", actor=approver)


@pytest.mark.usefixtures("seeded_class")
class TestTheSeededRelease:
    def test_frictionless_accepts_the_package_and_the_data_saved_side_by_side(self, api, tmp_path):
        (release,) = Release.objects.sealed()
        report = frictionless.validate(save_side_by_side(api, release.name, tmp_path))
        assert report.valid, problems(report)
        csv_task = next(task for task in report.tasks if task.name == "factors-csv")
        assert csv_task.stats["rows"] == release.entries.count()

    def test_every_column_of_the_csv_is_described_with_a_type(self, api):
        (release,) = Release.objects.sealed()
        header = bytes(release.content.csv_bytes).decode().split("\n", 1)[0].split(",")
        (table,) = [r for r in api.get(package_url(release.name)).json()["resources"] if r.get("schema")]
        fields = table["schema"]["fields"]
        assert [field["name"] for field in fields] == header
        assert all(field["type"] and field["description"] for field in fields)
        assert table["schema"]["primaryKey"] == ["public_id"]

    def test_its_sources_are_the_ones_the_pinned_versions_cite(self, api):
        (release,) = Release.objects.sealed()
        cited = {vs.source for vs in VersionSource.objects.filter(version__release_entries__release=release)}
        described = api.get(package_url(release.name)).json()["sources"]
        assert sorted(s["title"] for s in described) == sorted(
            f"{s.publisher}: {s.title} ({s.year})" for s in cited)
        assert {s.get("license") for s in described} == {s.licence or None for s in cited}


def test_frictionless_accepts_names_with_commas_quotes_newlines_and_chinese(api, hostile_release, tmp_path):
    path = save_side_by_side(api, "2025.1", tmp_path)
    report = frictionless.validate(path)
    assert report.valid, problems(report)
    rows = frictionless.Package(str(path)).get_resource("factors-csv").read_rows()
    assert sorted((row["name_zh"], row["name_en"]) for row in rows) == sorted(HOSTILE_NAMES)
    assert {row["co2e_total"] for row in rows} == {Decimal("0.5366")}


def test_frictionless_refuses_a_file_changed_after_the_cut(api, hostile_release, tmp_path):
    # The validation above checks the digests, not only the shape: a changed byte is caught.
    path = save_side_by_side(api, "2025.1", tmp_path)
    csv_file = tmp_path / "download.csv"
    csv_file.write_bytes(csv_file.read_bytes().replace(b"0.5366", b"0.5367", 1))
    report = frictionless.validate(path)
    assert not report.valid
    assert {"hash-count"} <= {error[0] for error in report.flatten(["type"])}


def test_frictionless_refuses_a_value_the_schema_rules_out(hostile_release, tmp_path):
    # Attack the schema: a quality score of 7 is out of its 1–5 range.
    content = hostile_release.content
    csv_bytes = bytes(content.csv_bytes).replace(b",2,2,1,1,2,", b",2,2,1,1,7,", 1)
    (tmp_path / "download.csv").write_bytes(csv_bytes)
    (tmp_path / "download.json").write_bytes(bytes(content.json_bytes))
    (tmp_path / "datapackage.json").write_bytes(datapackage.datapackage_bytes(
        release_name="2025.1", published_at=hostile_release.published_at, csv_bytes=csv_bytes,
        json_bytes=bytes(content.json_bytes), sources=[]))
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert [error[0] for error in report.flatten(["type"])] == ["constraint-error"]


def test_it_serves_the_frozen_bytes_with_their_digest_and_an_etag(api, hostile_release):
    response = api.get(package_url("2025.1"))
    package = ReleasePackage.objects.get(release=hostile_release)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.content == bytes(package.body)
    assert response["X-Checksum-SHA256"] == hashlib.sha256(response.content).hexdigest() == package.sha256
    assert 'filename="datapackage.json"' in response["Content-Disposition"]
    assert api.get(package_url("2025.1"), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_each_resource_is_the_download_at_its_path_with_its_digest_and_size(api, hostile_release):
    resources = api.get(package_url("2025.1")).json()["resources"]
    assert [r["path"] for r in resources] == ["download.csv", "download.json"]
    for resource in resources:
        body = api.get(urljoin(package_url("2025.1"), resource["path"])).content
        assert resource["hash"] == f"sha256:{hashlib.sha256(body).hexdigest()}"
        assert resource["bytes"] == len(body)
        assert resource["encoding"] == "utf-8"
    assert [(r["format"], r["mediatype"]) for r in resources] == [
        ("csv", "text/csv"), ("json", "application/json")]


def test_it_states_the_release_its_time_its_licence_and_its_sources(api, hostile_release):
    SourceFactory(title="未被引用的来源", licence="Secret licence")
    package = api.get(package_url("2025.1")).json()
    assert (package["name"], package["version"]) == ("factordb-2025.1", "2025.1")
    assert package["created"].endswith("Z")
    assert [licence["name"] for licence in package["licenses"]] == ["notspecified"]
    assert package["sources"] == [{"title": '发布者, Inc.: 标题，含"引号"\n与换行 (2024)',
                                   "path": "https://www.mee.gov.cn/", "license": "CC BY 4.0"}]


def test_the_release_metadata_states_every_files_digest_and_size(api, hostile_release):
    urls = {"download.json": "download.json", "download.csv": "download.csv",
            "datapackage.json": "datapackage.json"}
    listed = api.get("/api/v1/releases/").json()[0]["files"]
    detail = api.get("/api/v1/releases/2025.1/").json()["files"]
    assert listed == detail
    assert set(detail) == set(urls)
    for name, path in urls.items():
        body = api.get(f"/api/v1/releases/2025.1/{path}").content
        assert detail[name] == {"sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}


def test_correcting_names_and_sources_after_the_cut_changes_no_package(api, hostile_release, approver):
    before = api.get(package_url("2025.1")).content
    version = hostile_release.versions.first()
    factor_correct_names(factor=version.factor, name_zh="改名", name_en="Renamed", actor=approver,
                         reason="名称有误")
    source_correct_citation(source=version.version_sources.get().source, actor=approver,
                            reason="许可有误", licence="CC0 1.0", title="新标题")
    assert api.get(package_url("2025.1")).content == before


def test_a_cut_that_fails_after_its_files_leaves_no_release_behind(approver, monkeypatch):
    PublishedVersionFactory()

    def refuse(*args, **kwargs):
        raise RuntimeError("the package could not be written")

    monkeypatch.setattr(datapackage, "datapackage_bytes", refuse)
    with pytest.raises(RuntimeError):
        release_cut(name="2025.1", actor=approver)
    assert not Release.objects.exists()
    assert not ReleaseContent.objects.exists()


@pytest.mark.parametrize(("name", "status"), [
    ("1999.1", 404), ("2099.1", 404), ("..%2F2025.1", 404),
    ("2025.1%00", 400),  # a NUL is refused before any view (tests/api/test_nul_characters.py)
])
def test_an_unknown_or_unsealed_release_is_a_clear_4xx_in_the_error_shape(api, hostile_release, name, status):
    ReleaseFactory(name="2099.1")  # being cut: not a release yet
    response = api.get(f"/api/v1/releases/{name}/datapackage.json")
    assert response.status_code == status
    assert set(response.json()["error"]) == {"code", "message", "details"}
