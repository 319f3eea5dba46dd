"""The repository stands on its own: what the code, migrations, ADRs and tests cite as the
design is docs/design.md, and every section they cite exists there."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DESIGN = ROOT / "docs" / "design.md"
# Written in two parts so that this file does not cite what it looks for.
OUTSIDE_DOCUMENT = "DESIGN" + " §"
CITATION = re.compile(r"docs/design\.md((?:,? §\d+)+)")
SKIPPED = {".venv", "var", "staticfiles", ".git", "node_modules", "__pycache__"}
SUFFIXES = {".py", ".md", ".html", ".txt", ".toml", ".yaml", ".yml", ".cfg", ""}


def repository_texts() -> dict[Path, str]:
    texts = {}
    for path in ROOT.rglob("*"):
        if (path.is_file() and path.suffix in SUFFIXES
                and not SKIPPED.intersection(path.relative_to(ROOT).parts)):
            try:
                texts[path] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
    return texts


def design_sections() -> set[int]:
    return {int(n) for n in re.findall(r"^## (\d+)\. ", DESIGN.read_text(encoding="utf-8"), re.MULTILINE)}


def test_the_design_document_has_numbered_sections():
    assert {1, 2, 3, 4, 5, 6, 7, 8, 9} <= design_sections()


def test_nothing_cites_a_design_document_outside_the_repository():
    citing = sorted(str(path.relative_to(ROOT)) for path, text in repository_texts().items()
                    if OUTSIDE_DOCUMENT in text)

    assert citing == []


def test_every_cited_section_exists():
    cited = {
        (str(path.relative_to(ROOT)), int(n))
        for path, text in repository_texts().items()
        for match in CITATION.finditer(text)
        for n in re.findall(r"\d+", match.group(1))
    }

    assert cited, "the code cites the design document"
    assert sorted((path, n) for path, n in cited if n not in design_sections()) == []
