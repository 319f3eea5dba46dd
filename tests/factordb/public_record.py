"""What a refused change of what the public reads must leave untouched."""

from factordb.models import Factor, FactorVersion, Source, WorkflowEvent


def snapshot() -> dict:
    """Factors, sources, versions, the workflow log and their history, as stored."""
    return {
        "factors": list(Factor.objects.order_by("pk").values()),
        "sources": list(Source.objects.order_by("pk").values()),
        "versions": list(FactorVersion.objects.order_by("pk").values()),
        "events": list(WorkflowEvent.objects.order_by("pk").values()),
        "factor_history": Factor.history.count(),
        "source_history": Source.history.count(),
        "version_history": FactorVersion.history.count(),
    }


def cited_source(version: FactorVersion) -> Source:
    return version.version_sources.get().source
