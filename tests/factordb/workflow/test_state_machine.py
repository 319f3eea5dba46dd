"""Random actors take random steps on a few factors' versions; no forbidden state is ever reached.

Forbidden: self-approval, an approval without a declaration of no conflict, publication with too
few approvals, an approval counted from someone who edited the version or holds an uncleared
conflict of interest in its factor, two published versions of one factor, a change to a published
version's content, a status off the vocabulary, a gap in a version's chain of workflow events.

How the database is reached: Hypothesis's `Machine.TestCase` is a plain unittest.TestCase, which
pytest-django denies database access, and a django.test.TestCase would roll back once per test,
not once per example. So the machine runs inside an ordinary pytest test with the `db` fixture
(`run_state_machine_as_test`), and each example opens a savepoint in `__init__` that `teardown`
rolls back: every example starts from the same users and factors, and nothing leaks. Services
nest their own atomic blocks (savepoints) inside it. on_commit callbacks (notifications) never
run, because the test's outer transaction never commits.
"""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.roles import ForbiddenAction, Role
from factordb.constants import FROZEN_STATUSES, FactorStatus
from factordb.errors import InvalidTransition
from factordb.models import (
    FactorVersion,
    GasAmount,
    PublishedVersionError,
    ReviewAssignment,
    ReviewDecision,
    WorkflowEvent,
)
from factordb.services import review
from factordb.services.editing import factor_version_update_draft
from factordb.services.factors import SourceCitation, factor_version_create_draft
from tests.factories import FactorFactory, GwpSetFactory, SourceFactory
from tests.roles import user_with_roles, with_roles

# What a refused step may raise; anything else is a bug the machine reports.
REFUSED = (InvalidTransition, ForbiddenAction, ValidationError)  # PublishedVersionError included
ACTORS = {
    "editor1": (Role.EDITOR,),
    "editor2": (Role.EDITOR, Role.REVIEWER),  # an author who could be asked to review
    "reviewer1": (Role.REVIEWER,),
    "reviewer2": (Role.REVIEWER,),
    "reviewer3": (Role.REVIEWER,),
    "reviewer4": (Role.REVIEWER,),
    "approver1": (Role.APPROVER,),
    "approver2": (Role.APPROVER, Role.EDITOR),  # an author who could try to publish
    "outsider": (),
}
# A frozen version's content: every column but those that record its move on.
FROZEN_COLUMNS = [f.attname for f in FactorVersion._meta.concrete_fields
                  if f.attname not in FactorVersion._MUTABLE_AFTER_PUBLICATION]

actors = st.sampled_from(sorted(ACTORS))
picks = st.integers(min_value=0, max_value=1_000)
comments = st.sampled_from(["", "   ", "looks right", "unit is wrong"])
# Mostly the right role on a version in the right state: random actors alone are refused so
# often that a run would rarely get past submission, let alone to publication.
targeted = st.sampled_from([True, True, True, False])
# Decisions that end a round succeed less often, or few rounds would ever reach two approvals.
seldom = st.sampled_from([True, False, False, False])


