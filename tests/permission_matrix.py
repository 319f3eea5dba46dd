"""What tests/test_permission_matrix.py needs besides its table: the roles as users, every
action a request can name (read from the real URL patterns, the admin's registry and the
step registry, factordb.steps), one request per action that succeeds for a role allowed to take it, and a
snapshot of the whole database.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Model
from django.forms import SplitDateTimeField
from django.forms.models import model_to_dict
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import ApiKey, User
from accounts.roles import Role
from factordb.admin.reasons import CHANGE_REASON_FIELD
from factordb.constants import LifecycleBoundary, Methodology
from factordb.models import (
    Category,
    ConflictOfInterest,
    Dataset,
    Factor,
    FactorImport,
    FactorVersion,
    Gas,
    GwpSet,
    ImportStatus,
    Region,
    Source,
    Unit,
    WebhookDelivery,
    WebhookEndpoint,
)
from factordb.services import review as review_services
from factordb.services.imports import columns
from factordb.services.releases import release_preview
from factordb.steps import Surface, on
from factordb.views import change_sets as change_set_views
from tests import change_set_scenes
from tests.factordb.admin.helpers import change_form_data
from tests.factordb.admin.rows import ROW_MAKERS
from tests.factories import (
    ApiKeyFactory,
    ApprovedVersionFactory,
    CategoryFactory,
    ChangesRequestedVersionFactory,
    DatasetFactory,
    FactorFactory,
    GwpSetFactory,
    InReviewVersionFactory,
    PublishedVersionFactory,
    RegionFactory,
    ReleaseFactory,
    SourcedDraftVersionFactory,
    SourcedPublishedVersionFactory,
    SourceFactory,
    StaffUserFactory,
    SubmittedVersionFactory,
    UnitFactory,
    UserFactory,
)
from tests.roles import with_roles

PASSWORD = "correct horse battery staple"
REASON = {CHANGE_REASON_FIELD: "权限矩阵"}

# --- The roles ------------------------------------------------------------------------------

ANONYMOUS, OUTSIDER, SUPERUSER = "anonymous", "outsider", "superuser"
EDITOR, REVIEWER, APPROVER, ADMIN = (role.value for role in (Role.EDITOR, Role.REVIEWER, Role.APPROVER,
                                                              Role.ADMIN))
EDITOR_REVIEWER, EDITOR_APPROVER = "editor+reviewer", "editor+approver"
ROLES = (ANONYMOUS, OUTSIDER, EDITOR, REVIEWER, APPROVER, ADMIN, SUPERUSER, EDITOR_REVIEWER, EDITOR_APPROVER)

# Ministry staff work in the admin; expert reviewers are not staff (they have the workspace).
_STAFF_ROLES = {Role.EDITOR, Role.APPROVER, Role.ADMIN}


def make_actor(role: str) -> User | None:
    """The user of a column: members of the migration's groups, staff as their work needs."""
    if role == ANONYMOUS:
        return None
    if role == SUPERUSER:
        return StaffUserFactory(username="matrix-superuser")
    held = [Role(name) for name in role.split("+")] if role != OUTSIDER else []
    user = UserFactory(username=f"matrix-{role}", is_staff=bool(_STAFF_ROLES.intersection(held)))
    if held:
        user.groups.add(*Group.objects.filter(name__in=[r.value for r in held]))
    return user


# --- Every action a request can name --------------------------------------------------------

API_SAFE_METHODS = {"get", "head", "options", "trace"}


