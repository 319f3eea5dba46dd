"""Reads beyond one database: the public's reads of the published data go to PostgreSQL read
replicas (DATABASE_REPLICA_URLS), everything else to the primary (docs/replication.md).

A read goes to a replica only when all of these hold:
- the request is the public's read: a GET or HEAD without a session cookie, or a question
  the API answers by POST (resolve/, calculate/: `read_only_request`), again without one. A
  signed-in user reads the primary: staff read what they have just written;
- the model is the factor database's (factordb): accounts, API keys, sessions, quotas and
  sign-in records are read where they are written, so a key issued a moment ago works;
- no transaction is open on the primary, and the request has not written anything: what
  must read its own write reads it where it was written;
- the replica has replayed the primary's write-ahead log as far as the current data
  generation says (factordb.generation): an answer worked out from a replica that lags is
  never kept, nor served, as the answer of a newer generation. A replica that lags, or does
  not answer, is passed over for the primary for the rest of the request.

Tasks, commands and the shell have no request: they read the primary.
"""

import logging
import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

READS = ("GET", "HEAD")
PUBLIC_DATA_APP = "factordb"


@dataclass
class _RequestReads:
    public: bool  # the request is the public's read
    signed_in: bool
    wrote: bool = False
    replica: str | None = None  # chosen, and checked against the generation, at the first read
    checked: bool = False


_request_reads: ContextVar[_RequestReads | None] = ContextVar("replica_reads", default=None)


def replicas_configured() -> bool:
    return bool(settings.DATABASE_REPLICAS)


@contextmanager
def request_reads(*, method: str, signed_in: bool) -> Iterator[None]:
    """The scope of one request's reads."""
    token = _request_reads.set(_RequestReads(public=method in READS and not signed_in, signed_in=signed_in))
    try:
        yield
    finally:
        _request_reads.reset(token)


def read_only_request() -> None:
    """This request, whatever its method, only reads the published data (resolve/, calculate/)."""
    reads = _request_reads.get()
    if reads is not None and not reads.signed_in:
        reads.public = True


def primary_position() -> str | None:
    """Where the primary's write-ahead log stands now, when replicas are read (else None: no
    query is spent on it)."""
    if not replicas_configured():
        return None
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def _has_replayed(alias: str, position: str) -> bool:
    # On a standby, the position replayed; on a server that is not one (a copy promoted, or in
    # tests the primary's mirror), the position it has written.
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn()) >= %s::pg_lsn",
                       [position])
        return bool(cursor.fetchone()[0])


def _fresh_replica() -> str | None:
    """A replica that has replayed what the current generation announces, or None."""
    from factordb.generation import data_generation, generation_position

    generation = data_generation()
    position = None if generation is None else generation_position(generation)
    if position is None:  # the cache does not answer, or the generation does not say
        return None
    alias = random.choice(settings.DATABASE_REPLICAS)
    try:
        if _has_replayed(alias, position):
            return alias
        logger.info("replica %s has not replayed %s yet: reading the primary", alias, position)
    except DatabaseError as exc:
        logger.warning("replica %s does not answer (%s): reading the primary", alias, exc)
    return None


def replica_for_read(model) -> str | None:
    """The replica this read may go to, or None for the primary."""
    reads = _request_reads.get()
    if (reads is None or not reads.public or reads.wrote or not replicas_configured()
            or model._meta.app_label != PUBLIC_DATA_APP
            or connections[DEFAULT_DB_ALIAS].in_atomic_block):
        return None
    if not reads.checked:
        reads.checked = True
        reads.replica = _fresh_replica()
    return reads.replica


class ReplicaRouter:
    """Django's database router: reads as `replica_for_read` says, writes to the primary."""

    def db_for_read(self, model, **hints) -> str:
        return replica_for_read(model) or DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        reads = _request_reads.get()
        if reads is not None:
            reads.wrote = True
        # Explicitly the primary: left to Django, a row read from a replica would be saved there.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Replicas hold the primary's rows: a row read from one may refer to a row of another.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db not in settings.DATABASE_REPLICAS


class ReplicaReadsMiddleware:
    """Opens each request's scope of reads (see the module's docstring)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
        with request_reads(method=request.method, signed_in=signed_in):
            return self.get_response(request)
