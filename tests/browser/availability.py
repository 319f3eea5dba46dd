"""Whether the browser tests can run here: Debian's Chromium and the Playwright package.

A fresh machine with only Python 3.11 has neither installed Chromium nor root to install
it, so there the browser tests skip with one line that says how to run them. CI installs
Chromium (`make browser`) and sets REQUIRE_BROWSER=1, under which a missing browser fails.
"""

import importlib.util
import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HOW_TO_RUN = "to run the browser tests, install it with `make browser` (root, apt) and test again"


def chromium_or_skip(path: str = CHROMIUM) -> str:
    """The Chromium to drive; skips the test (fails it under REQUIRE_BROWSER=1) without one."""
    if not os.path.exists(path):
        _skip_or_fail(f"no Chromium at {path}: {HOW_TO_RUN}")
    if importlib.util.find_spec("playwright") is None:
        _skip_or_fail("no Playwright package: to run the browser tests, install the dev extras "
                      "(`make install-dev`)")
    return path


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)
