"""What a refused request must leave untouched."""

from factordb.models import ConflictOfInterest, FactorVersion, ReviewAssignment, WorkflowEvent


def snapshot() -> dict:
    return {
        "versions": list(FactorVersion.objects.order_by("pk").values()),
        "assignments": list(ReviewAssignment.objects.order_by("pk").values()),
        "events": WorkflowEvent.objects.count(),
        "version_history": FactorVersion.history.count(),
        "assignment_history": ReviewAssignment.history.count(),
        "conflicts": list(ConflictOfInterest.objects.order_by("pk").values()),
        "conflict_history": ConflictOfInterest.history.count(),
    }


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]
