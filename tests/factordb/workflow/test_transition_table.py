"""The transition table is the issue's road, edge for edge, and nothing more."""

import pytest

from factordb import workflow
from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition

# draft → submitted → in_review → approved → published → superseded | withdrawn;
# in_review → changes_requested → draft; in_review → rejected.
ROAD = {
    (S.DRAFT, S.SUBMITTED),
    (S.SUBMITTED, S.IN_REVIEW),
    (S.IN_REVIEW, S.APPROVED),
    (S.APPROVED, S.PUBLISHED),
    (S.PUBLISHED, S.SUPERSEDED),
    (S.PUBLISHED, S.WITHDRAWN),
    (S.IN_REVIEW, S.CHANGES_REQUESTED),
    (S.CHANGES_REQUESTED, S.DRAFT),
    (S.IN_REVIEW, S.REJECTED),
}
# Official statistics (MEE/NBS grid factors, guideline defaults) are copied verbatim from
# their authority's own publication by the seed: that authority published them, so they
# enter as published without this platform's review. It is the one edge off the road.
OFFICIAL = (S.DRAFT, S.PUBLISHED)


def edges(*, without_official: bool = True) -> set[tuple[S, S]]:
    return {
        (source, step.target)
        for name, step in workflow.TRANSITIONS.items()
        if not (without_official and name == "publish_official")
        for source in step.sources
    }


def test_the_table_is_the_road_exactly():
    assert edges() == ROAD


def test_publish_official_is_the_seeds_only_shortcut():
    step = workflow.TRANSITIONS["publish_official"]
    assert (step.sources, step.target) == ((OFFICIAL[0],), OFFICIAL[1])
    assert edges(without_official=False) == ROAD | {OFFICIAL}


def test_every_status_is_on_the_road():
    assert {status for edge in ROAD for status in edge} == set(S)


@pytest.mark.parametrize("status", [S.REJECTED, S.SUPERSEDED, S.WITHDRAWN])
def test_end_states_lead_nowhere(status):
    assert not [name for name, step in workflow.TRANSITIONS.items() if status in step.sources]


def test_each_step_has_one_target():
    names = list(workflow.TRANSITIONS)
    assert len(names) == len(set(names))
    assert all(workflow.TRANSITIONS[name].name == name for name in names)


@pytest.mark.parametrize(("name", "status"), [
    (name, status) for name, step in workflow.TRANSITIONS.items()
    for status in S if status not in step.sources
])
def test_guard_refuses_every_state_off_the_table(name, status):
    class Version:  # guard reads only the status (and prints the version)
        def __init__(self, status):
            self.status = status

        def __str__(self):
            return "v1"

    with pytest.raises(InvalidTransition, match="v1"):
        workflow.guard(Version(status), name)
