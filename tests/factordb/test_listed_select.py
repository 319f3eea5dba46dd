"""The search form's selects, written out in one pass, say what Django's Select says."""

import re

import pytest
from django import forms
from django.test.html import parse_html

from factordb.forms_search import ListedSelect

CHOICES = [("", "全部"), ("energy", "能源"), ("energy.electricity", "\u00a0\u00a0电力 <&> \"grid\""),
           ("7", "7")]
ATTRS = [{"id": "id_category"}, {"id": "id_c", "aria-invalid": "true", "required": True}]


def tags(html: str):
    """The elements, attributes in any order, the whitespace between tags aside."""
    return parse_html(re.sub(r">\s+<", "><", html.strip()))


@pytest.mark.parametrize("value", [None, "", "energy.electricity", "7", "<script>", ["energy", "7"]])
@pytest.mark.parametrize("attrs", ATTRS)
def test_it_renders_what_djangos_select_renders(value, attrs):
    ours, djangos = ListedSelect(choices=CHOICES), forms.Select(choices=CHOICES)

    assert tags(ours.render("category", value, attrs)) == tags(djangos.render("category", value, attrs))


def test_labels_and_values_are_escaped():
    html = ListedSelect(choices=[("\"><script>", "<b>x</b>")]).render("q", None)

    assert "<script>" not in html
    assert "<b>" not in html
