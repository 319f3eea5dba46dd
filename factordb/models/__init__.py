from .change_set import ChangeSet, ChangeSetKind, ChangeSetRow, ReviewComment, Verdict
from .factor import Factor, FactorVersion, GasAmount, PublishedVersionError, VersionSource
from .imports import FactorImport, ImportedVersion, ImportFormat, ImportStatus, RowAction
from .publication import PublicationLock
from .reference import Category, Dataset, Gas, GwpSet, GwpValue, Region, Source, Unit, UnitAlias
from .release import Release, ReleaseContent, ReleaseEntry, ReleaseFactor, ReleaseFrozenError, ReleasePackage
from .review import ConflictOfInterest, ReviewAssignment, ReviewDecision, WorkflowEvent
from .webhooks import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "Category",
    "ChangeSet",
    "ChangeSetKind",
    "ChangeSetRow",
    "ConflictOfInterest",
    "Dataset",
    "DeliveryStatus",
    "Factor",
    "FactorImport",
    "FactorVersion",
    "Gas",
    "GasAmount",
    "GwpSet",
    "GwpValue",
    "ImportFormat",
    "ImportStatus",
    "ImportedVersion",
    "PublicationLock",
    "PublishedVersionError",
    "Region",
    "Release",
    "ReleaseContent",
    "ReleaseEntry",
    "ReleaseFactor",
    "ReleaseFrozenError",
    "ReleasePackage",
    "ReviewAssignment",
    "ReviewComment",
    "ReviewDecision",
    "RowAction",
    "Source",
    "Unit",
    "UnitAlias",
    "Verdict",
    "VersionSource",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "WorkflowEvent",
]
