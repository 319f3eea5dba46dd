"""The English catalogue is complete, compiled, and what /en/ and /en/admin/ actually show."""

import ast
import gettext
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import CategoryFactory, FactorFactory, PublishedVersionFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "factordb" / "locale" / "en" / "LC_MESSAGES"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
H1 = "National Product Carbon Footprint Factor Database"


# --- A tiny .po reader (stdlib only) ----------------------------------------------------

@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstrs: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def read_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    entry, target = Entry(), None

    def finish():
        nonlocal entry
        if target is not None:
            entries.append(entry)
        entry = Entry()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            target = None
        elif line.startswith("#,"):
            if target is not None and target[0] == "msgstr":
                finish()
                target = None
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            kind, index = target
            if kind == "msgstr":
                entry.msgstrs[index] += value
            else:
                setattr(entry, kind, getattr(entry, kind) + value)
        else:
            keyword, _, value = line.partition(" ")
            value = ast.literal_eval(value)
            if keyword == "msgctxt" or (keyword == "msgid" and target and target[0] == "msgstr"):
                finish()
            match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
            if match:
                index = int(match.group(1) or 0)
                entry.msgstrs[index] = value
                target = ("msgstr", index)
            else:
                setattr(entry, keyword, value)
                entry.line = entry.line or number
                target = (keyword, None)
    finish()
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    return read_po(CATALOGUE / "django.po")


def _messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.msgid]


def _header(entries: list[Entry]) -> dict[str, str]:
    (header,) = [e for e in entries if not e.msgid]
    lines = header.msgstrs[0].splitlines()
    return dict(line.split(": ", 1) for line in lines if ": " in line)


# --- The catalogue itself ---------------------------------------------------------------