class WorkflowMachine(RuleBasedStateMachine):
    users: dict = {}
    factors: list = []
    gwp_set = None
    source = None

    def __init__(self):
        super().__init__()
        self._example = transaction.atomic()
        self._example.__enter__()
        self.versions: list[int] = []
        self.frozen_content: dict[int, tuple] = {}
        self.clock = timezone.now()
        # The machine's own account of independence, kept apart from the services' rule.
        self.edits = 0
        self.edited_by: dict[int, set[int]] = defaultdict(set)  # version → users who edited it
        self.conflicts: set[tuple[int, int]] = set()  # (factor, reviewer) declared, not cleared
        self.seen_approved: set[int] = set()

    def teardown(self):
        transaction.set_rollback(True)
        self._example.__exit__(None, None, None)

    # --- helpers ----------------------------------------------------------------------

    def version(self, pick: int, *, among=None) -> FactorVersion:
        """Any version; or, to get past the many refusals, one in a state in `among` if any."""
        pks = self.versions
        if among:
            pks = list(FactorVersion.objects.filter(pk__in=self.versions, status__in=among)
                       .order_by("pk").values_list("pk", flat=True)) or pks
        return FactorVersion.objects.get(pk=pks[pick % len(pks)])

    def assignment(self, pick: int, *, open_only: bool = False) -> ReviewAssignment:
        assignments = ReviewAssignment.objects.filter(version__in=self.versions).order_by("pk")
        pks = list(assignments.values_list("pk", flat=True))
        if open_only:
            pks = list(assignments.filter(decision=ReviewDecision.PENDING,
                                          version__status=FactorStatus.IN_REVIEW)
                       .values_list("pk", flat=True)) or pks
        return ReviewAssignment.objects.get(pk=pks[pick % len(pks)])

    def actor(self, name: str, targeted: bool, role: Role):
        """The named actor; when targeted, someone holding `role` (chosen by the name's hash)."""
        if not targeted:
            return self.users[name]
        holders = [n for n in sorted(ACTORS) if role in ACTORS[n]]
        return self.users[holders[sum(map(ord, name)) % len(holders)]]

    def has_assignments(self) -> bool:
        return ReviewAssignment.objects.filter(version__in=self.versions).exists()

    def attempt(self, step, **kwargs):
        try:
            return step(**kwargs)
        except REFUSED:
            return None

    def freeze(self, versions) -> None:
        for version in versions:
            self.frozen_content[version.pk] = content_of(version.pk)

    def must_refuse(self, step, subject: FactorVersion, /, **kwargs) -> None:
        """The step is refused and leaves the version, its assignments and events as they were."""
        before = state_of(subject.pk)
        assert self.attempt(step, **kwargs) is None, f"{step.__name__} was allowed: {kwargs}"
        assert state_of(subject.pk) == before, step.__name__

    # --- rules: editors -------------------------------------------------------------

    @precondition(lambda self: len(self.versions) < 4)
    @rule(factor=st.integers(0, 1), author=st.sampled_from(["editor1", "editor2", "approver2"]))
    def create_draft(self, factor, author):
        version = factor_version_create_draft(
            factor=self.factors[factor], author=self.users[author], gwp_set=self.gwp_set,
            gas_amounts={"CO2": Decimal("0.5")}, citations=[SourceCitation(self.source)],
            dq_reliability=2, dq_completeness=2, dq_temporal=1, dq_geographical=1, dq_technological=2,
        )
        self.versions.append(version.pk)

    def edit(self, version: FactorVersion, actor) -> bool:
        self.edits += 1  # every edit really changes the content
        edited = self.attempt(factor_version_update_draft, version=version, actor=actor,
                              revision=version.revision, changes={"notes_en": f"edit {self.edits}"})
        if edited:
            self.edited_by[version.pk].add(actor.pk)
            event("draft edited")
        return bool(edited)

    @precondition(lambda self: self.versions)
    @rule(pick=picks, actor=actors, targeted=targeted)
    def edit_draft(self, pick, actor, targeted):
        self.edit(self.version(pick, among=targeted and [FactorStatus.DRAFT]),
                  self.actor(actor, targeted, Role.EDITOR))

    @precondition(lambda self: self.versions)
    @rule(pick=picks, actor=actors, comment=comments, targeted=targeted)
    def submit(self, pick, actor, comment, targeted):
        self.attempt(review.factor_version_submit,
                     version=self.version(pick, among=targeted and [FactorStatus.DRAFT]),
                     actor=self.actor(actor, targeted, Role.EDITOR), comment=comment)

    @precondition(lambda self: self.versions)
    @rule(pick=picks, actor=actors, targeted=targeted)
    def revise(self, pick, actor, targeted):
        self.attempt(review.factor_version_revise,
                     version=self.version(pick, among=targeted and [FactorStatus.CHANGES_REQUESTED]),
                     actor=self.actor(actor, targeted, Role.EDITOR))

    # --- rules: approvers -----------------------------------------------------------

    @precondition(lambda self: self.versions)
    @rule(pick=picks, actor=actors, reviewer=actors, targeted=targeted)
    def assign(self, pick, actor, reviewer, targeted):
        among = targeted and [FactorStatus.SUBMITTED, FactorStatus.IN_REVIEW]
        self.attempt(review.review_assign, version=self.version(pick, among=among),
                     reviewer=self.actor(reviewer, targeted, Role.REVIEWER),
                     actor=self.actor(actor, targeted, Role.APPROVER))

    @precondition(lambda self: self.conflicts)
    @rule(pick=picks, actor=actors, reason=comments, targeted=targeted)
    def clear_conflict(self, pick, actor, reason, targeted):
        factor_id, reviewer_id = sorted(self.conflicts)[pick % len(self.conflicts)]
        reviewer = next(user for user in self.users.values() if user.pk == reviewer_id)
        factor = next(factor for factor in self.factors if factor.pk == factor_id)
        if self.attempt(review.review_clear_conflict, factor=factor, reviewer=reviewer,
                        actor=self.actor(actor, targeted, Role.APPROVER), reason=reason):
            self.conflicts.discard((factor_id, reviewer_id))
            event("conflict cleared")

    @precondition(lambda self: self.versions)
    @rule(pick=picks, actor=actors, comment=comments, targeted=targeted)
    def publish(self, pick, actor, comment, targeted):
        version = self.version(pick, among=targeted and [FactorStatus.APPROVED])
        previous = list(FactorVersion.objects.published().filter(factor_id=version.factor_id))
        if self.attempt(review.factor_version_publish, version=version,
                        actor=self.actor(actor, targeted, Role.APPROVER), comment=comment):
            self.freeze([version, *previous])
            event("published")

    @precondition(lambda self: self.versions)
    @rule(pick=picks, actor=actors, days=st.integers(-2, 3), targeted=targeted)
    def schedule(self, pick, actor, days, targeted):
        at = self.clock + timezone.timedelta(days=days)
        self.attempt(review.factor_version_schedule_publication,
                     version=self.version(pick, among=targeted and [FactorStatus.APPROVED]),
                     actor=self.actor(actor, targeted, Role.APPROVER), at=at)

    @rule(days=st.integers(0, 4))
    def publish_due(self, days):
        self.clock += timezone.timedelta(days=days)
        before = set(FactorVersion.objects.published().filter(pk__in=self.versions))
        published = review.publish_due_versions(now=self.clock)
        self.freeze([*published, *before])

    @precondition(lambda self: self.versions)
    @rule(pick=picks, actor=actors, reason=comments, targeted=targeted)
    def withdraw(self, pick, actor, reason, targeted):
        version = self.version(pick, among=targeted and [FactorStatus.PUBLISHED])
        if self.attempt(review.factor_version_withdraw, version=version,
                        actor=self.actor(actor, targeted, Role.APPROVER), reason=reason):
            self.freeze([version])

    @precondition(lambda self: self.versions)
    @rule(pick=picks, then_publish=st.booleans())
    def review_through(self, pick, then_publish):
        # A whole correct round (assign, then approve as each independent assignee), so that
        # runs regularly reach approval and publication, where the worst states would hide.
        version = self.version(pick, among=[FactorStatus.DRAFT, FactorStatus.SUBMITTED,
                                            FactorStatus.IN_REVIEW])
        if version.status == FactorStatus.DRAFT:
            self.attempt(review.factor_version_submit, version=version, actor=self.users["editor1"])
        for name in ("reviewer1", "reviewer2", "reviewer3", "reviewer4"):
            version.refresh_from_db()
            if version.status not in (FactorStatus.SUBMITTED, FactorStatus.IN_REVIEW):
                break
            reviewer = self.users[name]
            self.attempt(review.review_assign, version=version, reviewer=reviewer,
                         actor=self.users["approver1"])
            assignment = ReviewAssignment.objects.filter(
                version=version, review_round=version.review_round, reviewer=reviewer).first()
            if assignment is not None:
                self.decide_approval(assignment, reviewer, declares=False, comment="")
                self.decide_approval(assignment, reviewer, declares=True, comment="")
        version.refresh_from_db()
        if then_publish and version.status == FactorStatus.APPROVED:
            self.publish(pick=self.versions.index(version.pk), actor="approver1", comment="",
                         targeted=False)

    # --- rules: reviewers -----------------------------------------------------------

    def decide_approval(self, assignment: ReviewAssignment, actor, declares: bool, comment: str) -> None:
        if declares:
            self.attempt(review.review_approve, assignment=assignment, actor=actor,
                         declares_no_conflict=True, comment=comment)
        else:
            self.must_refuse(review.review_approve, assignment.version, assignment=assignment,
                             actor=actor, declares_no_conflict=False, comment=comment)

    @precondition(lambda self: self.has_assignments())
    @rule(pick=picks, actor=actors, declares=st.booleans(), comment=comments)
    def approve(self, pick, actor, declares, comment):
        self.decide_approval(self.assignment(pick), self.users[actor], declares, comment)

    @precondition(lambda self: self.has_assignments())
    @rule(pick=picks, declares=targeted, comment=comments)
    def approve_as_assignee(self, pick, declares, comment):
        # Most random actors are not the assignee; this rule makes decisions that can succeed.
        assignment = self.assignment(pick, open_only=True)
        self.decide_approval(assignment, assignment.reviewer, declares, comment)

    @precondition(lambda self: self.versions)
    @rule(pick=picks)
    def review_own_version(self, pick):
        # Random picks seldom make an author the reviewer of their own version; here the author
        # always tries, on a version open for review.
        version = self.version(pick, among=[FactorStatus.SUBMITTED, FactorStatus.IN_REVIEW,
                                            FactorStatus.DRAFT])
        if version.status == FactorStatus.DRAFT:
            self.attempt(review.factor_version_submit, version=version, actor=self.users["editor1"])
            version.refresh_from_db()
        author = version.author
        with transaction.atomic():
            # Rolled back below: the reviewer role, so that only the author rule can refuse, and an
            # assignment no approver could have made, so that the decision itself is tried.
            with_roles(author, Role.REVIEWER)
            self.must_refuse(review.review_assign, version, version=version, reviewer=author,
                             actor=self.users["approver1"])
            forged = ReviewAssignment.objects.create(
                version=version, review_round=version.review_round, reviewer=author,
                assigned_by=self.users["approver1"])
            self.must_refuse(review.review_approve, version, assignment=forged, actor=author,
                             declares_no_conflict=True, comment="")
            transaction.set_rollback(True)

    @precondition(lambda self: self.versions)
    @rule(pick=picks)
    def review_what_they_edited(self, pick):
        # An editor who is also a reviewer edits someone else's draft, which is then submitted:
        # neither their assignment nor, on an assignment no approver could make, their approval
        # may go through.
        version = self.version(pick, among=[FactorStatus.DRAFT])
        meddler = self.users["editor2"]
        if version.author_id == meddler.pk or not self.edit(version, meddler):
            return
        self.attempt(review.factor_version_submit, version=version, actor=self.users["editor1"])
        version.refresh_from_db()
        self.must_refuse(review.review_assign, version, version=version, reviewer=meddler,
                         actor=self.users["approver1"])
        if version.status == FactorStatus.IN_REVIEW:
            with transaction.atomic():
                forged = ReviewAssignment.objects.get_or_create(
                    version=version, review_round=version.review_round, reviewer=meddler,
                    defaults={"assigned_by": self.users["approver1"]})[0]
                if forged.decision == ReviewDecision.PENDING:
                    self.must_refuse(review.review_approve, version, assignment=forged, actor=meddler,
                                     declares_no_conflict=True, comment="")
                transaction.set_rollback(True)

    def declare(self, assignment: ReviewAssignment, actor, comment: str) -> bool:
        declared = self.attempt(review.review_declare_conflict, assignment=assignment, actor=actor,
                                comment=comment)
        if declared:
            self.conflicts.add((assignment.version.factor_id, assignment.reviewer_id))
            event("conflict declared")
        return bool(declared)

    @precondition(lambda self: self.has_assignments())
    @rule(pick=picks, own=seldom, actor=actors, comment=comments)
    def declare_conflict(self, pick, own, actor, comment):
        assignment = self.assignment(pick, open_only=own)
        self.declare(assignment, assignment.reviewer if own else self.users[actor], comment)

    @precondition(lambda self: self.versions)
    @rule(pick=picks, name=st.sampled_from(["reviewer1", "reviewer2", "reviewer3", "reviewer4"]))
    def step_aside(self, pick, name):
        # Random declarations seldom succeed; here a reviewer is assigned and steps aside at once,
        # and is then refused on every version of the factor open for review.
        version = self.version(pick, among=[FactorStatus.SUBMITTED, FactorStatus.IN_REVIEW,
                                            FactorStatus.DRAFT])
        if version.status == FactorStatus.DRAFT:
            self.attempt(review.factor_version_submit, version=version, actor=self.users["editor1"])
        reviewer = self.users[name]
        assignment = self.attempt(review.review_assign, version=version, reviewer=reviewer,
                                  actor=self.users["approver1"])
        if assignment is None or not self.declare(assignment, reviewer, "co-author of the source"):
            return
        for version in FactorVersion.objects.filter(
            factor_id=assignment.version.factor_id,
            status__in=[FactorStatus.SUBMITTED, FactorStatus.IN_REVIEW],
        ):
            self.must_refuse(review.review_assign, version, version=version, reviewer=assignment.reviewer,
                             actor=self.users["approver1"])

    @precondition(lambda self: self.has_assignments())
    @rule(pick=picks, own=seldom, actor=actors, comment=comments)
    def request_changes(self, pick, own, actor, comment):
        assignment = self.assignment(pick, open_only=own)
        self.attempt(review.review_request_changes, assignment=assignment,
                     actor=assignment.reviewer if own else self.users[actor], comment=comment)

    @precondition(lambda self: self.has_assignments())
    @rule(pick=picks, own=seldom, actor=actors, comment=comments)
    def reject(self, pick, own, actor, comment):
        assignment = self.assignment(pick, open_only=own)
        self.attempt(review.review_reject, assignment=assignment,
                     actor=assignment.reviewer if own else self.users[actor], comment=comment)

    # --- rules: tampering -----------------------------------------------------------

    @precondition(lambda self: self.frozen_content)
    @rule(pick=picks, how=st.sampled_from(["save", "update", "gas_amount", "delete"]))
    def tamper_with_published_content(self, pick, how):
        pks = sorted(self.frozen_content)
        version = FactorVersion.objects.get(pk=pks[pick % len(pks)])
        try:
            with transaction.atomic():
                if how == "save":
                    version.co2e_total += 1
                    version.notes_en = "edited after publication"
                    version.save()
                elif how == "update":
                    FactorVersion.objects.filter(pk=version.pk).update(co2e_total=Decimal("9.9"))
                elif how == "gas_amount":
                    amount = GasAmount.objects.filter(version=version).first()
                    amount.amount += 1
                    amount.save()
                else:
                    version.delete()
        except PublishedVersionError:
            return
        raise AssertionError(f"{how} changed frozen version {version}")

    # --- invariants -----------------------------------------------------------------

    @invariant()
    def one_published_version_per_factor(self):
        for factor in self.factors:
            assert FactorVersion.objects.published().filter(factor=factor).count() <= 1

    @invariant()
    def statuses_are_on_the_vocabulary(self):
        statuses = set(FactorVersion.objects.filter(pk__in=self.versions).values_list("status", flat=True))
        assert statuses <= set(FactorStatus.values)

    @invariant()
    def approved_and_published_versions_had_enough_approvals(self):
        needed = django_settings.REVIEW_REQUIRED_APPROVALS
        for version in FactorVersion.objects.filter(
            pk__in=self.versions, status__in=[FactorStatus.APPROVED, *FROZEN_STATUSES],
        ):
            counted = ReviewAssignment.objects.filter(
                version=version, review_round=version.review_round, decision=ReviewDecision.APPROVED)
            assert counted.count() >= needed
            if version.pk not in self.seen_approved:
                self.had_enough_independent_approvals(version, counted, needed)

    def had_enough_independent_approvals(self, version, counted, needed) -> None:
        # Checked when a version is first seen approved, right after the step that approved it.
        # A conflict declared later (on another version of the factor) takes those approvals out
        # of the count, as it should, but cannot undo that they counted when the version moved.
        assert review.approvals_in_current_round(version) >= needed, version
        independent = {
            reviewer_id for reviewer_id in counted.values_list("reviewer_id", flat=True)
            if reviewer_id != version.author_id and reviewer_id not in self.edited_by[version.pk]
            and (version.factor_id, reviewer_id) not in self.conflicts
        }
        assert len(independent) >= needed, (version, independent)
        self.seen_approved.add(version.pk)

    @invariant()
    def nobody_approved_their_own_version_or_without_declaring(self):
        approvals = ReviewAssignment.objects.filter(version__in=self.versions,
                                                    decision=ReviewDecision.APPROVED)
        for reviewer_id, author_id, conflict in approvals.values_list(
            "reviewer_id", "version__author_id", "conflict_of_interest",
        ):
            assert reviewer_id != author_id
            assert conflict is False

    @invariant()
    def published_content_never_changes(self):
        for pk, content in self.frozen_content.items():
            assert content_of(pk) == content, pk
            assert FactorVersion.objects.get(pk=pk).status in FROZEN_STATUSES

    @invariant()
    def every_version_has_an_unbroken_chain_of_events(self):
        events = {}
        for version_id, from_status, to_status in WorkflowEvent.objects.filter(
            version__in=self.versions,
        ).order_by("pk").values_list("version_id", "from_status", "to_status"):
            events.setdefault(version_id, []).append((from_status, to_status))
        current = FactorVersion.objects.filter(pk__in=self.versions).values_list("pk", "status")
        for version_id, status in current:
            state = FactorStatus.DRAFT
            for from_status, to_status in events.get(version_id, []):
                assert from_status == state, (version_id, events[version_id])
                state = to_status
            assert state == status


