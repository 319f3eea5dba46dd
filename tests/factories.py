"""factory_boy factories: one per model, and one per version state."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from factordb.constants import FactorStatus, LifecycleBoundary, Methodology, RegionKind
from factordb.models import (
    Category,
    Dataset,
    Factor,
    FactorVersion,
    Gas,
    GasAmount,
    GwpSet,
    GwpValue,
    Region,
    Source,
    Unit,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class StaffUserFactory(UserFactory):
    is_staff = True
    is_superuser = True


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    code = factory.Sequence(lambda n: f"source-doc-{n}")
    title = factory.Sequence(lambda n: f"Source document {n}")
    publisher = "Ministry of Ecology and Environment"
    year = 2024
    url = "https://www.mee.gov.cn/"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat{n}")
    name_zh = factory.LazyAttribute(lambda c: f"类别 {c.code}")
    name_en = factory.LazyAttribute(lambda c: f"Category {c.code}")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "CN"
    kind = RegionKind.COUNTRY
    name_zh = "全国"
    name_en = "China"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = "kWh"
    symbol = "kWh"
    pint_expression = "kWh"
    dimension = "energy"
    name_zh = "千瓦时"
    name_en = "kilowatt-hour"


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset
        django_get_or_create = ("code",)

    code = "MEE-GRID"
    name_zh = "电力二氧化碳排放因子"
    name_en = "Electricity CO2 emission factors"
    publisher = "MEE & NBS"
    authority_rank = 1


class GasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gas
        django_get_or_create = ("code",)

    code = "CO2"
    formula = "CO2"
    name_zh = "二氧化碳"
    name_en = "Carbon dioxide"
    origin = "fossil"


class GwpSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GwpSet
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = "AR5"
    name = "IPCC AR5, 100-year"
    source = factory.SubFactory(SourceFactory)

    @factory.post_generation
    def co2(self, create, extracted, **kwargs):
        if create:
            GwpValue.objects.get_or_create(gwp_set=self, gas=GasFactory(), defaults={"value": 1})


class FactorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Factor

    dataset = factory.SubFactory(DatasetFactory)
    category = factory.SubFactory(CategoryFactory)
    region = factory.SubFactory(RegionFactory)
    unit = factory.SubFactory(UnitFactory)
    year = factory.Sequence(lambda n: 2000 + n % 90)
    boundary = LifecycleBoundary.GRID_CONSUMPTION
    method = Methodology.MEE_GRID_FACTORS
    name_zh = "电网平均排放因子"
    name_en = "Grid average emission factor"


class DraftVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FactorVersion
        skip_postgeneration_save = True

    factor = factory.SubFactory(FactorFactory)
    version = factory.Sequence(lambda n: n + 1)
    status = FactorStatus.DRAFT
    co2e_total = Decimal("0.5366")
    gwp_set = factory.SubFactory(GwpSetFactory)
    author = factory.SubFactory(UserFactory)
    dq_reliability = 2
    dq_completeness = 2
    dq_temporal = 1
    dq_geographical = 1
    dq_technological = 2

    @factory.post_generation
    def gas_amounts(self, create, extracted, **kwargs):
        if create:
            GasAmount.objects.create(version=self, gas=GasFactory(), amount=self.co2e_total)


class PublishedVersionFactory(DraftVersionFactory):
    """Saved as a draft with its breakdown, then published: the rows freeze only then."""

    @factory.post_generation
    def publish(self, create, extracted, **kwargs):
        if create:
            self.status = FactorStatus.PUBLISHED
            self.published_at = timezone.make_aware(dt.datetime(2024, 12, 23))
            self.save()


# --- One factory per review state ---------------------------------------------------------
# Fixtures only: they set the fields a state implies directly. Tests of the road itself
# (tests/factordb/workflow/test_state_machine.py) move versions through the services.


class SourcedDraftVersionFactory(DraftVersionFactory):
    """A draft that cites a source, as submission requires."""

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if create:
            from factordb.models import VersionSource

            VersionSource.objects.create(version=self, source=SourceFactory())


def _assign(version, reviewers, decision="pending", conflict_of_interest=None, comment=""):
    from factordb.models import ReviewAssignment

    return [
        ReviewAssignment.objects.create(
            version=version, review_round=version.review_round, reviewer=reviewer,
            assigned_by=UserFactory(), decision=decision, conflict_of_interest=conflict_of_interest,
            comment=comment, decided_at=None if decision == "pending" else timezone.now(),
        )
        for reviewer in reviewers
    ]


def _in_state(status, **fields):
    """A post-generation hook that moves a freshly created sourced draft into `status`."""

    def hook(obj, create, extracted, **kwargs):
        if not create:
            return
        for name, value in fields.items():
            if getattr(obj, name) in (None, 0):  # what the test did not set itself
                setattr(obj, name, value)
        obj.status = status
        obj.save()

    return factory.PostGeneration(hook)


class SubmittedVersionFactory(SourcedDraftVersionFactory):
    state = _in_state(FactorStatus.SUBMITTED, review_round=1)


class InReviewVersionFactory(SourcedDraftVersionFactory):
    """In review, round 1, with a pending assignment for each of `reviewers=[...]`."""

    state = _in_state(FactorStatus.IN_REVIEW, review_round=1)

    @factory.post_generation
    def reviewers(self, create, extracted, **kwargs):
        if create and extracted:
            _assign(self, extracted)


class ApprovedVersionFactory(SourcedDraftVersionFactory):
    """Approved by `reviewers=[...]` (default: as many fresh users as the setting requires)."""

    state = _in_state(FactorStatus.APPROVED, review_round=1)

    @factory.post_generation
    def reviewers(self, create, extracted, **kwargs):
        if not create:
            return
        from django.conf import settings

        reviewers = extracted or UserFactory.create_batch(settings.REVIEW_REQUIRED_APPROVALS)
        _assign(self, reviewers, decision="approved", conflict_of_interest=False)


class ChangesRequestedVersionFactory(SourcedDraftVersionFactory):
    state = _in_state(FactorStatus.CHANGES_REQUESTED, review_round=1)


class RejectedVersionFactory(SourcedDraftVersionFactory):
    state = _in_state(FactorStatus.REJECTED, review_round=1)


class SupersededVersionFactory(SourcedDraftVersionFactory):
    state = _in_state(
        FactorStatus.SUPERSEDED, review_round=1,
        published_at=timezone.make_aware(dt.datetime(2023, 12, 23)),
        superseded_at=timezone.make_aware(dt.datetime(2024, 12, 23)),
    )


class WithdrawnVersionFactory(SourcedDraftVersionFactory):
    state = _in_state(
        FactorStatus.WITHDRAWN, review_round=1,
        published_at=timezone.make_aware(dt.datetime(2023, 12, 23)),
        superseded_at=timezone.make_aware(dt.datetime(2024, 6, 1)),
    )


class SourcedPublishedVersionFactory(SourcedDraftVersionFactory):
    state = _in_state(
        FactorStatus.PUBLISHED, review_round=1, published_at=timezone.make_aware(dt.datetime(2024, 12, 23)),
    )


# The factory of each state, for tests parametrized over every status.
STATE_FACTORIES = {
    FactorStatus.DRAFT: SourcedDraftVersionFactory,
    FactorStatus.SUBMITTED: SubmittedVersionFactory,
    FactorStatus.IN_REVIEW: InReviewVersionFactory,
    FactorStatus.CHANGES_REQUESTED: ChangesRequestedVersionFactory,
    FactorStatus.APPROVED: ApprovedVersionFactory,
    FactorStatus.PUBLISHED: SourcedPublishedVersionFactory,
    FactorStatus.SUPERSEDED: SupersededVersionFactory,
    FactorStatus.WITHDRAWN: WithdrawnVersionFactory,
    FactorStatus.REJECTED: RejectedVersionFactory,
}


# --- Accounts and releases ----------------------------------------------------------------


class GroupFactory(factory.django.DjangoModelFactory):
    """A role is a group; the four real ones come from accounts' migration."""

    class Meta:
        model = "auth.Group"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"role{n}")


class ApiKeyFactory(factory.django.DjangoModelFactory):
    """A stored key row; accounts.services.api_key_issue makes real ones (with a secret to show)."""

    class Meta:
        model = "accounts.ApiKey"

    name = factory.Sequence(lambda n: f"Calculator {n}")
    organisation = "Example Co."
    contact_email = "it@example.org"
    prefix = factory.Sequence(lambda n: f"{n:08x}")
    secret_hash = "0" * 64
    created_by = factory.SubFactory(StaffUserFactory)


class ReleaseFactory(factory.django.DjangoModelFactory):
    """An unsealed release row; factordb.services.releases.release_cut makes real, sealed ones."""

    class Meta:
        model = "factordb.Release"

    name = factory.Sequence(lambda n: f"2025.{n + 1}")
    published_at = factory.LazyFunction(timezone.now)
    created_by = factory.SubFactory(UserFactory)
