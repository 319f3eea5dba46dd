"""One factor at its permanent address, by public_id.

The page shows what the API serves for the same id: the version in force now, or at the
end of a day / in a sealed release the reader asks for. An unknown id, a factor never
published and one withdrawn all answer with the site's 404, the same for each, so what
is under review cannot be discovered. A query value the page cannot use (a date, a
release, a GWP set) is named in a message and the current value is shown instead.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from factordb.bounds import MIN_YEAR
from factordb.constants import QUALITY_INDICATORS
from factordb.models import FactorVersion
from factordb.quality import score_meaning
from factordb.reference_data import reference
from factordb.selectors import derivation_parts
from factordb.selectors_factor import (
    breakdown_under,
    published_history,
    releases_pinning,
    review_record,
    version_shown,
)
from factordb.templatetags.public import localized

from .caching import public_page

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")

@dataclass
class Moment:
    """What the reader asked to see instead of today's value, and what was wrong with it."""

    as_of: datetime | None = None
    as_of_date: date | None = None
    release: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def asked(self) -> bool:
        return self.as_of is not None or self.release is not None


def _read_moment(request: HttpRequest, releases: list[str]) -> Moment:
    moment = Moment()
    raw_date = request.GET.get("as_of", "").strip()
    if raw_date:
        day = _parse_day(raw_date)
        if day is None:
            moment.errors.append(_("日期（as_of）：须为 YYYY-MM-DD 格式的有效日期，%(year)d 年以后。")
                                 % {"year": MIN_YEAR})
        elif day > timezone.localdate():
            moment.errors.append(_("日期（as_of）：不能晚于今天。"))
        else:
            # The end of that day where the platform is: a value published that day counts.
            moment.as_of_date = day
            moment.as_of = timezone.make_aware(datetime.combine(day, time.max))
    raw_release = request.GET.get("release", "").strip()
    if raw_release:
        if raw_release in releases:
            moment.release = raw_release
        else:
            moment.errors.append(_("发行版（release）：没有这个已封存的发行版。"))
    return moment


def _parse_day(raw: str) -> date | None:
    if not DATE_PATTERN.match(raw):
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    return day if day.year >= MIN_YEAR else None


def _quality(version: FactorVersion) -> list[dict]:
    return [
        {"label": FactorVersion._meta.get_field(name).verbose_name, "score": getattr(version, name),
         "meaning": score_meaning(name, getattr(version, name))}
        for name in QUALITY_INDICATORS
    ]


def _gwp_choice(request: HttpRequest, version: FactorVersion, sets: list) -> tuple[object, str]:
    """The GWP set asked for (the version's own by default), and a message if it is unknown."""
    asked = request.GET.get("gwp", "").strip()
    by_code = {gwp_set.code: gwp_set for gwp_set in sets}
    if not asked:
        return version.gwp_set, ""
    if asked not in by_code:
        return version.gwp_set, _("GWP 值集（gwp）：没有这个值集，可选：%(codes)s。") % {
            "codes": ", ".join(by_code)}
    return by_code[asked], ""


def _gwp_links(request: HttpRequest, sets: list) -> list[tuple[object, str]]:
    """Each GWP set with the address of this page under it, the other choices kept."""
    links = []
    for gwp_set in sets:
        query = request.GET.copy()
        query["gwp"] = gwp_set.code
        links.append((gwp_set, f"?{query.urlencode()}#gases"))
    return links


def _changed_labels(names: list[str]) -> list[str]:
    return [_("分气体排放量") if name == "gas_amounts"
            else str(FactorVersion._meta.get_field(name).verbose_name) for name in names]


def _cite_text(request: HttpRequest, version: FactorVersion, name: str, latest_release) -> str:
    factor = version.factor
    parts = {"name": name, "id": factor.public_id, "version": version.version,
             "url": request.build_absolute_uri(reverse("factor", args=[factor.public_id])),
             "date": date_format(timezone.localdate(), "DATE_FORMAT")}
    if latest_release is not None:
        text = _("%(name)s，公开编号 %(id)s，第 %(version)s 版，发行版 %(release)s。"
                 "%(url)s（访问日期：%(date)s）")
        return text % {**parts, "release": latest_release.name}
    return _("%(name)s，公开编号 %(id)s，第 %(version)s 版。%(url)s（访问日期：%(date)s）") % parts


@public_page
def factor_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    current = version_shown(public_id)
    if current is None:  # unknown, never published, or withdrawn: the same answer
        raise Http404
    known = reference()
    releases = known.sealed_release_names
    moment = _read_moment(request, releases)
    version = current
    not_in_force = False
    if moment.asked:
        then = version_shown(public_id, as_of=moment.as_of, release=moment.release)
        if then is None:
            not_in_force = True
        else:
            version = then
    sets = known.gwp_sets
    chosen, gwp_error = _gwp_choice(request, version, sets)
    stated = breakdown_under(version, version.gwp_set)
    recomputed = breakdown_under(version, chosen) if chosen.pk != version.gwp_set_id else None
    entries = published_history(version.factor_id)
    history = [{"entry": entry, "changed": _changed_labels(entry.changed)} for entry in entries]
    official = any(entry.official for entry in entries if entry.version.pk == version.pk)
    pinning = releases_pinning(version)
    name = localized(version.factor, "name")
    context = {
        "version": version, "factor": version.factor, "current": current,
        "is_current": version.pk == current.pk,
        "moment": moment, "not_in_force": not_in_force, "release_names": releases,
        "gwp_links": _gwp_links(request, sets), "chosen_gwp": chosen, "gwp_error": gwp_error,
        "stated": stated, "recomputed": recomputed,
        "quality": _quality(version), "derivation": derivation_parts(version.derivation),
        "history": history, "review": review_record(version, official=official), "pinning": pinning,
        "cite_text": _cite_text(request, version, name, pinning[0] if pinning else None),
        "api_factor": reverse("api:factor-detail", args=[public_id]),
        "api_versions": reverse("api:factor-versions", args=[public_id]),
    }
    return render(request, "factordb/public/factor.html", context)
