"""The generation of the public data: a token that changes with every committed write that
may change what the public reads (a publication, a release, an edit of reference data).

Read answers cached under it (api.response_cache) are never served after such a write,
without anyone having to know which answers the write touched. The token lives in the
cache, so every web and worker process shares it when the cache is Redis.
"""

import uuid

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

GENERATION_KEY = "factordb:data-generation"


def data_generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def data_changed() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def _on_write(sender, **kwargs) -> None:
    # Now, so reads later in the same transaction see a new generation; and again after
    # commit, because a reader in another process between the two saw the old rows and may
    # have kept them under the first new generation.
    data_changed()
    transaction.on_commit(data_changed)


def watch_public_data() -> None:
    """Every model of the factor database, history tables included, starts a new generation."""
    for model in apps.get_app_config("factordb").get_models():
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(_on_write, sender=model, dispatch_uid=f"generation-{model._meta.label}-{signal}")
