"""Every admin page of ours, rendered in Chinese, shows no label left in English.

How English is recognised, without flagging the data on the page (English names, codes,
user names are data and rightly shown as they are): a visible text of the page is
"untranslated" when it equals, whole, a label someone wrote in English —

- an English msgstr of our own catalogue (the English of one of our Chinese msgids; not one
  that is the same in both languages, such as "GWP");
- a msgid of Django's or simple-history's catalogues that has a Chinese translation (the
  admin's own words: what a Chinese page shows instead);
- a literal msgid of a ``{% translate %}`` tag in a template of ours the page rendered that
  has no Chinese translation (English written into one of our templates with nothing to
  translate it: the "Changes" our copy of simple-history's list took over, say). Django's
  own templates are left out: their few untranslated words ("Model name", the hidden
  headers of the app list) are Django's to translate;
- the name Django makes up for a model or field of ours declared without a verbose name (its
  English attribute name: "Factor"), and an app of ours named by its code ("Factordb").

Only labels wholly in Latin letters count (a Chinese label with "GWP" in it is Chinese), and
texts are compared after trimming spaces and a trailing colon, since the admin adds one to
field labels. Text marked ``lang="en"`` (the language switch's "English") is English on
purpose and skipped; so are scripts and styles. The visible texts are the text nodes plus
the attributes a reader meets: title, placeholder, aria-label, alt and a button's value.
"""

import gettext
import glob
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
import simple_history
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from django.utils.text import camel_case_to_spaces, capfirst

from accounts.roles import Role
from factordb.models import Factor, FactorVersion, Release, Source
from tests.factordb.admin.helpers import admin_url
from tests.factordb.admin.rows import ROW_MAKERS, registered_models
from tests.factories import (
    ApiKeyFactory,
    DraftVersionFactory,
    SourcedPublishedVersionFactory,
    StaffUserFactory,
)
from tests.roles import with_roles

pytestmark = pytest.mark.django_db

OUR_APPS = ("factordb", "accounts")
REPOSITORY = Path(__file__).resolve().parents[3]
OUR_CATALOGUE = REPOSITORY / "factordb/locale/en/LC_MESSAGES/django.mo"
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")
TEMPLATE_MSGID = re.compile(r"""\{%\s*(?:trans|translate)\s+(["'])(.+?)\1""")


def normalised(text: str) -> str:
    return " ".join(text.split()).rstrip(":：").strip()


def is_english_label(text: str) -> bool:
    return bool(LATIN_WORD.search(text)) and not CJK.search(text)


def _catalogue(path: str | Path) -> dict[str, str]:
    """msgid → msgstr of a compiled catalogue (plural forms under their singular msgid)."""
    with open(path, "rb") as file:
        entries = gettext.GNUTranslations(file)._catalog
    return {(key[0] if isinstance(key, tuple) else key): value for key, value in entries.items() if key}


def _chinese_catalogues() -> list[str]:
    roots = [Path(django.__file__).parent, Path(simple_history.__file__).parent]
    return [path for root in roots
            for path in glob.glob(str(root / "**/locale/zh_Hans/LC_MESSAGES/django.mo"), recursive=True)]


def english_labels() -> set[str]:
    """The labels of the first, second and fourth kind in the module's docstring."""
    labels = {msgstr for msgid, msgstr in _catalogue(OUR_CATALOGUE).items() if msgstr and msgstr != msgid}
    for path in _chinese_catalogues():
        labels |= {msgid for msgid, msgstr in _catalogue(path).items() if msgstr}
    for app_label in OUR_APPS:
        labels.add(capfirst(app_label))
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
            if str(model._meta.verbose_name) == camel_case_to_spaces(model._meta.object_name):
                labels |= {capfirst(model._meta.verbose_name), capfirst(model._meta.verbose_name_plural)}
            labels |= {capfirst(field.verbose_name) for field in model._meta.get_fields()
                       if getattr(field, "verbose_name", None) and str(field.verbose_name) == _made_up(field)}
    return {normalised(str(label)) for label in labels if is_english_label(normalised(str(label)))}


def _made_up(field) -> str:
    """The verbose name Django gives a field declared without one."""
    return field.name.replace("_", " ")


ENGLISH_LABELS = english_labels()


def untranslated_template_labels(response) -> set[str]:
    """Literal msgids of the page's templates of ours that Chinese leaves as they are."""
    labels = set()
    with translation.override("zh-hans"):
        for template in getattr(response, "templates", []):
            origin = getattr(template, "origin", None)
            path = Path(origin.name) if origin is not None and origin.name else None
            if path is None or not path.is_file() or not _ours(path):
                continue
            for _quote, msgid in TEMPLATE_MSGID.findall(path.read_text(encoding="utf-8")):
                if translation.gettext(msgid) == msgid and is_english_label(normalised(msgid)):
                    labels.add(normalised(msgid))
    return labels