def _patterns(patterns, namespace: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            for name, route, found in _patterns(pattern.url_patterns, inner):
                yield name, f"{pattern.pattern}{route}", found
        else:
            yield (f"{namespace}{pattern.name}" if pattern.name else ""), str(pattern.pattern), pattern


def url_patterns() -> list[tuple[str, str, URLPattern]]:
    """(name with namespaces, route, pattern) of every URL the site serves."""
    return list(_patterns(get_resolver().url_patterns))


def api_write_methods(pattern: URLPattern) -> set[str]:
    """The HTTP methods other than reads that a DRF view of the API answers."""
    callback = pattern.callback
    if getattr(callback, "actions", None):  # a viewset: its method → action map
        methods = set(callback.actions)
    else:
        view_class = callback.cls
        methods = {m for m in view_class.http_method_names if hasattr(view_class, m)}
    return methods - API_SAFE_METHODS


def _superuser_request():
    request = RequestFactory().get("/")
    request.user = User(username="enumerator", is_superuser=True, is_staff=True, is_active=True)
    return request


def changelist_actions() -> dict[str, list[str]]:
    """The changelist actions (delete_selected …) of each admin, as a superuser is offered them."""
    request = _superuser_request()
    return {
        f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist": list(
            model_admin.get_actions(request))
        for model, model_admin in admin.site._registry.items()
    }


def dispatched_actions() -> dict[str, list[str]]:
    """URLs that take several actions, the action named in the URL or the body."""
    return {
        "admin:factordb_factorversion_workflow": [step.name for step in on(Surface.ADMIN)],
        "review:assignment": [step.name for step in on(Surface.WORKSPACE)],
        "review:version_step": [step.name for step in on(Surface.DASHBOARD)],
        "review:change_set_action": change_set_views.actions(),
        **changelist_actions(),
    }


def unnamed_admin_route(route: str) -> bool:
    # Django's admin adds unnamed patterns only to redirect "<id>/" to the change page and to
    # catch every other address; anything else must be named to appear in the matrix.
    return route.startswith("admin/") and route.endswith(("<path:object_id>/", "(?P<url>.*)$"))


def actions() -> set[str]:
    """Every action a request can name: each named page (the API: each writing method), and
    each action a page dispatches on. A row of the matrix must say who may take each."""
    found = set()
    dispatched = dispatched_actions()
    for name, route, pattern in url_patterns():
        if not name:
            assert unnamed_admin_route(route), f"an unnamed URL pattern: {route}"
        elif name.startswith("api:"):
            found |= {f"{method.upper()} {name}" for method in api_write_methods(pattern)}
        else:
            found.add(name)
            found |= {f"{name}:{sub}" for sub in dispatched.get(name, [])}
    return found


# --- What changed ---------------------------------------------------------------------------


# Signing in and out is not a write here: the sessions and django-axes' sign-in log.
UNWATCHED_TABLES = (Session._meta.db_table, "axes_")


@cache
def watched_tables() -> tuple[str, ...]:
    """The tables a snapshot reads: those of the migrated test database, which no test adds to."""
    return tuple(table for table in connection.introspection.table_names()
                 if not table.startswith(UNWATCHED_TABLES))


def database_snapshot() -> dict[str, list[str]]:
    """Every row of every table, the many-to-many tables of groups and permissions included.

    Read with plain SQL, in any order, each row as text, sorted: the ORM's query per model cost
    a third of the matrix's time, and a row's place on disk may move when it is rewritten
    unchanged. PostgreSQL answers for every table at once (each row as JSON): a query per table,
    a round trip each, cost it a quarter of the matrix's time."""
    tables = watched_tables()
    snapshot: dict[str, list[str]] = {table: [] for table in tables}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(" UNION ALL ".join(
                f"SELECT '{table}'::text, row_to_json(t)::text FROM {connection.ops.quote_name(table)} t"
                for table in tables))
            for table, row in cursor.fetchall():
                snapshot[table].append(row)
        else:
            for table in tables:
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                snapshot[table] = list(map(repr, cursor.fetchall()))
    return {table: sorted(rows) for table, rows in snapshot.items()}


# --- One request per action -----------------------------------------------------------------


@dataclass
class Call:
    url: str
    data: dict = field(default_factory=dict)
    content_type: str | None = None

    def send(self, client: Client):
        if self.content_type:
            return client.post(self.url, self.data, content_type=self.content_type)
        return client.post(self.url, self.data)


