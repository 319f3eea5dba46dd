"""What the workflow tests compare: everything a step may write, before and after."""

from factordb.constants import FactorStatus
from factordb.models import ConflictOfInterest, FactorVersion, ReviewAssignment, WorkflowEvent
from tests.factories import STATE_FACTORIES

ALL_STATUSES = list(FactorStatus)


def others(allowed) -> list[FactorStatus]:
    """Every status but the allowed ones: the states a step must refuse."""
    return [status for status in ALL_STATUSES if status not in allowed]


def version_in(status: FactorStatus, **kwargs) -> FactorVersion:
    return STATE_FACTORIES[status](**kwargs)


def snapshot(version: FactorVersion) -> dict:
    """Rows, events and history of the version's factor: a refused step changes none of them."""
    versions = FactorVersion.objects.filter(factor_id=version.factor_id)
    return {
        "versions": list(versions.order_by("pk").values()),
        "events": list(WorkflowEvent.objects.order_by("pk").values()),
        "version_history": FactorVersion.history.filter(factor_id=version.factor_id).count(),
        "assignments": list(ReviewAssignment.objects.filter(version__factor_id=version.factor_id)
                            .order_by("pk").values()),
        "assignment_history": ReviewAssignment.history.count(),
        "conflicts": list(ConflictOfInterest.objects.order_by("pk").values()),
        "conflict_history": ConflictOfInterest.history.count(),
    }


def status_of(version: FactorVersion) -> str:
    return FactorVersion.objects.values_list("status", flat=True).get(pk=version.pk)


def actions_of(version: FactorVersion) -> list[str]:
    return list(WorkflowEvent.objects.filter(version=version).values_list("action", flat=True))


def pending_assignment(version: FactorVersion, reviewer, *, review_round: int | None = None):
    """An open assignment of `reviewer` in the version's current (or the given) round."""
    return ReviewAssignment.objects.create(
        version=version, reviewer=reviewer, assigned_by=reviewer,
        review_round=version.review_round if review_round is None else review_round,
    )


def latest_history(obj):
    """The last history row written (by id: pinned clocks may run behind the factories')."""
    return obj.history.order_by("-history_id").first()
