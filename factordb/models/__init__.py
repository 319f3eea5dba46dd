from .factor import Factor, FactorVersion, GasAmount, PublishedVersionError, VersionSource
from .reference import Category, Dataset, Gas, GwpSet, GwpValue, Region, Source, Unit
from .release import Release, ReleaseEntry, ReleaseFrozenError
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
    "PublishedVersionError",
    "Region",
    "Release",
    "ReleaseEntry",
    "ReleaseFrozenError",
    "ReviewAssignment",
    "ReviewDecision",
    "Source",
    "Unit",
    "VersionSource",
    "WorkflowEvent",
]
