"""Writing the seed: create what is missing, compare (never overwrite) what exists."""

from datetime import datetime, time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Prefetch

from accounts.roles import Role
from factordb.constants import FactorStatus
from factordb.models import (
    Category,
    Dataset,
    Factor,
    FactorVersion,
    Gas,
    GwpSet,
    GwpValue,
    Region,
    Release,
    Source,
    Unit,
    UnitAlias,
)
from factordb.services.factors import (
    SourceCitation,
    factor_create,
    factor_version_create_draft,
    factor_version_publish_official,
)
from factordb.services.releases import release_cut

from .plan import (
    PUBLICATION_TZ,
    SEED_DIR,
    SEED_USERNAME,
    FactorSpec,
    Row,
    SeedError,
    SeedPlan,
    SeedReport,
)
from .reading import seed_read

FIRST_RELEASE = "2026.1"
FIRST_RELEASE_NOTES_ZH = (
    "首个发行版：收录生态环境部与国家统计局电力二氧化碳排放因子（2021–2023 年）、"
    "企业温室气体核算指南与 IPCC 2006 燃料缺省值推导的燃料因子，以及 GB/T 51366-2019 与 IPCC 材料因子。"
)
FIRST_RELEASE_NOTES_EN = (
    "First release: MEE/NBS electricity CO2 factors (data years 2021–2023), fuel factors derived "
    "from the Chinese enterprise accounting guideline and IPCC 2006 defaults, and GB/T 51366-2019 "
    "and IPCC material factors."
)


def _ensure(report: SeedReport, kind: str, model: type[Model], specs: dict, existing: dict,
            resolve) -> dict:
    """Create the rows that are missing; compare, never overwrite, the ones that exist."""
    objects = {}
    for key, spec in specs.items():
        fields = resolve(key, spec.fields, objects)
        obj = existing.get(key)
        if obj is None:
            obj = model(**fields)
            _save_reporting(obj, spec.row)
            report.record(kind, "created")
        else:
            same = all(getattr(obj, name) == value for name, value in fields.items())
            report.record(kind, "unchanged" if same else "differing", str(key))
        objects[key] = obj
    return objects


def _as_seed_error(exc: ValidationError, row: Row) -> SeedError:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"-": exc.messages}
    name, messages = next(iter(errors.items()))
    return row.error(name, "; ".join(messages))


def _save_reporting(obj: Model, row: Row) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise _as_seed_error(exc, row) from exc
    obj.save()


def _as_is(_key, fields: dict, _done: dict) -> dict:
    return fields


def _by_code(model: type[Model], specs: dict) -> dict:
    return {obj.code: obj for obj in model.objects.filter(code__in=list(specs))}


def _seed_user():
    """The platform's own account for official data: it cannot sign in (no usable password),
    and it holds the approver role so that the seed's first release goes through the same
    release service as any other."""
    user, created = get_user_model().objects.get_or_create(username=SEED_USERNAME)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(*Group.objects.filter(name=Role.APPROVER))
    return user


def _write_first_release(report: SeedReport) -> None:
    if Release.objects.exists():
        report.record("releases", "unchanged")
        return
    release_cut(name=FIRST_RELEASE, notes_zh=FIRST_RELEASE_NOTES_ZH, notes_en=FIRST_RELEASE_NOTES_EN,
                actor=_seed_user())
    report.record("releases", "created")


