"""The API's answers are written by orjson, byte for byte as DRF's JSON renderer writes them:
a client can tell no difference, whatever the answers hold."""

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer
from rest_framework.settings import api_settings
from rest_framework.utils.serializer_helpers import ReturnList

from api.renderers import JSONRenderer

RESOLVE = "/api/v1/resolve/"

SHAPES = [
    {"results": [{"key": {"category": "能源.电力", "year": 2024, "boundary": None}, "errors": {}}]},
    {"text": "line\nbreak\ttab \"quoted\" back\\slash \x01 \x1f 😀 中文"},
    {"separators": "\u2028 and \u2029 in a string, \u2028\u2028"},
    {"moment": dt.datetime(2024, 6, 1, 8, 30, 15, 123456, tzinfo=dt.UTC), "date": dt.date(2024, 6, 1),
     "naive": dt.datetime(2024, 6, 1, 8, 30)},
    {"decimal": Decimal("0.53660000"), "uuid": uuid.UUID(int=7), "lazy": gettext_lazy("完全匹配")},
    {"wide": 2**70, "negative": -(2**63) - 1},
    {"lone surrogate": "\ud800"},
    ReturnList([{"a": True, "b": False, "c": [], "d": {}}], serializer=None),
    [],
    "",
]


@pytest.mark.parametrize("data", SHAPES, ids=range(len(SHAPES)))
def test_the_bytes_are_drfs_whatever_the_answer_holds(data):
    try:
        expected = DRFJSONRenderer().render(data)
    except UnicodeEncodeError:  # a lone surrogate: DRF cannot write it either
        with pytest.raises(UnicodeEncodeError):
            JSONRenderer().render(data)
        return

    assert JSONRenderer().render(data) == expected


@pytest.mark.parametrize("media_type", ["application/json; indent=4", "application/json; indent=0"])
def test_an_indented_answer_is_drfs(media_type):
    data = {"results": [{"key": {"year": 2024}}]}

    assert JSONRenderer().render(data, media_type) == DRFJSONRenderer().render(data, media_type)


def test_nothing_renders_as_nothing():
    assert JSONRenderer().render(None) == b""


def test_it_is_the_apis_renderer():
    assert api_settings.DEFAULT_RENDERER_CLASSES[0] is JSONRenderer


@pytest.mark.django_db
def test_a_batch_and_its_errors_are_written_as_drf_writes_them(api, seeded):
    keys = [{"category": "energy.electricity.grid_average", "region": region, "year": year, "unit": unit}
            for region in ("CN", "CN-AH", "XX") for year in (2019, 2022, 2030)
            for unit in ("kWh", "MWh", "t")]
    answer = api.post(RESOLVE, {"keys": keys}, format="json")
    refused = api.post(RESOLVE, {"keys": [{"category": 1, "year": "soon"}]}, format="json")

    assert (answer.status_code, refused.status_code) == (200, 400)
    assert answer.content == DRFJSONRenderer().render(answer.json())
    assert refused.content == DRFJSONRenderer().render(refused.json())
    assert {a["status"] for a in answer.json()["results"]} >= {"matched", "fallback", "invalid"}
    assert json.loads(refused.content)["error"]["details"]


@pytest.mark.django_db
def test_a_list_a_detail_and_its_versions_are_written_as_drf_writes_them(api, seeded):
    listed = api.get("/api/v1/factors/?category=energy.electricity&page_size=20")
    public_id = listed.json()["results"][0]["public_id"]
    answers = [listed, api.get(f"/api/v1/factors/{public_id}/"),
               api.get(f"/api/v1/factors/{public_id}/versions/"), api.get("/api/v1/units/"),
               api.get("/api/v1/changes/?since=2020-01-01")]

    assert [answer.status_code for answer in answers] == [200] * 5
    assert [a.content for a in answers] == [DRFJSONRenderer().render(a.json()) for a in answers]
