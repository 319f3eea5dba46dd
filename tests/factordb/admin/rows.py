"""One row maker per model in the admin, for tests that go over every registered admin.

Each row gets its own related objects where the list shows them, so a list that loads them
one row at a time is caught.
"""

from collections.abc import Callable

from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Model

from accounts.models import ApiKey, User
from factordb.constants import RegionKind
from factordb.models import (
    Category,
    ChangeSet,
    ChangeSetRow,
    Dataset,
    Factor,
    FactorImport,
    FactorVersion,
    Gas,
    GwpSet,
    Region,
    Release,
    Source,
    Unit,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests.factories import (
    ApiKeyFactory,
    CategoryFactory,
    DatasetFactory,
    DraftVersionFactory,
    FactorFactory,
    GasFactory,
    GroupFactory,
    GwpSetFactory,
    PublishedVersionFactory,
    RegionFactory,
    ReleaseFactory,
    SourceFactory,
    UnitFactory,
    UserFactory,
)


def _factor(n: int) -> Factor:
    return FactorFactory(
        category=CategoryFactory(code=f"c{n}"),
        region=RegionFactory(code=f"r{n}", name_zh=f"地区{n}", name_en=f"Region {n}"),
        dataset=DatasetFactory(code=f"DS{n}"),
        unit=UnitFactory(code=f"u{n}", symbol=f"u{n}"),
    )


def _import(n: int) -> FactorImport:
    return FactorImport.objects.create(
        file_name=f"factors-{n}.csv", file_sha256=f"{n:064x}", file_size=3, content=b"a,b",
        created_by=UserFactory(), summary={"rows": n, "create": n, "revise": 0, "unchanged": 0, "issues": 0})


def _version(n: int) -> FactorVersion:
    factory = PublishedVersionFactory if n % 2 else DraftVersionFactory
    return factory(factor=_factor(n), gwp_set=GwpSetFactory(code=f"S{n}"), author=UserFactory())


def _webhook_endpoint(n: int) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.create(api_key=ApiKeyFactory(), url=f"https://calc{n}.example/hooks",
                                              secret=f"{n:064x}")
    endpoint.categories.set([CategoryFactory(code=f"webhook{n}")])
    return endpoint


def _webhook_delivery(n: int) -> WebhookDelivery:
    # Failed: its page offers the replay.
    return WebhookDelivery.objects.create(
        endpoint=_webhook_endpoint(n), event_id=f"{n:032x}", event_type="release.published",
        payload={"type": "release.published", "data": {"name": f"2026.{n}"}}, status="failed", attempts=12,
        next_attempt_at="2026-01-01T00:00:00Z", last_status_code=500, last_error="answered 500")


def _change_set(n: int) -> ChangeSet:
    draft = DraftVersionFactory()
    change_set = ChangeSet.objects.create(title=f"变更集 {n}", description="理由", kind="version",
                                          author=draft.author)
    ChangeSetRow.objects.create(change_set=change_set, version=draft)
    return change_set


ROW_MAKERS: dict[type[Model], Callable[[int], Model]] = {
    Category: lambda n: CategoryFactory(code=f"c{n}", parent=CategoryFactory(code=f"parent{n}")),
    Region: lambda n: RegionFactory(code=f"CN-R{n}", kind=RegionKind.GRID, name_zh=f"地区{n}",
                                    name_en=f"Region {n}", parent=RegionFactory()),
    Unit: lambda n: UnitFactory(code=f"u{n}", symbol=f"u{n}"),
    Gas: lambda n: GasFactory(code=f"G{n}", formula=f"G{n}"),
    Source: lambda n: SourceFactory(),
    Dataset: lambda n: DatasetFactory(code=f"DS{n}"),
    GwpSet: lambda n: GwpSetFactory(code=f"S{n}"),
    Factor: _factor,
    FactorVersion: _version,
    FactorImport: _import,
    Release: lambda n: ReleaseFactory(created_by=UserFactory()),
    ChangeSet: _change_set,
    User: lambda n: UserFactory(),
    ApiKey: lambda n: ApiKeyFactory(),
    Group: lambda n: GroupFactory(),
    WebhookEndpoint: _webhook_endpoint,
    WebhookDelivery: _webhook_delivery,
}


def registered_models() -> list[type[Model]]:
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


def make_rows(model: type[Model], start: int, stop: int) -> list[Model]:
    return [ROW_MAKERS[model](n) for n in range(start, stop)]
