"""Who may take which write action, in one table, tried against every role through real requests.

MATRIX maps every action a request can name — each page of the admin, the reviewers'
workspace and the approvers' dashboard, each step or changelist action such a page
dispatches on, and each writing method of the API — to the roles allowed to take it, or to
READS for a page that writes nothing. The actions are read from the real URL patterns, the
admin's registry and the step registries (tests/permission_matrix.py), so a new action
without a row here fails `test_every_action_has_a_row`: say who may take it.

Each write row is then tried for every role: an allowed role's request succeeds and writes;
any other role's is refused (403, or sent to sign in) and the database stays as it was.
A user may hold two roles (editor+reviewer, editor+approver): each has a column of its own.
"""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.db import transaction
from django.test import Client

from accounts.models import User
from accounts.roles import Role
from accounts.two_factor import second_factor_required
from factordb import forms, steps
from tests.factories import StaffUserFactory
from tests.permission_matrix import (
    ADMIN,
    ANONYMOUS,
    APPROVER,
    BUILDERS,
    EDITOR,
    EDITOR_APPROVER,
    EDITOR_REVIEWER,
    OUTSIDER,
    REVIEWER,
    ROLES,
    SUPERUSER,
    Scene,
    actions,
    database_snapshot,
    form_errors,
    make_actor,
    read_only_url,
)
from tests.two_factor import force_login_with_second_factor

READS = "reads"  # a page that writes nothing: posting to it must change nothing
NOBODY: frozenset[str] = frozenset()

SUPERUSERS = frozenset({SUPERUSER})
PLATFORM_ADMINS = frozenset({ADMIN, SUPERUSER})
# Django permissions to add and change factors, versions and sources (accounts 0002).
CONTENT_STAFF = frozenset({EDITOR, EDITOR_REVIEWER, EDITOR_APPROVER, ADMIN, SUPERUSER})
STAFF = CONTENT_STAFF | {APPROVER}
# Workflow roles, as the services check them (a superuser holds none: independence of review).
EDITORS = frozenset({EDITOR, EDITOR_REVIEWER, EDITOR_APPROVER})
REVIEWERS = frozenset({REVIEWER, EDITOR_REVIEWER})
APPROVERS = frozenset({APPROVER, EDITOR_APPROVER})
# The admin is for staff: an expert reviewer decides in the workspace, a staff reviewer in either.
STAFF_REVIEWERS = frozenset({EDITOR_REVIEWER})


def model_rows(label: str, *, add: frozenset, change: frozenset, delete: frozenset) -> dict:
    """A registered model's admin pages: its writes as given, its other pages reads."""
    prefix = f"admin:{label}"
    rows = {f"{prefix}_add": add, f"{prefix}_change": change, f"{prefix}_delete": delete}
    if delete:  # Django offers "delete selected" only where someone may delete
        rows[f"{prefix}_changelist:delete_selected"] = delete
    for page in ("changelist", "history", "history_compare", "simple_history"):
        rows[f"{prefix}_{page}"] = READS
    return rows