def _write_reference(plan: SeedPlan, report: SeedReport) -> dict[str, dict]:
    titles = [spec.fields["title"] for spec in plan.sources.values()]
    stored = {(s.title, s.publisher, s.year): s for s in Source.objects.filter(title__in=titles)}
    existing = {key: stored.get((s.fields["title"], s.fields["publisher"], s.fields["year"]))
                for key, s in plan.sources.items()}
    refs = {"sources": _ensure(report, "sources", Source, plan.sources, existing, _as_is)}
    for kind, model in (("datasets", Dataset), ("units", Unit), ("gases", Gas)):
        specs = getattr(plan, kind)
        refs[kind] = _ensure(report, kind, model, specs, _by_code(model, specs), _as_is)

    def with_unit(_key, fields: dict, _done: dict) -> dict:
        return fields | {"unit": refs["units"][fields["unit"]]}

    stored_aliases = {alias.alias: alias for alias in
                      UnitAlias.objects.filter(alias__in=list(plan.unit_aliases)).select_related("unit")}
    refs["unit_aliases"] = _ensure(report, "unit_aliases", UnitAlias, plan.unit_aliases, stored_aliases,
                                   with_unit)

    def with_source(_key, fields: dict, _done: dict) -> dict:
        return fields | {"source": refs["sources"][fields["source"]]}

    refs["gwp_sets"] = _ensure(report, "gwp_sets", GwpSet, plan.gwp_sets, _by_code(GwpSet, plan.gwp_sets),
                               with_source)
    stored_values = {(value.gwp_set.code, value.gas.code): value
                     for value in GwpValue.objects.select_related("gwp_set", "gas")}

    def with_set_and_gas(key: tuple[str, str], fields: dict, _done: dict) -> dict:
        set_code, gas = key
        source = fields.get("source")
        return fields | {"gwp_set": refs["gwp_sets"][set_code], "gas": refs["gases"][gas],
                         "source": refs["sources"][source] if source else None}

    refs["gwp_values"] = _ensure(report, "gwp_values", GwpValue, plan.gwp_values, stored_values,
                                 with_set_and_gas)

    def with_parent(_key, fields: dict, done: dict) -> dict:
        return fields | {"parent": done[fields["parent"]] if fields["parent"] else None}

    for kind, model in (("categories", Category), ("regions", Region)):
        specs = getattr(plan, kind)
        refs[kind] = _ensure(report, kind, model, specs, _by_code(model, specs), with_parent)
    return refs


def _published_differs(factor: Factor, spec: FactorSpec, refs: dict) -> bool:
    identity = {name: spec.identity[name] for name in ("year", "boundary", "method")}
    identity |= _resolved_identity(spec, refs)
    if any(getattr(factor, name) != value for name, value in identity.items()) or not factor.published:
        return True
    version = factor.published[0]
    amounts = {row.gas.code: row.amount for row in version.gas_amounts.all()}
    return (version.gwp_set.code != spec.gwp_set or version.co2e_total != spec.expected_total
            or amounts != spec.gas_amounts
            or any(getattr(version, name) != value for name, value in spec.content.items()))


def _resolved_identity(spec: FactorSpec, refs: dict) -> dict:
    plurals = {"dataset": "datasets", "category": "categories", "region": "regions", "unit": "units"}
    return {kind: refs[plural][spec.identity[kind]] for kind, plural in plurals.items()}


def _create_factor(spec: FactorSpec, refs: dict, author) -> None:
    identity = spec.identity | _resolved_identity(spec, refs)
    try:
        factor = factor_create(public_id=spec.public_id, **identity)
        version = factor_version_create_draft(
            factor=factor, author=author, gwp_set=refs["gwp_sets"][spec.gwp_set],
            gas_amounts=spec.gas_amounts, co2e_total=spec.expected_total,
            citations=[SourceCitation(refs["sources"][key], locator) for key, locator in spec.citations],
            **spec.content,
        )
    except ValidationError as exc:
        raise _as_seed_error(exc, spec.row) from exc
    published_at = datetime.combine(spec.published_on, time.min, tzinfo=PUBLICATION_TZ)
    factor_version_publish_official(version=version, published_at=published_at)


def _write_factors(plan: SeedPlan, refs: dict, report: SeedReport) -> None:
    published = FactorVersion.objects.filter(status=FactorStatus.PUBLISHED).select_related("gwp_set")
    existing = {
        factor.public_id: factor
        for factor in Factor.objects.filter(public_id__in=[spec.public_id for spec in plan.factors])
        .prefetch_related(Prefetch("versions", queryset=published.prefetch_related("gas_amounts__gas"),
                                   to_attr="published"))
    }
    author = _seed_user()
    for spec in plan.factors:
        factor = existing.get(spec.public_id)
        if factor is None:
            _create_factor(spec, refs, author)
            report.record("factors", "created")
        elif _published_differs(factor, spec, refs):
            report.record("factors", "differing", f"{spec.public_id} ({spec.key})")
        else:
            report.record("factors", "unchanged")


@transaction.atomic
def seed_load(*, seed_dir: Path = SEED_DIR) -> SeedReport:
    """Load the seed: all of it or, on any error, nothing."""
    plan = seed_read(seed_dir)
    report = SeedReport()
    refs = _write_reference(plan, report)
    _write_factors(plan, refs, report)
    _write_first_release(report)
    return report
