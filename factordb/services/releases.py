"""Cutting releases: named, sealed editions of everything published at one moment.

A cut holds the publication lock (factordb/services/publication.py) for its whole
transaction: no publication, supersession or withdrawal is half done while it reads the
published set, and none lands until the release is sealed. Its content is frozen in the
same transaction (factordb/services/exports.py, docs/adr/0014).

Before cutting, an approver sees the preview (`release_preview`): what the cut would add,
change and remove against the latest sealed release, with values. Confirming passes the
preview's fingerprint back; the cut computes it again under the lock and refuses if the
published set moved in between (docs/design.md §4).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, require_role
from factordb.errors import WorkflowError
from factordb.models import FactorVersion, Release, ReleaseEntry
from factordb.services import webhooks
from factordb.services.exports import release_freeze
from factordb.services.publication import hold_publication_lock, retry_on_conflict
from factordb.services.release_contents import ReleaseDiff, live_diff, sealed_diff


class StalePreview(WorkflowError):
    """The cut was confirmed from a preview that no longer shows what it would seal."""


@retry_on_conflict
@transaction.atomic
def release_cut(*, name: str, notes_zh: str = "", notes_en: str = "", actor,
                previewed: str | None = None) -> Release:
    """Pin every currently published version under `name` and seal it with its checksum.

    `previewed` is the fingerprint of the preview the approver confirmed
    (`release_preview().fingerprint`): when given, the cut goes ahead only if the preview,
    computed again under the lock, is still the same, so what is sealed is what was shown."""
    require_role(actor, Role.APPROVER)
    # Publications wait for the cut, and the cut for publications under way: the pinned set
    # is what was published at this instant. No version row needs a lock of its own.
    hold_publication_lock()
    if previewed is not None and release_preview().fingerprint != previewed:
        raise StalePreview(_(
            "预览之后已发布的因子或上一发行版有了变化，本次未发行。请核对新的预览后再确认。"))
    release = release_draft(name=name, notes_zh=notes_zh, notes_en=notes_en, actor=actor)
    published = list(FactorVersion.objects.published().order_by().values_list("pk", flat=True))
    release._change_reason = "cut"
    release.save()
    ReleaseEntry.objects.bulk_create(ReleaseEntry(release=release, version_id=pk) for pk in published)
    release.checksum_sha256 = release_freeze(release).json_sha256
    release._change_reason = "sealed with the checksum of its canonical export"
    release.save()
    webhooks.webhooks_record_release(release)
    return release


def release_draft(*, name: str, notes_zh: str = "", notes_en: str = "", actor) -> Release:
    """The release a cut would create, validated (something is published; the name is well
    formed and unused) and not saved: what the preview checks before it shows anything."""
    require_role(actor, Role.APPROVER)
    if not FactorVersion.objects.published().exists():
        raise ValidationError({"name": _("没有已发布的因子，无法发行。")})
    release = Release(name=name.strip(), notes_zh=notes_zh, notes_en=notes_en,
                      published_at=timezone.now(), created_by=actor)
    release.full_clean()
    return release


def release_preview() -> ReleaseDiff:
    """What cutting a release now would add, change and remove against the latest sealed
    release, with versions and values, and the fingerprint a confirmed cut must match.

    Read without the publication lock (a preview writes nothing, and must not make
    publications wait): a publication that lands while it reads can only make it differ
    from what the cut, under the lock, computes again, and so refuse the cut."""
    return live_diff(old=release_latest())


def release_diff(*, old: Release | None, new: Release) -> ReleaseDiff:
    """Factors added, pinned at another version, or no longer pinned, from `old` to `new`,
    each with its version and values as its release showed them when sealed."""
    return sealed_diff(old=old, new=new)


def release_latest() -> Release | None:
    """The latest sealed release: what the public pages and the admin call current."""
    return Release.objects.sealed().newest_first().first()