def _ours(path: Path) -> bool:
    resolved = path.resolve()
    return resolved.is_relative_to(REPOSITORY) and not resolved.is_relative_to(REPOSITORY / ".venv")


class VisibleText(HTMLParser):
    """The texts a reader sees, outside scripts, styles and deliberately English elements."""

    SKIPPED = {"script", "style", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
            "wbr"}
    READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden from this check)
        self.texts: list[str] = []

    def _hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        hidden = self._hidden() or tag in self.SKIPPED or (values.get("lang") or "").startswith("en")
        if not hidden:
            self.texts += [values[name] for name in self.READ_ATTRIBUTES if values.get(name)]
            if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
                self.texts.append(values["value"])
        if tag not in self.VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._hidden() and data.strip():
            self.texts.append(data)


def untranslated(response) -> list[str]:
    parser = VisibleText()
    parser.feed(response.content.decode())
    labels = ENGLISH_LABELS | untranslated_template_labels(response)
    return sorted({normalised(text) for text in parser.texts if normalised(text) in labels})


@pytest.fixture
def superuser(client):
    # A superuser who also holds the roles, so the pages a role opens open too.
    user = with_roles(StaffUserFactory(username="labels"), Role.EDITOR, Role.APPROVER, Role.REVIEWER)
    client.force_login(user)
    return user


def _object_of(model):
    if model is FactorVersion:
        return DraftVersionFactory()
    return ROW_MAKERS[model](1)


def _model_pages(model) -> list[tuple[str, str]]:
    obj = _object_of(model)
    records = obj.history.all() if hasattr(obj, "history") else None
    pages = [("GET", admin_url(model, "changelist")), ("GET", admin_url(model, "add")),
             ("GET", admin_url(obj, "change"))]
    if records is not None:
        pages += [
            ("GET", admin_url(obj, "history")),
            ("GET", admin_url(obj, "history_compare")
             + f"?old={records.last().history_id}&new={records.first().history_id}"),
            ("GET", admin_url(obj, "simple_history", obj.pk, records.first().history_id)),
        ]
    return pages


def _own_views() -> list[tuple[str, str]]:
    published = SourcedPublishedVersionFactory()
    in_progress = SourcedPublishedVersionFactory()
    DraftVersionFactory(factor=in_progress.factor, version=2)
    draft = DraftVersionFactory()
    return [
        ("GET", reverse("admin:index")),
        ("GET", reverse("admin:app_list", args=["factordb"])),
        ("GET", admin_url(Factor, "correct", published.factor.pk)),
        ("GET", admin_url(Source, "correct", published.version_sources.get().source.pk)),
        ("GET", admin_url(published, "change")),
        ("GET", admin_url(in_progress.factor, "change")),
        ("GET", reverse("admin:factordb_factorimport_upload")),
        ("GET", admin_url(Release, "cut")),
        ("GET", reverse("admin:accounts_apikey_revoke", args=[ApiKeyFactory().pk])),
        # The refusal pages: a draft cannot be published; a factor in progress gets no new version.
        ("POST", reverse("admin:factordb_factorversion_workflow", args=[draft.pk, "publish"])),
        ("POST", admin_url(Factor, "new_version", in_progress.factor.pk)),
    ]


@pytest.mark.parametrize("model", registered_models(), ids=lambda model: model._meta.label)
def test_every_page_of_a_model_is_chinese(client, superuser, model):
    found = {}
    add_url = admin_url(model, "add")
    for method, url in _model_pages(model):
        response = client.get(url) if method == "GET" else client.post(url)
        if url == add_url and response.status_code == 403:  # nobody adds one (a release is cut)
            continue
        assert response.status_code == 200, url
        found[url] = untranslated(response)

    assert {url: labels for url, labels in found.items() if labels} == {}


def test_our_own_views_are_chinese(client, superuser):
    found = {}
    for method, url in _own_views():
        response = client.get(url) if method == "GET" else client.post(url)
        assert response.status_code in (200, 403, 409), url
        found[url] = untranslated(response)

    assert {url: labels for url, labels in found.items() if labels} == {}


class Page:
    """A response as untranslated() reads it, for checking the check."""

    templates = ()

    def __init__(self, html: str) -> None:
        self.content = html.encode()


@pytest.mark.parametrize(("html", "caught"), [
    ("<p>保存</p><input type='submit' value='Save'>", ["Save"]),  # Django's own, translated
    ("<label>Reason for change:</label>", ["Reason for change"]),  # our catalogue's English of 变更原因
    ("<span lang='en'>English</span><a title='Home'>首页</a>", ["Home"]),
    ("<td>Category c7</td><td>kWh</td><script>var s = 'Save';</script>", []),  # data, and code
])
def test_the_check_tells_english_labels_from_data(html, caught):
    assert untranslated(Page(html)) == caught
