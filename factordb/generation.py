"""The generation of the public data: a token that changes with every committed write that
may change what the public reads (a publication, a release, an edit of reference data).

Read answers cached under it (api.response_cache) are never served after such a write,
without anyone having to know which answers the write touched. The token lives in the
cache, so every web and worker process shares it when the cache is Redis; in a cache of
each process's own (Django's local memory) no answers are kept under it at all.

Work in progress does not renew it: editing a draft, its gas amounts and sources, reviews,
and workflow steps short of publication. Ministry staff do that all day, and each renewal
makes every calculator's next answers be worked out again. The rule errs the other way:
any other row of the factor database renews it.
"""

import logging
import time
import uuid
from datetime import UTC, datetime

from django.apps import apps
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from django.utils.translation import gettext as _

from factordb.constants import FROZEN_STATUSES
from factordb.replicas import primary_position
from factordb.workflow import PUBLIC_ACTIONS

GENERATION_KEY = "factordb:data-generation"

logger = logging.getLogger(__name__)

# Sent after the commit of a write that renewed the generation (once per write, so a
# transaction of many writes sends it many times): what was kept before is of no use now.
# The API works its most asked answers out again on it (api/answer_warmup.py).
public_data_committed = Signal()


def cache_is_shared() -> bool:
    """Whether every web process reads and writes the same cache (Redis in production), so
    a write in one process renews the generation all the others see."""
    return not isinstance(caches["default"], LocMemCache)


def _new_generation() -> str:
    # The time it began rides in the token: pages state it as their Last-Modified. Where
    # replicas are read, so does the primary's log position: a replica serves this generation
    # only once it has replayed that far (factordb/replicas.py).
    token = f"{time.time():.6f}-{uuid.uuid4().hex}"
    position = primary_position()
    return token if position is None else f"{token}-{position}"


class GenerationNotRenewed(RuntimeError):
    """A public write could not be announced: the cache that holds the generation does not
    answer. Raised inside the write's transaction, so the write is undone: were it kept, the
    answers and lists kept before it could be served as current once the cache answers again."""


def data_generation() -> str | None:
    """The generation now; None when the cache does not answer (Redis down): then nothing may
    be kept under it, nor served as kept."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    if generation is None:
        logger.warning("the cache does not answer: no data generation, nothing is kept or served kept")
    return generation


def generation_began(generation: str) -> datetime | None:
    """When the generation began, or None for a token that does not say."""
    seconds, _, rest = generation.partition("-")
    try:
        return datetime.fromtimestamp(float(seconds), tz=UTC) if rest else None
    except (ValueError, OverflowError):
        return None


def generation_position(generation: str) -> str | None:
    """The primary's log position the generation began at, or None for a token that does not say."""
    parts = generation.split("-")
    return parts[2] if len(parts) == 3 and parts[2] else None


def data_changed() -> None:
    """A new generation; GenerationNotRenewed if the cache does not take it (its operations
    read as misses while Redis is down, so the write is checked by reading it back)."""
    cache.set(GENERATION_KEY, _new_generation(), timeout=None)
    if cache.get(GENERATION_KEY) is None:
        raise GenerationNotRenewed(_("缓存服务无应答，无法公告对公开数据的更改；未作任何更改，请稍后再试。"))


def _renewed_at_commit() -> None:
    try:
        data_changed()
    except GenerationNotRenewed:
        # The renewal before the commit was taken: only a reader between the two may have
        # kept an answer under it that misses this write.
        logger.error("a committed public write could not renew the data generation after its commit")
        return
    # The write is committed: a receiver that fails (its broker unreachable, say) is logged,
    # never turned into an error of the request that made the write.
    for receiver, outcome in public_data_committed.send_robust(sender=None):
        if isinstance(outcome, Exception):
            logger.warning("after a commit, %s failed: %r", receiver, outcome)


def renew_with_the_write() -> None:
    """A new generation now, so reads later in the same transaction see it; and again after
    commit, because a reader in another process between the two saw the old rows and may
    have kept them under the first new generation."""
    data_changed()
    transaction.on_commit(_renewed_at_commit)


def changes_public_data(instance) -> bool:
    """Whether a write of this row can change what the public reads."""
    from factordb.models import (
        ChangeSet,
        ChangeSetRow,
        FactorVersion,
        GasAmount,
        ReviewAssignment,
        ReviewComment,
        VersionSource,
        WorkflowEvent,
    )

    if isinstance(instance, FactorVersion):
        # A public version never goes back to a draft state, so its status now tells.
        return instance.status in FROZEN_STATUSES
    if isinstance(instance, WorkflowEvent):
        return instance.action in PUBLIC_ACTIONS
    # Parts of a published version refuse any change (VersionPartMixin): a write of one is
    # work on a draft, which its publication will announce with the version's own save.
    # Review work (assignments, change sets, their discussion) is never public.
    return not isinstance(instance, GasAmount | VersionSource | ReviewAssignment | ChangeSet | ChangeSetRow
                          | ReviewComment)


def _on_write(sender, instance, **kwargs) -> None:
    if changes_public_data(instance):
        renew_with_the_write()


def watch_public_data() -> None:
    """Writes of the factor database's models may start a new generation; those of their
    history tables are left to the model's own (nothing public reads history rows)."""
    for model in apps.get_app_config("factordb").get_models():
        if hasattr(model, "instance_type"):  # a django-simple-history table
            continue
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(_on_write, sender=model, dispatch_uid=f"generation-{model._meta.label}-{signal}")