@dataclass
class Scene:
    """What a builder works with: the actor's client, the actor, a superuser's client for pages
    the actor may not open (the request is then refused whatever it carries)."""

    client: Client
    actor: User | None
    setup: Client


Builder = Callable[[Scene], Call]


def _is_form_page(page) -> bool:
    return page is not None and page.status_code == 200 and "adminform" in (page.context or {})


def form_errors(response) -> object:
    """What a refused or failed form said, for a failing test's message."""
    context = getattr(response, "context", None) or {}
    if "adminform" in context:
        return context["adminform"].form.errors, [f.errors for f in context.get("inline_admin_formsets", [])
                                                 for f in [f.formset]]
    return None


def form_body(scene: Scene, url: str, **changes) -> dict:
    """The form a browser would post from the page at `url`: as the actor sees it if they may
    open it, as a superuser sees it otherwise; a split date-time field sent as its two parts."""
    page = scene.client.get(url) if scene.actor is not None else None
    if not _is_form_page(page):
        page = scene.setup.get(url)
    if not _is_form_page(page):  # nobody opens it: any body is refused
        return {**REASON, **changes}
    data = change_form_data(page, **REASON)
    form = page.context["adminform"].form
    for name, form_field in form.fields.items():
        if isinstance(form_field, SplitDateTimeField) and name in data:
            value = form[name].value()
            data.pop(name)
            stamp = timezone.localtime(value) if isinstance(value, dt.datetime) else None
            data[f"{name}_0"] = f"{stamp:%Y-%m-%d}" if stamp else ""
            data[f"{name}_1"] = f"{stamp:%H:%M:%S}" if stamp else ""
    data.update(changes)
    return data