def state_of(pk: int) -> tuple:
    """A version's row, its assignments and its events: what a refused step must leave alone."""
    return (
        FactorVersion.objects.filter(pk=pk).values().get(),
        list(ReviewAssignment.objects.filter(version_id=pk).order_by("pk").values()),
        list(WorkflowEvent.objects.filter(version_id=pk).order_by("pk").values()),
    )


def content_of(pk: int) -> tuple:
    version = FactorVersion.objects.filter(pk=pk).values(*FROZEN_COLUMNS).get()
    amounts = list(GasAmount.objects.filter(version_id=pk).order_by("pk").values_list("gas_id", "amount"))
    sources = list(FactorVersion.objects.get(pk=pk).version_sources.order_by("pk")
                   .values_list("source_id", "locator"))
    return tuple(sorted(version.items())), tuple(amounts), tuple(sources)


@pytest.mark.django_db
def test_the_workflow_never_reaches_a_forbidden_state(monkeypatch):
    # The users and factors outlive every example (each example rolls back only its own savepoint).
    monkeypatch.setattr(WorkflowMachine, "users", {
        name: user_with_roles(f"sm-{name}", *roles) for name, roles in ACTORS.items()})
    monkeypatch.setattr(WorkflowMachine, "factors", FactorFactory.create_batch(2))
    monkeypatch.setattr(WorkflowMachine, "gwp_set", GwpSetFactory())
    monkeypatch.setattr(WorkflowMachine, "source", SourceFactory())
    run_state_machine_as_test(WorkflowMachine, settings=settings(
        # Random each run (no example database): 25 runs of 50 steps here, twice in every CI.
        max_examples=25, stateful_step_count=50, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    ))
