"""Cutting releases: named, sealed editions of everything published at one moment.

A cut holds the publication lock (factordb/services/publication.py) for its whole
transaction: no publication, supersession or withdrawal is half done while it reads the
published set, and none lands until the release is sealed. Its content is frozen in the
same transaction (factordb/services/exports.py, docs/adr/0014).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, require_role
from factordb.models import FactorVersion, Release, ReleaseEntry
from factordb.services.exports import release_freeze
from factordb.services.publication import hold_publication_lock, retry_on_conflict


@retry_on_conflict
@transaction.atomic
def release_cut(*, name: str, notes_zh: str = "", notes_en: str = "", actor) -> Release:
    """Pin every currently published version under `name` and seal it with its checksum."""
    require_role(actor, Role.APPROVER)
    # Publications wait for the cut, and the cut for publications under way: the pinned set
    # is what was published at this instant. No version row needs a lock of its own.
    hold_publication_lock()
    published = list(FactorVersion.objects.published().order_by().values_list("pk", flat=True))
    if not published:
        raise ValidationError({"name": _("没有已发布的因子，无法发行。")})
    release = Release(name=name.strip(), notes_zh=notes_zh, notes_en=notes_en,
                      published_at=timezone.now(), created_by=actor)
    release.full_clean()
    release._change_reason = "cut"
    release.save()
    ReleaseEntry.objects.bulk_create(ReleaseEntry(release=release, version_id=pk) for pk in published)
    release.checksum_sha256 = release_freeze(release).json_sha256
    release._change_reason = "sealed with the checksum of its canonical export"
    release.save()
    return release


@dataclass(frozen=True)
class ReleaseDiff:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)


def _pins(release: Release | None) -> dict[str, int]:
    if release is None:
        return {}
    return dict(ReleaseEntry.objects.filter(release=release)
                .values_list("version__factor__public_id", "version__version"))


def release_diff(*, old: Release | None, new: Release) -> ReleaseDiff:
    """Factors added, pinned at another version, or no longer pinned, from `old` to `new`."""
    before, after = _pins(old), _pins(new)
    return ReleaseDiff(
        added=sorted(set(after) - set(before)),
        changed=sorted(pid for pid in set(after) & set(before) if after[pid] != before[pid]),
        withdrawn=sorted(set(before) - set(after)),
    )


def release_latest() -> Release | None:
    """The latest sealed release: what the public pages and the admin call current."""
    return Release.objects.sealed().newest_first().first()
