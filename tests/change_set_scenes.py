"""Change sets in each state, built through the services, for the permission matrix.

Every signed-in actor is made a participant where a role is not what decides: the author of
the sets an editor acts on, an assigned reviewer of the sets a reviewer acts on (written
directly, as the matrix does for versions), so that only the actor's roles decide.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from factordb.models import ChangeSet, ReviewAssignment, VersionSource
from factordb.services import change_set_review as road
from factordb.services import change_sets, discussion
from factordb.services.change_set_review import content_fingerprint
from tests.factories import DraftVersionFactory, SourceFactory, UserFactory
from tests.roles import with_roles


def Call(url: str, data: dict):
    from tests import permission_matrix

    return permission_matrix.Call(url, data)


def _user(name: str, *roles: Role):
    return with_roles(UserFactory(username=name), *roles)


def _draft_set(author) -> ChangeSet:
    versions = []
    for _ in range(2):
        version = DraftVersionFactory(author=author)
        VersionSource.objects.create(version=version, source=SourceFactory())
        versions.append(version)
    # The service checks the creator's role; the author of a matrix scene may hold none.
    maker = author if author.groups.filter(name=Role.EDITOR).exists() else _user("cs-maker", Role.EDITOR)
    change_set = change_sets.change_set_create(
        actor=maker, title="矩阵", description="权限矩阵的场景", versions=versions
    )
    ChangeSet.objects.filter(pk=change_set.pk).update(author=author)
    change_set.refresh_from_db()
    return change_set


def _editor():
    return _user("cs-editor", Role.EDITOR)


def submitted(author=None) -> ChangeSet:
    change_set = _draft_set(author or _editor())
    road.change_set_submit(change_set=change_set, actor=_user("cs-submitter", Role.EDITOR))
    change_set.refresh_from_db()
    return change_set


def _in_review(*, assigned=None) -> tuple[ChangeSet, object]:
    change_set = submitted()
    approver = _user("cs-approver", Role.APPROVER)
    reviewer = _user("cs-reviewer", Role.REVIEWER)
    road.change_set_assign(change_set=change_set, reviewer=reviewer, actor=approver)
    change_set.refresh_from_db()
    if assigned is not None:
        for version in change_set.current_versions():
            ReviewAssignment.objects.create(
                version=version,
                review_round=version.review_round,
                reviewer=assigned,
                assigned_by=approver,
                change_set=change_set,
                change_set_round=change_set.review_round,
            )
    return change_set, reviewer


def _changes_requested(author) -> ChangeSet:
    change_set, reviewer = _in_review()
    road.change_set_decide(
        change_set=change_set,
        actor=reviewer,
        verdict="changes_requested",
        comment="请补充来源页码",
        review_round=change_set.review_round,
    )
    ChangeSet.objects.filter(pk=change_set.pk).update(author=author)
    change_set.refresh_from_db()
    return change_set


def _approved() -> ChangeSet:
    change_set, first = _in_review()
    second = _user("cs-reviewer2", Role.REVIEWER)
    road.change_set_assign(change_set=change_set, reviewer=second, actor=_user("cs-approver2", Role.APPROVER))
    for reviewer in (first, second):
        change_set.refresh_from_db()
        road.change_set_decide(
            change_set=change_set,
            actor=reviewer,
            verdict="approved",
            review_round=change_set.review_round,
            declares_no_conflict=True,
        )
    change_set.refresh_from_db()
    return change_set


def _thread(change_set: ChangeSet, *, resolved: bool):
    approver = _user("cs-commenter", Role.APPROVER)
    thread = discussion.comment_post(change_set=change_set, actor=approver, body="第 2 行的来源页码？")
    if resolved:
        discussion.thread_resolve(change_set=change_set, thread=thread, actor=approver)
    return thread


def _action(change_set: ChangeSet, action: str, data: dict):
    return Call(
        reverse("review:change_set_action", args=[change_set.pk, action]),
        {f"{action}-{name}": value for name, value in data.items()},
    )


def _someone(scene):
    return scene.actor or UserFactory()


def submit(scene):
    return _action(_draft_set(_someone(scene)), "set_submit", {"comment": ""})


def revise(scene):
    return _action(_changes_requested(_someone(scene)), "set_revise", {"comment": ""})


def assign(scene):
    return _action(submitted(), "set_assign", {"reviewer": _user("cs-assignee", Role.REVIEWER).pk})


def unassign(scene):
    change_set, reviewer = _in_review()
    return _action(change_set, "set_unassign", {"reviewer": reviewer.pk, "reason": "调整"})


def decide(scene):
    change_set, _ = _in_review(assigned=scene.actor)
    return _action(
        change_set,
        "set_decide",
        {
            "verdict": "approved",
            "declares_no_conflict": "on",
            "comment": "",
            "review_round": change_set.review_round,
        },
    )


def declare_conflict(scene):
    change_set, _ = _in_review(assigned=scene.actor)
    return _action(
        change_set, "set_declare_conflict", {"comment": "曾参与测算", "review_round": change_set.review_round}
    )


def comment(scene):
    change_set, _ = _in_review(assigned=scene.actor)
    return _action(change_set, "comment", {"body": "请说明 2023 年数值的出处"})


def resolve(scene):
    change_set, _ = _in_review(assigned=scene.actor)
    return _action(change_set, "resolve", {"thread": _thread(change_set, resolved=False).pk})


def reopen(scene):
    change_set, _ = _in_review(assigned=scene.actor)
    return _action(change_set, "reopen", {"thread": _thread(change_set, resolved=True).pk})


def publish(scene):
    change_set = _approved()
    fingerprint = content_fingerprint(list(change_set.current_versions()))
    return _action(
        change_set, "set_publish", {"fingerprint": fingerprint, "confirm": "on", "comment": "", "at": ""}
    )


def schedule_later() -> str:
    return f"{timezone.localtime() + dt.timedelta(days=3):%Y-%m-%dT%H:%M}"


ACTION_BUILDERS = {
    "set_submit": submit,
    "set_revise": revise,
    "set_assign": assign,
    "set_unassign": unassign,
    "set_decide": decide,
    "set_declare_conflict": declare_conflict,
    "set_publish": publish,
    "comment": comment,
    "resolve": resolve,
    "reopen": reopen,
}


def admin_new(scene):
    """Two drafts ticked in the versions' list, with the set's title and reason."""
    drafts = [DraftVersionFactory() for _ in range(2)]
    return Call(
        reverse("admin:factordb_changeset_new"),
        {"versions": ",".join(str(d.pk) for d in drafts), "title": "两个草稿", "description": "同一公告"},
    )


def parameter_redraft(scene):
    """A published factor whose derivation cites a parameter, redrafted with it corrected."""
    from factordb.services.derivation_compute import with_computed_results
    from tests.factories import PublishedVersionFactory

    derivation = with_computed_results(
        {
            "parameters": {
                "ncv": {"value": "20.908", "unit": "GJ/t"},
                "cc": {"value": "26.37", "unit": "tC/TJ"},
            },
            "gases": {
                "CO2": {
                    "parameters": ["ncv", "cc"],
                    "constant": "44/12",
                    "unit_conversion": "1",
                    "result": "0",
                }
            },
            "rounding": "0.000001",
        }
    )
    from decimal import Decimal

    PublishedVersionFactory(derivation=derivation, co2e_total=Decimal(derivation["gases"]["CO2"]["result"]))
    return Call(
        reverse("admin:factordb_factorversion_parameter_redraft"),
        {"name": "ncv", "corrected_value": "21.0", "title": "更正", "description": "数值抄录有误"},
    )