MATRIX: dict[str, frozenset[str] | str] = {
    # --- The admin: reference data is the platform admins' ----------------------------------
    **model_rows("factordb_category", add=PLATFORM_ADMINS, change=PLATFORM_ADMINS, delete=SUPERUSERS),
    **model_rows("factordb_region", add=PLATFORM_ADMINS, change=PLATFORM_ADMINS, delete=SUPERUSERS),
    **model_rows("factordb_unit", add=PLATFORM_ADMINS, change=PLATFORM_ADMINS, delete=SUPERUSERS),
    **model_rows("factordb_gas", add=PLATFORM_ADMINS, change=PLATFORM_ADMINS, delete=SUPERUSERS),
    **model_rows("factordb_dataset", add=PLATFORM_ADMINS, change=PLATFORM_ADMINS, delete=SUPERUSERS),
    **model_rows("factordb_gwpset", add=PLATFORM_ADMINS, change=PLATFORM_ADMINS, delete=SUPERUSERS),
    # --- Factors, drafts and sources: editors write them ----------------------------------
    **model_rows("factordb_source", add=CONTENT_STAFF, change=CONTENT_STAFF, delete=SUPERUSERS),
    **model_rows("factordb_factor", add=CONTENT_STAFF, change=CONTENT_STAFF, delete=SUPERUSERS),
    **model_rows("factordb_factorversion", add=CONTENT_STAFF, change=CONTENT_STAFF, delete=SUPERUSERS),
    "admin:factordb_factorversion_workflow": READS,  # a step must be named: the rows below
    # Which factors cite a derivation parameter, with values recomputed: shown, never saved.
    "admin:factordb_factorversion_parameter_usage": READS,
    "admin:factordb_factorversion_parameter_redraft": EDITORS,
    "admin:factordb_factorversion_workflow:submit": EDITORS,
    "admin:factordb_factorversion_workflow:revise": EDITORS,
    "admin:factordb_factorversion_workflow:start_revision": EDITORS,
    "admin:factordb_factorversion_workflow:assign": APPROVERS,
    "admin:factordb_factorversion_workflow:approve": STAFF_REVIEWERS,
    "admin:factordb_factorversion_workflow:request_changes": STAFF_REVIEWERS,
    "admin:factordb_factorversion_workflow:reject": STAFF_REVIEWERS,
    "admin:factordb_factorversion_workflow:declare_conflict": STAFF_REVIEWERS,
    "admin:factordb_factorversion_workflow:publish": APPROVERS,
    "admin:factordb_factorversion_workflow:schedule": APPROVERS,
    "admin:factordb_factorversion_workflow:withdraw": APPROVERS,
    # A published factor's names and a cited source's citation: an approver's recorded correction.
    "admin:factordb_factor_correct": APPROVERS,
    # A factor's page starts a new draft version, as "start_revision" on a version's page does.
    "admin:factordb_factor_new_version": EDITORS,
    "admin:factordb_source_correct": APPROVERS,
    # --- Imports: an editor uploads a file; its uploader confirms the preview -------------
    # The services write an import's record; no admin form adds, changes or deletes one.
    "admin:factordb_factorimport_add": NOBODY,
    "admin:factordb_factorimport_change": NOBODY,  # the import's page: it shows, never saves
    "admin:factordb_factorimport_delete": NOBODY,
    "admin:factordb_factorimport_changelist": READS,
    "admin:factordb_factorimport_history": READS,
    "admin:factordb_factorimport_progress": READS,
    "admin:factordb_factorimport_report": READS,
    "admin:factordb_factorimport_template": READS,  # the blank template: read-only
    "admin:factordb_factorimport_upload": EDITORS,
    "admin:factordb_factorimport_confirm": EDITORS,
    # --- Change sets: put together from drafts by editors; never edited in the admin ------
    **{f"admin:factordb_changeset_{view}": NOBODY for view in ("add", "change", "delete")},
    **{f"admin:factordb_changeset_{view}": READS for view in ("changelist", "history", "history_compare",
                                                                   "simple_history")},
    "admin:factordb_changeset_new": EDITORS,
    # Ticking drafts only leads to the page above, which asks for the title and reason.
    "admin:factordb_factorversion_changelist:make_change_set": READS,
    # --- Releases: cut by an approver, sealed for ever -------------------------------------
    **model_rows("factordb_release", add=NOBODY, change=NOBODY, delete=NOBODY),
    # The form and its preview, and the preview's CSV, write nothing (approvers only, as
    # tests/factordb/admin/test_release_cut_view.py holds); confirming the preview seals.
    "admin:factordb_release_cut": READS,
    "admin:factordb_release_cut_preview_csv": READS,
    "admin:factordb_release_cut_confirm": APPROVERS,
    # --- Accounts, roles and keys (accounts/permissions.py, ADR 0008) ----------------------
    **model_rows("accounts_user", add=PLATFORM_ADMINS, change=PLATFORM_ADMINS, delete=NOBODY),
    "admin:auth_user_password_change": PLATFORM_ADMINS,  # of an account that holds no rights
    **model_rows("auth_group", add=SUPERUSERS, change=SUPERUSERS, delete=SUPERUSERS),
    **model_rows("accounts_apikey", add=PLATFORM_ADMINS, change=NOBODY, delete=NOBODY),
    "admin:accounts_apikey_revoke": PLATFORM_ADMINS,
    # --- Webhooks: registered through the API with a key; staff see them, admins steer them --
    **{f"admin:factordb_webhook{model}_{view}": NOBODY
       for model in ("endpoint", "delivery") for view in ("add", "change", "delete")},
    **{f"admin:factordb_webhook{model}_{view}": READS
       for model in ("endpoint", "delivery") for view in ("changelist", "history")},
    "admin:factordb_webhookendpoint_disable": PLATFORM_ADMINS,
    "admin:factordb_webhookendpoint_enable": PLATFORM_ADMINS,
    "admin:factordb_webhookdelivery_replay": PLATFORM_ADMINS,
    # --- The admin's own pages ---------------------------------------------------------------
    "admin:password_change": STAFF,  # one's own password
    "admin:password_change_done": READS,
    "admin:index": READS,
    "admin:app_list": READS,
    "admin:login": READS,
    "admin:logout": READS,
    "admin:autocomplete": READS,
    "admin:jsi18n": READS,
    "admin:view_on_site": READS,
    # --- The reviewers' workspace ------------------------------------------------------------
    "review:assignments": READS,
    "review:assignment": READS,  # a decision must be named: the rows below
    "review:assignment:approve": REVIEWERS,
    "review:assignment:request_changes": REVIEWERS,
    "review:assignment:reject": REVIEWERS,
    "review:assignment:declare_conflict": REVIEWERS,
    # --- The approvers' dashboard ------------------------------------------------------------
    "review:dashboard": READS,
    "review:version_step": READS,  # a step must be named: the rows below
    "review:version_step:assign": APPROVERS,
    "review:version_step:publish": APPROVERS,
    "review:version_step:schedule": APPROVERS,
    "review:version_step:withdraw": APPROVERS,
    "review:clear_conflict": APPROVERS,
    "review:inbox": READS,
    "review:change_sets": READS,
    "review:change_set": READS,  # an action must be named: the rows below
    "review:change_set_action": READS,
    "review:change_set_action:set_submit": EDITORS,
    "review:change_set_action:set_revise": EDITORS,
    "review:change_set_action:set_assign": APPROVERS,
    "review:change_set_action:set_unassign": APPROVERS,
    "review:change_set_action:set_decide": REVIEWERS,
    "review:change_set_action:set_declare_conflict": REVIEWERS,
    "review:change_set_action:set_publish": APPROVERS,
    # The discussion is its participants': reviewers of the set and approvers.
    "review:change_set_action:comment": REVIEWERS | APPROVERS,
    "review:change_set_action:resolve": REVIEWERS | APPROVERS,
    "review:change_set_action:reopen": REVIEWERS | APPROVERS,
    "review:change_set_publish": READS,  # the summary; the confirmation posts to set_publish
    # --- Public pages and signing in -----------------------------------------------------
    "home": READS,
    # --- The public pages: reads, for anyone -------------------------------------------------
    "factor_search": READS,
    "factor_export": READS,
    "search": READS,
    "factor": READS,
    "compare": READS,
    "categories": READS,
    "category": READS,
    "regions": READS,
    "region": READS,
    "releases": READS,
    "release": READS,
    "downloads": READS,
    "sources": READS,
    "source": READS,
    "methodology": READS,
    "developers": READS,
    "about": READS,
    "robots_txt": READS,
    "sitemap": READS,
    "favicon": READS,
    "healthz": READS,  # probes: they answer anyone and write nothing
    "readyz": READS,
    "set_language": READS,
    "login": READS,
    "logout": READS,
    # The second factor (docs/adr/0038): each page takes only the signed-in user's own device.
    # The code and enrolment pages write nothing once passed, as every user here has (force_login).
    "two_factor_verify": READS,
    "two_factor_enrol": READS,
    # New recovery codes: one's own, for anyone who signs in with a second factor.
    "two_factor_recovery_codes": frozenset(ROLES) - {ANONYMOUS, OUTSIDER},
    # --- The API: its POSTs are reads, but for webhook endpoints, written with an API key -----
    "api-unknown": READS,  # any other /api/ address: a JSON 404
    "POST api:resolve": READS,
    "POST api:calculate": READS,
    # Webhook endpoints are an API key's (tests/factordb/webhooks): no signed-in role writes them.
    "POST api:webhook-list": NOBODY,
    "DELETE api:webhook-detail": NOBODY,
}

