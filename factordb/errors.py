"""Domain errors. Each entry point maps them to its own answer in one place
(views: factordb.http; admin: messages; API: the exception handler)."""

from accounts.roles import ForbiddenAction


class WorkflowError(Exception):
    """A request the workflow cannot honour as things stand (HTTP 409)."""

    http_status = 409


class InvalidTransition(WorkflowError):
    """The version is not in a state this step starts from."""


class EditConflict(WorkflowError):
    """Someone else saved the version after this editor loaded it."""


__all__ = ["EditConflict", "ForbiddenAction", "InvalidTransition", "WorkflowError"]
