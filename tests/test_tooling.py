"""The development commands turn development mode on themselves (DEBUG is off unless set),
and CI requires what a fresh machine may skip."""

import re

from django.conf import settings

ROOT = settings.BASE_DIR


def recipe_lines(target: str) -> list[str]:
    """The command lines of one Makefile target."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, f"no target {target} in the Makefile"
    return [line.strip() for line in recipe.group(1).splitlines()]


def test_make_run_serve_test_and_messages_start_in_development_mode():
    commands = {target: recipe_lines(target) for target in ("run", "serve", "test", "messages")}

    without_debug = {target: [line for line in lines if "DEBUG=1" not in line]
                     for target, lines in commands.items()}

    assert without_debug == {"run": [], "serve": [], "test": [], "messages": []}


def test_ci_requires_the_browser_tests_and_starts_its_worker_in_development_mode():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")

    assert "export REQUIRE_BROWSER=1" in ci
    assert re.search(r"^DEBUG=1 \.venv/bin/celery -A factordb worker", ci, re.MULTILINE)
