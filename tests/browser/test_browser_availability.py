"""Without Chromium the browser tests skip with one line saying how to run them, so a fresh
`make test` passes; CI sets REQUIRE_BROWSER=1, and there a missing browser fails."""

import pytest

from tests.browser.availability import chromium_or_skip

MISSING = "/nonexistent/chromium"


def test_without_chromium_the_browser_tests_skip_saying_how_to_run_them(monkeypatch):
    monkeypatch.delenv("REQUIRE_BROWSER", raising=False)

    with pytest.raises(pytest.skip.Exception) as skipped:
        chromium_or_skip(MISSING)

    reason = str(skipped.value)
    assert "make browser" in reason
    assert "\n" not in reason


def test_ci_fails_when_chromium_is_missing(monkeypatch):
    monkeypatch.setenv("REQUIRE_BROWSER", "1")

    with pytest.raises(pytest.fail.Exception, match="REQUIRE_BROWSER=1"):
        chromium_or_skip(MISSING)


def test_an_installed_chromium_is_used(monkeypatch, tmp_path):
    chromium = tmp_path / "chromium"
    chromium.write_text("")
    monkeypatch.setenv("REQUIRE_BROWSER", "1")

    assert chromium_or_skip(str(chromium)) == str(chromium)