def _admin_url(model: type[Model], view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _pk(obj: Model) -> str:
    return str(obj.pk)


# What a new row of each model carries (the rest is what its add page starts with).
ADD_VALUES: dict[type[Model], Callable[[], dict]] = {
    Category: lambda: {"code": "matrix.cat", "name_zh": "矩阵类别", "name_en": "Matrix category"},
    Region: lambda: {"code": "CN-MX", "kind": "province", "name_zh": "矩阵省", "name_en": "Matrix",
                     "parent": _pk(RegionFactory())},
    Unit: lambda: {"code": "MWhx", "symbol": "MWh", "pint_expression": "MWh", "dimension": "energy",
                   "name_zh": "兆瓦时", "name_en": "megawatt-hour"},
    Gas: lambda: {"code": "SF6", "formula": "SF6", "origin": "fossil", "counts_in_co2e": "on",
                  "name_zh": "六氟化硫", "name_en": "Sulphur hexafluoride"},
    Source: lambda: {"code": "matrix-source", "title": "Matrix source", "publisher": "MEE", "year": "2024"},
    Dataset: lambda: {"code": "MATRIX", "name_zh": "矩阵数据集", "name_en": "Matrix dataset",
                      "publisher": "MEE", "authority_rank": "1"},
    GwpSet: lambda: {"code": "MX", "name": "Matrix set", "horizon_years": "100",
                     "source": _pk(SourceFactory())},
    Factor: lambda: {"dataset": _pk(DatasetFactory()), "category": _pk(CategoryFactory()),
                     "region": _pk(RegionFactory()), "unit": _pk(UnitFactory()), "year": "2030",
                     "boundary": LifecycleBoundary.GRID_CONSUMPTION.value,
                     "method": Methodology.MEE_GRID_FACTORS.value,
                     "name_zh": "矩阵因子", "name_en": "Matrix factor"},
    FactorVersion: lambda: {"factor": _pk(FactorFactory()), "gwp_set": _pk(GwpSetFactory()),
                            "co2e_total": "0.5", "dq_reliability": "1", "dq_completeness": "1",
                            "dq_temporal": "1", "dq_geographical": "1", "dq_technological": "1"},
    User: lambda: {"username": "matrix-newcomer", "usable_password": "true",
                   "password1": "a new pass phrase 42", "password2": "a new pass phrase 42"},
    Group: lambda: {"name": "matrix-role", "permissions": []},
    ApiKey: lambda: {"name": "LCA Tool", "organisation": "Example Co.", "contact_email": "it@example.org",
                     "tier": "standard"},
}

# A field each model's change writes, so that an allowed change shows in the database.
CHANGE_VALUES: dict[type[Model], dict] = {
    Category: {"name_en": "Changed"}, Region: {"name_en": "Changed"}, Unit: {"name_en": "Changed"},
    Gas: {"name_en": "Changed"}, Source: {"title": "Changed"}, Dataset: {"name_en": "Changed"},
    GwpSet: {"name": "Changed"}, Factor: {"name_en": "Changed"}, FactorVersion: {"notes_en": "Changed"},
    User: {"first_name": "Changed"}, Group: {"name": "changed"},
}


def _editable_row(model: type[Model]) -> Model:
    """A row every allowed role may change or delete: no public record, nothing depending on it."""
    if model is FactorVersion:
        return SourcedDraftVersionFactory()
    if model is Factor:
        return FactorFactory()
    if model is GwpSet:
        return GwpSet.objects.create(code="MXDEL", name="Bare set", source=SourceFactory())
    return ROW_MAKERS[model](7)


def add_builder(model: type[Model]) -> Builder:
    def build(scene: Scene) -> Call:
        url = _admin_url(model, "add")
        return Call(url, form_body(scene, url, **ADD_VALUES.get(model, dict)()))
    return build


def change_builder(model: type[Model]) -> Builder:
    def build(scene: Scene) -> Call:
        url = _admin_url(model, "change", _editable_row(model).pk)
        return Call(url, form_body(scene, url, **CHANGE_VALUES.get(model, {})))
    return build


def delete_builder(model: type[Model]) -> Builder:
    def build(scene: Scene) -> Call:
        return Call(_admin_url(model, "delete", _editable_row(model).pk), {"post": "yes", **REASON})
    return build


def delete_selected_builder(model: type[Model]) -> Builder:
    def build(scene: Scene) -> Call:
        return Call(_admin_url(model, "changelist"), {
            "action": "delete_selected", "_selected_action": [_editable_row(model).pk], "post": "yes",
            **REASON})
    return build


def admin_model_builders() -> dict[str, Builder]:
    builders = {}
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        builders.update({
            f"{prefix}_add": add_builder(model), f"{prefix}_change": change_builder(model),
            f"{prefix}_delete": delete_builder(model),
            f"{prefix}_changelist:delete_selected": delete_selected_builder(model),
        })
    return builders


# --- The workflow: admin buttons, the workspace, the dashboard --------------------------------


def _later() -> str:
    return f"{timezone.localtime() + dt.timedelta(days=3):%Y-%m-%dT%H:%M}"


def _reviewer() -> User:
    return with_roles(UserFactory(username="matrix-assignee"), Role.REVIEWER)


def _assigned_to(scene: Scene) -> FactorVersion:
    # Everyone signed in holds an assignment: the role alone decides whether they may decide.
    return InReviewVersionFactory(reviewers=[scene.actor or UserFactory()])


# The version each step starts from, and the form it posts (without the form's prefix).
STEP_SCENES: dict[str, tuple[Callable[[Scene], FactorVersion], Callable[[], dict]]] = {
    "submit": (lambda s: SourcedDraftVersionFactory(), lambda: {"comment": ""}),
    "revise": (lambda s: ChangesRequestedVersionFactory(), lambda: {"comment": ""}),
    "assign": (lambda s: SubmittedVersionFactory(), lambda: {"reviewer": _pk(_reviewer())}),
    "approve": (_assigned_to, lambda: {"declares_no_conflict": "on", "comment": ""}),
    "request_changes": (_assigned_to, lambda: {"comment": "请补充来源"}),
    "reject": (_assigned_to, lambda: {"comment": "数据有误"}),
    "declare_conflict": (_assigned_to, lambda: {"comment": "本人参与了原始测算"}),
    "publish": (lambda s: ApprovedVersionFactory(), lambda: {"comment": ""}),
    "schedule": (lambda s: ApprovedVersionFactory(), lambda: {"at": _later()}),
    "start_revision": (lambda s: SourcedPublishedVersionFactory(), lambda: {"comment": ""}),
    "withdraw": (lambda s: SourcedPublishedVersionFactory(), lambda: {"reason": "数据来源撤回"}),
}


def _prefixed(prefix: str, values: dict) -> dict:
    return {f"{prefix}-{name}": value for name, value in values.items()}


def admin_step_builder(step: str) -> Builder:
    def build(scene: Scene) -> Call:
        version_of, values = STEP_SCENES[step]
        url = reverse("admin:factordb_factorversion_workflow", args=[version_of(scene).pk, step])
        return Call(url, _prefixed(step, values()))
    return build


def workspace_builder(decision: str) -> Builder:
    def build(scene: Scene) -> Call:
        version_of, values = STEP_SCENES[decision]
        version = version_of(scene)
        assignment = version.assignments.get()
        return Call(reverse("review:assignment", args=[assignment.pk]),
                    {"action": decision, **_prefixed(decision, values())})
    return build


def dashboard_builder(step: str) -> Builder:
    def build(scene: Scene) -> Call:
        version_of, values = STEP_SCENES[step]
        version = version_of(scene)
        return Call(reverse("review:version_step", args=[version.pk, step]),
                    _prefixed(f"{step}-{version.pk}", values()))
    return build


# --- The rest ---------------------------------------------------------------------------------


RELEASE_FORM = {"name": "2099.1", "notes_zh": "矩阵", "notes_en": "Matrix"}


def release_cut(scene: Scene) -> Call:
    """The form posted: the preview of a cut, which seals nothing."""
    SourcedPublishedVersionFactory()
    return Call(reverse("admin:factordb_release_cut"), RELEASE_FORM)


def release_cut_preview_csv(scene: Scene) -> Call:
    return Call(reverse("admin:factordb_release_cut_preview_csv"))


def release_cut_confirm(scene: Scene) -> Call:
    """The preview confirmed as its page carries it."""
    SourcedPublishedVersionFactory()
    return Call(reverse("admin:factordb_release_cut_confirm"),
                {**RELEASE_FORM, "previewed": release_preview().fingerprint})


def correction_builder(record_of: Callable[[], Model], **changes) -> Builder:
    """The correction page of a record the public has read: its reviewed fields as they are,
    the changes, and the reason."""
    def build(scene: Scene) -> Call:
        record = record_of()
        values = {name: "" if value is None else value
                  for name, value in model_to_dict(record, fields=record.REVIEWED_FIELDS).items()}
        return Call(_admin_url(type(record), "correct", record.pk),
                    {**values, **changes, "reason": "更正笔误"})
    return build


def _cited_source() -> Source:
    return SourcedPublishedVersionFactory().version_sources.get().source


def clear_conflict(scene: Scene) -> Call:
    """A reviewer's conflict of interest in a factor, declared in the workspace, to be cleared."""
    reviewer = _reviewer()
    assignment = InReviewVersionFactory(reviewers=[reviewer]).assignments.get()
    review_services.review_declare_conflict(assignment=assignment, actor=reviewer, comment="曾参与测算")
    conflict = ConflictOfInterest.objects.get(declared_in=assignment)
    return Call(reverse("review:clear_conflict", args=[conflict.pk]),
                _prefixed(f"clear_conflict-{conflict.pk}", {"reason": "该项目已结束三年"}))


def api_key_revoke(scene: Scene) -> Call:
    return Call(reverse("admin:accounts_apikey_revoke", args=[ApiKeyFactory().pk]), {"reason": "合同到期"})


def webhook_endpoint_disable(scene: Scene) -> Call:
    endpoint = ROW_MAKERS[WebhookEndpoint](70)
    return Call(reverse("admin:factordb_webhookendpoint_disable", args=[endpoint.pk]), {"reason": "合同到期"})


def webhook_endpoint_enable(scene: Scene) -> Call:
    endpoint = ROW_MAKERS[WebhookEndpoint](71)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(disabled_at=timezone.now(),
                                                          disabled_reason="连续失败")
    return Call(reverse("admin:factordb_webhookendpoint_enable", args=[endpoint.pk]))


def webhook_delivery_replay(scene: Scene) -> Call:
    return Call(reverse("admin:factordb_webhookdelivery_replay", args=[ROW_MAKERS[WebhookDelivery](72).pk]))


def webhook_endpoint_remove(scene: Scene) -> Call:
    # POST, as every matrix request: refused before the method is looked at (no key, no endpoint).
    return Call(reverse("api:webhook-detail", args=[ROW_MAKERS[WebhookEndpoint](73).pk]), {},
                content_type="application/json")


def password_of_an_account_without_rights(scene: Scene) -> Call:
    return Call(reverse("admin:auth_user_password_change", args=[UserFactory(username="matrix-plain").pk]),
                {"password1": "a new pass phrase 42", "password2": "a new pass phrase 42",
                 "usable_password": "true"})


def own_password(scene: Scene) -> Call:
    return Call(reverse("admin:password_change"), {
        "old_password": PASSWORD, "new_password1": "a new pass phrase 42",
        "new_password2": "a new pass phrase 42"})


def own_recovery_codes(scene: Scene) -> Call:
    return Call(reverse("two_factor_recovery_codes"))


def import_upload(scene: Scene) -> Call:
    # A readable file, though its codes are in no registry: the upload alone writes its record.
    content = (",".join(columns.header_row()) + "\r\n").encode() + b"MATRIX,cat,CN,kWh,2024\r\n"
    return Call(reverse("admin:factordb_factorimport_upload"),
                {"file": SimpleUploadedFile("factors.csv", content), "format": "template"})


def import_confirm(scene: Scene) -> Call:
    """A previewed import of the actor's own (its uploader alone may confirm it), confirmed as
    its page shows it."""
    previewed_at = timezone.now()
    factor_import = FactorImport.objects.create(
        file_name="factors.csv", file_sha256="a" * 64, file_size=1, content=b"x",
        created_by=scene.actor or UserFactory(username="matrix-uploader"), status=ImportStatus.PREVIEWED,
        previewed_at=previewed_at, summary={"rows": 1, "create": 1, "issues": 0})
    return Call(reverse("admin:factordb_factorimport_confirm", args=[factor_import.pk]),
                {"file_sha256": factor_import.file_sha256,
                 "previewed_at": previewed_at.isoformat(timespec="microseconds")})


def api_read(name: str, body: dict) -> Builder:
    return lambda scene: Call(reverse(name), body, content_type="application/json")


BUILDERS: dict[str, Builder] = {
    **admin_model_builders(),
    # A step without a scene has no builder: test_every_write_has_a_request_to_try_it_with says so.
    **{f"admin:factordb_factorversion_workflow:{step.name}": admin_step_builder(step.name)
       for step in on(Surface.ADMIN) if step.name in STEP_SCENES},
    **{f"review:assignment:{step.name}": workspace_builder(step.name)
       for step in on(Surface.WORKSPACE) if step.name in STEP_SCENES},
    **{f"review:version_step:{step.name}": dashboard_builder(step.name)
       for step in on(Surface.DASHBOARD) if step.name in STEP_SCENES},
    "admin:factordb_release_cut": release_cut,
    "admin:factordb_release_cut_confirm": release_cut_confirm,
    "admin:factordb_release_cut_preview_csv": release_cut_preview_csv,
    "admin:factordb_factorimport_upload": import_upload,
    "admin:factordb_factorimport_confirm": import_confirm,
    "admin:accounts_apikey_revoke": api_key_revoke,
    "admin:factordb_webhookendpoint_disable": webhook_endpoint_disable,
    "admin:factordb_webhookendpoint_enable": webhook_endpoint_enable,
    "admin:factordb_webhookdelivery_replay": webhook_delivery_replay,
    "POST api:webhook-list": api_read("api:webhook-list", {"url": "https://192.0.2.1/hooks"}),
    "DELETE api:webhook-detail": webhook_endpoint_remove,
    "review:clear_conflict": clear_conflict,
    **{f"review:change_set_action:{name}": build
       for name, build in change_set_scenes.ACTION_BUILDERS.items()},
    "admin:factordb_changeset_new": change_set_scenes.admin_new,
    "admin:factordb_factorversion_parameter_redraft": change_set_scenes.parameter_redraft,
    "admin:factordb_factor_correct": correction_builder(lambda: SourcedPublishedVersionFactory().factor,
                                                        name_en="Corrected name"),
    "admin:factordb_source_correct": correction_builder(_cited_source, title="Corrected title"),
    "admin:factordb_factor_new_version": lambda scene: Call(
        _admin_url(Factor, "new_version", SourcedPublishedVersionFactory().factor.pk)),
    "admin:auth_user_password_change": password_of_an_account_without_rights,
    "admin:password_change": own_password,
    "two_factor_recovery_codes": own_recovery_codes,
    "POST api:resolve": api_read("api:resolve", {"keys": [{"category": "cat0", "region": "CN", "year": 2024,
                                                           "unit": "kWh"}]}),
    "POST api:calculate": api_read("api:calculate", {"public_id": "EFNOTHERE000", "amount": "1",
                                                     "unit": "kWh"}),
}


def _registered_model_view(name: str) -> tuple[type[Model] | None, str]:
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model, name[len(prefix):]
    return None, ""


def read_only_url(name: str) -> str:
    """An address of a page that only reads, for checking that a POST to it changes nothing."""
    if name in ("admin:factordb_factorversion_workflow", "review:version_step"):  # a step no registry holds
        return reverse(name, args=[SourcedDraftVersionFactory().pk, "no-such-step"])
    if "_changelist:" in name:  # a changelist action that only leads to another page
        return reverse(name.rpartition(":")[0])
    model, view = _registered_model_view(name)
    if model is not None and view in ("changelist", "parameter_usage"):  # pages of no one row
        return _admin_url(model, view)
    if model is not None:
        obj = ROW_MAKERS[model](9)
        if view == "simple_history":
            return _admin_url(model, view, obj.pk, obj.history.first().history_id)
        return _admin_url(model, view, obj.pk)
    if name == "admin:app_list":
        return reverse(name, args=["factordb"])
    if name == "admin:view_on_site":
        category = CategoryFactory(code="matrix.site")
        return reverse(name, args=[ContentType.objects.get_for_model(Category).pk, category.pk])
    if name == "review:assignment":
        return reverse(name, args=[InReviewVersionFactory(reviewers=[UserFactory()]).assignments.get().pk])
    if name in ("review:change_set", "review:change_set_publish"):
        return reverse(name, args=[change_set_scenes.submitted().pk])
    if name == "review:change_set_action":  # an action no registry holds
        return reverse(name, args=[change_set_scenes.submitted().pk, "no-such-action"])
    if name in PUBLIC_PAGE_ARGUMENTS:
        return reverse(name, args=[PUBLIC_PAGE_ARGUMENTS[name]()])
    return reverse(name)


# Public pages of one record: one that exists, so the page itself answers the POST.
PUBLIC_PAGE_ARGUMENTS = {
    "factor": lambda: PublishedVersionFactory().factor.public_id,
    "category": lambda: CategoryFactory(code="matrix.public").code,
    "region": lambda: RegionFactory(code="MATRIX-PUBLIC").code,
    "release": lambda: ReleaseFactory(name="matrix.1").name,
    "source": lambda: SourceFactory().pk,
}
