"""The factor search page's form: the API's filters, a sort, a page size and a page.

A value the form cannot use (an unknown code, a year out of range, a page that is not a
number) is not an error page: the form names the field and the reason, and the search goes
on without that value.
"""

from dataclasses import dataclass

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from factordb.bounds import MAX_YEAR, MIN_YEAR
from factordb.constants import LifecycleBoundary, Methodology
from factordb.reference_data import Reference
from factordb.selectors_search import MAX_TERMS, SORTS, SearchFilters, search_terms
from factordb.templatetags.public import localized

PAGE_SIZES = (25, 50, 100)
DEFAULT_SORT = "public_id"
MAX_TEXT = 200
# Options stand in a tree: each level is set in by two no-break spaces, which browsers keep.
INDENT = "\u00a0\u00a0"
ALL = ("", _("全部"))
NOT_A_CHOICE = _("“%(value)s”不是可选的值。")


def _depth(node) -> int:
    return node.path.count("/") - 2


class ListedSelect(forms.Select):
    """A select written out in one pass. Django's own renders each option through a
    template of its own, which for the search form's hundreds of categories cost more than
    the rest of the page (docs/adr/0018). For flat choices, as the search form has."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        chosen = set(self.format_value(value))
        selected = next((str(option) for option, _label in self.choices if str(option) in chosen), None)
        options = format_html_join("", "<option value=\"{}\"{}>{}</option>", (
            (option, " selected" if str(option) == selected else "", label)
            for option, label in self.choices))
        return format_html("<select name=\"{}\"{}>{}</select>", name,
                           flatatt(self.build_attrs(self.attrs, attrs)), options)


def _choice(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(required=False, widget=ListedSelect,
                             error_messages={"invalid_choice": NOT_A_CHOICE}, **kwargs)


def _choices(options: Reference) -> dict[str, list[tuple[str, str]]]:
    """Each list's choices, labelled in the active language, "all" first."""
    labels = {
        "category": [(c.code, INDENT * _depth(c) + localized(c, "name")) for c in options.categories],
        "region": [(r.code, INDENT * _depth(r) + localized(r, "name")) for r in options.regions],
        "gas": [(g.code, f"{g.formula} {localized(g, 'name')}") for g in options.gases],
        "unit": [(u.code, f"{u.symbol} — {localized(u, 'name')}") for u in options.units],
        "dataset": [(d.code, localized(d, "name")) for d in options.datasets],
        # Titles run long; a select as wide as a title would not fit a phone.
        "source": [(str(s.pk), Truncator(f"{s.title} ({s.year})").chars(60)) for s in options.sources],
    }
    return {name: [ALL, *listed] for name, listed in labels.items()}


@dataclass(frozen=True)
class SearchRequest:
    """What the page was asked for, once the values it cannot use are set aside."""

    filters: SearchFilters
    sort: str
    descending: bool
    per_page: int
    page: int


class FactorSearchForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=MAX_TEXT, widget=forms.TextInput(attrs={
        "type": "search", "placeholder": _("例如：全国 2022、广东 电力、水泥"), "autocomplete": "off"}))
    category = _choice(label=_("类别"))
    region = _choice(label=_("地区"))
    year = forms.IntegerField(label=_("年份"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    gas = _choice(label=_("温室气体"))
    unit = _choice(label=_("活动单位"))
    source = _choice(label=_("来源"))
    boundary = _choice(label=_("生命周期边界"), choices=[ALL, *LifecycleBoundary.choices])
    method = _choice(label=_("方法学"), choices=[ALL, *Methodology.choices])
    dataset = _choice(label=_("数据集"))
    sort = _choice(label=_("排序方式"), choices=[
        ("public_id", _("编号")), ("year", _("年份")), ("value", _("数值")), ("published", _("发布时间"))])
    direction = _choice(label=_("顺序"), choices=[("asc", _("升序")), ("desc", _("降序"))])
    per_page = _choice(label=_("每页条数"), choices=[(str(size), str(size)) for size in PAGE_SIZES])
    # Not shown as a field: the page links carry it.
    page = forms.IntegerField(label=_("页码"), required=False, min_value=1)

    SHOWN_FILTERS = ("category", "region", "year", "gas", "unit", "source", "boundary", "method", "dataset")
    ORDERING = ("sort", "direction", "per_page")

    def __init__(self, data, *, options: Reference):
        super().__init__(data)
        self._options = options
        choices = options.kept(f"search-form:choices:{get_language()}", lambda: _choices(options))
        for name, listed in choices.items():
            self.fields[name].choices = listed

    def shown_filters(self) -> list[forms.BoundField]:
        return [self[name] for name in self.SHOWN_FILTERS]

    def shown_ordering(self) -> list[forms.BoundField]:
        return [self[name] for name in self.ORDERING]

    def narrows(self) -> bool:
        """Whether a filter, an order or a page size is in use (the text box aside)."""
        kept = {name for name, _value in self.kept_values()}
        return bool(kept.intersection(self.SHOWN_FILTERS + self.ORDERING))

    def _known(self, name: str):
        code = self.cleaned_data.get(name)
        return self._options.by_code(name).get(code) if code else None

    def problems(self) -> list[tuple[str, str]]:
        """(field label, reason) for every value set aside, in the order of the form."""
        return [(str(self.fields[name].label), str(message))
                for name in self.fields if name in self.errors for message in self.errors[name]]

    def ignored_terms(self) -> int:
        """How many words of q went beyond MAX_TERMS and were not searched for."""
        return max(0, len(search_terms(self.cleaned_data.get("q"))) - MAX_TERMS)

    def search_request(self) -> SearchRequest:
        """The request, from the values that passed; call after is_valid()."""
        data = self.cleaned_data
        filters = SearchFilters(
            category=self._known("category"), region=self._known("region"), year=data.get("year"),
            unit=self._known("unit"), gas=self._known("gas"), source=self._known("source"),
            boundary=data.get("boundary") or None, method=data.get("method") or None,
            dataset=self._known("dataset"), text=data.get("q") or "",
        )
        sort = data.get("sort") if data.get("sort") in SORTS else DEFAULT_SORT
        per_page = int(data.get("per_page") or PAGE_SIZES[0])
        return SearchRequest(filters=filters, sort=sort, descending=data.get("direction") == "desc",
                             per_page=per_page, page=data.get("page") or 1)

    def kept_values(self) -> list[tuple[str, str]]:
        """The values to carry into page links: those the form could use, the page aside."""
        return [(name, self.data[name]) for name in self.fields
                if name != "page" and name not in self.errors and self.data.get(name)]
