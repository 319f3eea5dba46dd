from .factor import Factor, FactorVersion, GasAmount, PublishedVersionError, VersionSource
from .publication import PublicationLock
from .reference import Category, Dataset, Gas, GwpSet, GwpValue, Region, Source, Unit, UnitAlias
from .release import Release, ReleaseContent, ReleaseEntry, ReleaseFactor, ReleaseFrozenError
from .review import ConflictOfInterest, ReviewAssignment, ReviewDecision, WorkflowEvent

__all__ = [
    "Category",
    "ConflictOfInterest",
    "Dataset",
    "Factor",
    "FactorVersion",
    "Gas",
    "GasAmount",
    "GwpSet",
    "GwpValue",
    "PublicationLock",
    "PublishedVersionError",
    "Region",
    "Release",
    "ReleaseContent",
    "ReleaseEntry",
    "ReleaseFactor",
    "ReleaseFrozenError",
    "ReviewAssignment",
    "ReviewDecision",
    "Source",
    "Unit",
    "UnitAlias",
    "VersionSource",
    "WorkflowEvent",
]