WRITES = sorted(action for action, allowed in MATRIX.items() if allowed != READS)
PAGES_THAT_READ = sorted(action for action, allowed in MATRIX.items() if allowed == READS)


def test_every_action_has_a_row():
    missing = sorted(actions() - set(MATRIX))
    assert missing == [], "say in MATRIX who may take these actions"


def test_every_row_names_an_action():
    assert sorted(set(MATRIX) - actions()) == []


def test_every_write_has_a_request_to_try_it_with():
    assert [action for action in WRITES if action not in BUILDERS] == []


def test_the_table_covers_every_role():
    # Guards the tests below: a role missing from ROLES would be tried nowhere.
    assert set(ROLES) == {ANONYMOUS, OUTSIDER, EDITOR, REVIEWER, APPROVER, ADMIN, SUPERUSER,
                          EDITOR_REVIEWER, EDITOR_APPROVER}


def refused(response, action: str) -> bool:
    signing_in = response.status_code == 302 and "/login/" in response["Location"]
    # 401: the API's answer to a request without the API key it needs.
    return response.status_code in (401, 403) or signing_in or not_offered(response, action)


def not_offered(response, action: str) -> bool:
    # A changelist answers an action it does not offer this user by showing the list again, or,
    # where it offers the user other actions, by sending them back to it with a warning.
    _, _, name = action.partition("_changelist:")
    if name and response.status_code == 302:
        return any(message.level == messages.WARNING for message in get_messages(response.wsgi_request))
    context = getattr(response, "context", None) or {}
    if not name or response.status_code != 200 or "action_form" not in context:
        return False
    offered = context["action_form"].fields["action"].choices if context["action_form"] else []
    return name not in dict(offered)


