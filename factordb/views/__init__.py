"""Server-rendered pages: public pages (home) and the reviewers' and approvers' workspace."""

from .home import home

__all__ = ["home"]
