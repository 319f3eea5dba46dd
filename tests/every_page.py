"""One address of every kind of page the site serves, on the real seed, for the tests that hold
every page to one promise: the Content-Security-Policy (tests/test_content_security_policy.py
and its browser twin, tests/browser/test_content_security_policy.py)."""

from accounts.roles import Role
from factordb.models import Category, Factor, FactorVersion, Release, Source
from factordb.services import factor_imports
from factordb.services.seed import seed_public_id
from tests.factordb.imports.conftest import csv_bytes, row
from tests.factories import StaffUserFactory
from tests.roles import with_roles

NATIONAL_GRID_2022 = "MEE-GRID/2022/national_average/CN"


def public_pages() -> list[str]:
    """What anyone may open: the public pages, a page that does not exist, the sign-in pages
    and the API docs."""
    public_id = seed_public_id(NATIONAL_GRID_2022)
    category = Factor.objects.get(public_id=public_id).category
    return [
        "/", "/en/", "/factors/", "/factors/?q=电网", f"/factors/{public_id}/",  # its chart and cite.js
        "/compare/?year=2021", "/categories/", f"/categories/{category.code}/", "/regions/",
        "/regions/CN/", "/releases/", f"/releases/{Release.objects.latest('pk').name}/", "/downloads/",
        "/sources/", f"/sources/{Source.objects.earliest('pk').pk}/", "/methodology/", "/about/",
        "/developers/", "/factors/NO-SUCH-FACTOR/", "/accounts/login/", "/admin/login/", "/api/v1/docs/",
        # DRF's browsable API, which a browser gets by default: a list with its filters, a
        # form to POST.
        "/api/v1/factors/?format=api", "/api/v1/resolve/?format=api",
    ]


def staff_pages(user) -> list[str]:
    """What staff open, `user` (from `everyone_s_worker()`) signed in: the admin, an import
    it uploaded, and the review pages."""
    factor = Factor.objects.get(public_id=seed_public_id(NATIONAL_GRID_2022))
    version = FactorVersion.objects.filter(factor=factor).latest("version")
    upload = factor_imports.import_upload(actor=user, file_name="factors.csv",
                                          content=csv_bytes([row(co2e_total="0.5367", gas_CO2="0.5367")]))
    factor_import = factor_imports.import_preview(upload)
    return [
        "/admin/", "/admin/factordb/factor/", f"/admin/factordb/factor/{factor.pk}/change/",
        "/admin/factordb/factor/add/", f"/admin/factordb/factor/{factor.pk}/history/",
        f"/admin/factordb/factorversion/{version.pk}/change/",  # the derivation tables and their script
        "/admin/factordb/factorimport/upload/", f"/admin/factordb/factorimport/{factor_import.pk}/change/",
        f"/admin/factordb/category/{Category.objects.earliest('pk').pk}/change/",
        f"/admin/factordb/factor/{factor.pk}/correct/", "/admin/factordb/release/cut/",
        "/admin/accounts/user/", f"/admin/accounts/user/{user.pk}/change/",  # its two-box role picker
        "/review/", "/review/dashboard/", "/review/inbox/", "/review/change-sets/",
        "/accounts/two-factor/recovery-codes/",
    ]


# A staff member past the password but not yet the second factor, who has no authenticator
# app yet (docs/adr/0038): the enrolment page with its QR code.
SECOND_FACTOR_PAGES = ["/accounts/two-factor/enrol/"]


def newcomer():
    """Staff without a second factor yet; signs in with tests.factories' password."""
    return StaffUserFactory(username="every-page-newcomer")


def everyone_s_worker():
    """A superuser who also holds every workflow role, so that every staff page lets it in."""
    return with_roles(StaffUserFactory(username="every-page"), Role.EDITOR, Role.REVIEWER, Role.APPROVER)