def done(response, action: str) -> bool:
    return response.status_code in (200, 302) and not refused(response, action)


SETUP = "setup"  # the superuser whose client opens forms the actor may not


@pytest.fixture(scope="module")
def signed_in(django_db_setup, django_db_blocker) -> Iterator[dict[str, tuple[int | None, str | None]]]:
    """Each column's user, and the setup superuser, signed in once for the module (password and
    second factor), as (user id, session key): each test's writes, theirs included, are rolled
    back after it, and these after the module, as `seeded` does with the seed."""
    with django_db_blocker.unblock(), transaction.atomic():
        users = {role: make_actor(role) for role in ROLES}
        users[SETUP] = StaffUserFactory(username="matrix-setup")
        yield {role: (user.pk, _session_key(user)) if user else (None, None) for role, user in users.items()}
        transaction.set_rollback(True)


def _session_key(user: User) -> str:
    client = Client()
    # Called directly: the conftest's wrapping of force_login is per test, set up after this.
    force_login_with_second_factor(client, user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _signed_in_as(client: Client, session_key: str) -> Client:
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def scene_for(client: Client, role: str, signed_in: dict) -> Scene:
    actor_pk, session_key = signed_in[role]
    actor = User.objects.get(pk=actor_pk) if actor_pk else None
    if actor is not None:
        # Rolled back after each test, a session an action ended or renewed is there again.
        assert Session.objects.filter(session_key=session_key).exists()
        _signed_in_as(client, session_key)
    return Scene(client=client, actor=actor, setup=_signed_in_as(Client(), signed_in[SETUP][1]))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", WRITES)
def test_a_role_takes_exactly_the_writes_its_row_allows(client, action, role, signed_in):
    call = BUILDERS[action](scene_for(client, role, signed_in))
    before = database_snapshot()

    response = call.send(client)

    if role in MATRIX[action]:
        assert done(response, action), (response.status_code, response.get("Location"))
        assert database_snapshot() != before, form_errors(response)
    else:
        assert refused(response, action), (response.status_code, response.get("Location"))
        assert database_snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", [ANONYMOUS, SUPERUSER])
@pytest.mark.parametrize("action", PAGES_THAT_READ)
def test_a_page_that_reads_changes_nothing_when_posted_to(client, action, role, signed_in):
    scene = scene_for(client, role, signed_in)
    call = BUILDERS[action](scene) if action in BUILDERS else None
    url = call.url if call else read_only_url(action)
    before = database_snapshot()

    response = call.send(client) if call else client.post(url, {})

    assert response.status_code < 500
    assert response.status_code not in (401, 403) or not action.startswith("POST api:")
    assert database_snapshot() == before


@pytest.mark.django_db
def test_each_column_is_signed_in_as_its_user_past_the_second_factor(signed_in):
    # Guards the shared sign-ins: a column signed in as nobody would be refused everything, as
    # an anonymous visitor is, and its refusals would prove nothing.
    for role in [*ROLES, SETUP]:
        actor_pk, session_key = signed_in[role]
        if role == ANONYMOUS:
            assert session_key is None
            continue
        user = _signed_in_as(Client(), session_key).get("/admin/").wsgi_request.user
        assert user.pk == actor_pk
        assert user.is_verified() or not second_factor_required(user)


def test_a_new_page_without_a_row_is_caught(settings):
    settings.ROOT_URLCONF = "tests.urls_with_a_new_action"
    assert sorted(actions() - set(MATRIX)) == ["clear_conflict"]


def test_a_new_step_without_a_row_is_caught(monkeypatch):
    # One registry entry puts a step on every surface it names: each needs a row.
    monkeypatch.setitem(steps.STEPS, "ask_author", steps.Step(
        "ask_author", "向作者提问", "approve", frozenset({Role.APPROVER}), steps.plain_form(forms.NoteForm),
        lambda version, actor, data: None, "已提问。", surfaces=frozenset(steps.Surface)))
    assert sorted(actions() - set(MATRIX)) == [
        "admin:factordb_factorversion_workflow:ask_author", "review:assignment:ask_author",
        "review:change_set_action:ask_author", "review:version_step:ask_author"]
