import pytest

from tests.two_factor import NOON


@pytest.fixture
def now(time_machine) -> float:
    """The clock pinned at NOON, so a test's codes are those of a known moment."""
    time_machine.move_to(NOON, tick=False)
    return NOON.timestamp()