def test_every_message_has_an_english_translation_and_none_is_fuzzy(po_entries):
    messages = _messages(po_entries)
    assert len(messages) > 100, "the reader found too few messages: is the .po where it should be?"

    untranslated = [e.msgid for e in messages if not all(s.strip() for s in e.msgstrs.values())]
    fuzzy = [e.msgid for e in po_entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_plural_entries_have_both_english_forms(po_entries):
    for entry in _messages(po_entries):
        if entry.msgid_plural is not None:
            assert sorted(entry.msgstrs) == [0, 1], entry.msgid


def test_translations_keep_the_placeholders_and_leave_no_chinese(po_entries):
    placeholder = re.compile(r"%\([a-z_]+\)[sd]|\{\{\s*\w+\s*\}\}")
    for entry in _messages(po_entries):
        for text in entry.msgstrs.values():
            assert sorted(placeholder.findall(text)) == sorted(placeholder.findall(entry.msgid)), entry.msgid
            assert not HAN.search(text), entry.msgid


def test_the_header_declares_english_utf8_and_its_plural_rule(po_entries):
    header = _header(po_entries)
    assert header["Language"] == "en"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert header["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert not any("fuzzy" in e.flags for e in po_entries if not e.msgid)


def test_the_compiled_catalogue_matches_the_po(po_entries):
    # The .mo is committed (a fresh machine may lack gettext): it must not lag behind the .po.
    with open(CATALOGUE / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for entry in _messages(po_entries):
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            assert compiled._catalog.get(key) == entry.msgstrs[0], entry.msgid
        else:
            for index, text in entry.msgstrs.items():
                assert compiled._catalog.get((key, index)) == text, entry.msgid


# --- The English site -------------------------------------------------------------------

class TextCollector(HTMLParser):
    """Collects the text of the elements whose tags are asked for (nested ones included),
    but for an element that says it is in another language (the language switch names
    each language in itself: <a lang="zh-hans">简体中文</a>)."""

    def __init__(self, tags: set[str]):
        super().__init__()
        self.tags, self.open, self.texts = tags, [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.tags:
            self.open.append([tag, "", dict(attrs).get("lang") or "en"])
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder") and value:
                self.texts.append((f"{tag}@{name}", value))

    def handle_endtag(self, tag):
        if self.open and self.open[-1][0] == tag:
            name, text, language = self.open.pop()
            if not language.startswith("en"):
                return
            self.texts.append((name, " ".join(text.split())))
            if self.open:
                self.open[-1][1] += text

    def handle_data(self, data):
        if self.open:
            self.open[-1][1] += data


def texts_of(html: str, *tags: str) -> list[tuple[str, str]]:
    collector = TextCollector(set(tags))
    collector.feed(html)
    return collector.texts


@pytest.fixture
def published_factor():
    electricity = CategoryFactory(code="energy.electricity", name_zh="电力", name_en="Electricity")
    return PublishedVersionFactory(
        factor__category=electricity, factor__year=2022,
        factor__name_zh="全国电网平均排放因子", factor__name_en="National grid average factor",
    )


@pytest.mark.parametrize("with_data", [False, True], ids=["empty", "with-factors"])
def test_the_english_home_page_has_english_chrome(client, request, with_data):
    if with_data:
        request.getfixturevalue("published_factor")
    html = client.get("/en/").content.decode()

    assert [text for tag, text in texts_of(html, "h1") if tag == "h1"] == [H1]
    # The language list names each language in itself (简体中文), so <option> is not chrome.
    chrome_tags = ["title", "h1", "h2", "thead", "label", "button", "footer", "a"]
    if not with_data:
        chrome_tags.append("tbody")  # only the "nothing yet" messages
    chinese = [(tag, text) for tag, text in texts_of(html, *chrome_tags) if HAN.search(text)]
    assert chinese == []


def test_the_english_home_page_shows_the_english_names_of_the_data(client, published_factor):
    html = client.get("/en/").content.decode()

    body = " ".join(text for tag, text in texts_of(html, "tbody"))
    assert "National grid average factor" in body
    assert "Electricity" in body
    assert "China" in body
    assert not HAN.search(body)


# --- The English admin ------------------------------------------------------------------

@pytest.fixture
def english_admin(client):
    client.force_login(StaffUserFactory(username="translator"))
    return client


def test_the_english_admin_index_names_the_site_apps_and_models_in_english(english_admin):
    html = english_admin.get("/en/admin/").content.decode()

    assert "National Carbon Footprint Factor Database — administration" in html
    assert "Data management" in html
    captions = [text for tag, text in texts_of(html, "caption")]
    assert "Emission factor database" in captions
    models = [text for tag, text in texts_of(html, "th") if text]
    # The Chinese verbose_name and verbose_name_plural are the same msgid, hence one English form.
    for name in ("Emission factor", "Factor version", "Release", "Category", "Region", "Unit",
                 "Dataset", "Greenhouse gas", "GWP set", "Source"):
        assert name in models
    chinese = [text for tag, text in texts_of(html, "h1", "h2", "caption", "th", "title") if HAN.search(text)]
    assert chinese == []


def test_the_english_factor_change_form_has_english_labels(english_admin):
    factor = FactorFactory()
    html = english_admin.get(f"/en/admin/factordb/factor/{factor.pk}/change/").content.decode()

    labels = [text.rstrip(":") for tag, text in texts_of(html, "label") if text]
    for label in ("Dataset", "Category", "Region", "Activity unit", "Reference year",
                  "Life-cycle boundary", "Methodology", "Chinese name", "English name", "Tags",
                  "Reason for change"):
        assert label in labels
    assert [label for label in labels if HAN.search(label)] == []
    assert "Cradle-to-gate" in html  # the boundary choices
    # The <h2> under the title is the factor's own name (data, Chinese by design): not checked.
    headings = [text for tag, text in texts_of(html, "h1", "thead") if tag in ("h1", "thead")]
    assert "change emission factor" in [text.lower() for text in headings]
    assert not [text for text in headings if HAN.search(text)]


def test_the_english_factor_version_form_uses_the_carbon_accounting_terms(english_admin):
    version = PublishedVersionFactory()
    html = english_admin.get(f"/en/admin/factordb/factorversion/{version.pk}/change/").content.decode()

    for term in ("Total CO2e (kg per activity unit)", "Biogenic CO2 (kg per activity unit)",
                 "Reliability", "Completeness", "Temporal representativeness",
                 "Geographical representativeness", "Technological representativeness",
                 "Emissions by gas", "Published"):
        assert term in html
