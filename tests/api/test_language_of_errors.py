"""Every error the API answers, and every reason a resolve or calculate answer gives, in the
client's language: with `Accept-Language: en` no Chinese in the message or any detail, with
`zh-hans` Chinese in each (an English literal left in the code fails here).

tests/api/test_language.py checks Django's and DRF's own messages and the default language;
this file walks ours."""

import pytest
from rest_framework.test import APIClient

from accounts.services import api_key_issue, api_key_revoke
from factordb.bounds import MAX_JSON_DEPTH, MIN_YEAR
from factordb.models import FactorVersion, GwpValue, Release
from factordb.services.resolution import MAX_KEYS
from factordb.services.review import factor_version_withdraw
from tests.factories import StaffUserFactory, UnitFactory
from tests.languages import assert_error_in, assert_texts_in

pytestmark = pytest.mark.django_db

GRID_CO2 = "energy.electricity.grid_average"
ANHUI_2022 = {"category": GRID_CO2, "region": "CN-AH", "year": 2022, "unit": "kWh"}


@pytest.fixture(params=["en", "zh-hans"])
def language(request) -> str:
    return request.param


@pytest.fixture
def client(language) -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE=language)


def a_published(**lookup) -> FactorVersion:
    return FactorVersion.objects.filter(status="published", **lookup).select_related("factor__unit").first()


# --- calculate/ ---------------------------------------------------------------------------------

NO_SUCH_FACTOR = "EFNOSUCHID00"
CALCULATE_ERRORS = [
    ("not a number", {"amount": "abc"}, "amount"),
    ("not finite", {"amount": "Infinity"}, "amount"),
    ("negative", {"amount": "-1"}, "amount"),
    ("too large", {"amount": "1e30"}, "amount"),
    ("unknown GWP set", {"gwp_set": "AR99"}, "gwp_set"),
    ("unknown release", {"release": "1999.9"}, "release"),
    ("no published version", {"public_id": NO_SUCH_FACTOR}, "public_id"),
    ("none in force then", {"public_id": NO_SUCH_FACTOR, "as_of": "2021-01-01T00:00:00Z"}, "public_id"),
    ("unknown unit", {"unit": "furlong"}, "unit"),
    ("another dimension", {"unit": "t"}, "unit"),
    ("a policy for a public id", {"fallback_policy": {"order": "year_first"}}, "fallback_policy"),
]
KEY_ERRORS = [
    ("unknown region in the key", {"key": {**ANHUI_2022, "region": "XX"}}, "key.region"),
    ("no factor for the key", {"key": {**ANHUI_2022, "year": 2023}, "fallback_policy": {"allow": []}}, "key"),
    ("a limit on years without year fallback",
     {"key": ANHUI_2022, "fallback_policy": {"allow": [], "max_years_back": 2}},
     "fallback_policy.max_years_back"),
    ("unknown part of a policy", {"key": ANHUI_2022, "fallback_policy": {"max_year_back": 2}},
     "fallback_policy.max_year_back"),
    ("unknown fallback", {"key": ANHUI_2022, "fallback_policy": {"allow": ["province"]}},
     "fallback_policy.allow[0]"),
]


@pytest.mark.parametrize(("case", "change", "field"), CALCULATE_ERRORS + KEY_ERRORS,
                         ids=[case for case, *_ in CALCULATE_ERRORS + KEY_ERRORS])
def test_each_calculate_error(seeded, client, language, case, change, field):
    body = {"public_id": a_published(factor__region__code="CN-AH", factor__unit__code="kWh").factor.public_id,
            "amount": "1", "unit": "kWh", **change}
    if "key" in change:
        del body["public_id"]
    assert_error_in(language, client.post("/api/v1/calculate/", body, format="json"), 400, {field})


def test_a_unit_whose_expression_contradicts_its_dimension(seeded, client, language):
    UnitFactory(code="kWh-wrong", symbol="kWh-wrong", pint_expression="t", dimension="energy")
    body = {"public_id": a_published(factor__unit__code="kWh").factor.public_id, "amount": "1",
            "unit": "kWh-wrong"}
    assert_error_in(language, client.post("/api/v1/calculate/", body, format="json"), 400, {"unit"})


def test_no_version_in_a_release(seeded, client, language):
    release = Release.objects.first().name
    body = {"public_id": NO_SUCH_FACTOR, "amount": "1", "unit": "kWh", "release": release}
    assert_error_in(language, client.post("/api/v1/calculate/", body, format="json"), 400, {"public_id"})


def test_a_gas_the_gwp_set_has_no_value_for(seeded, client, language):
    version = FactorVersion.objects.filter(status="published", gas_amounts__gas__code="CH4_FOSSIL").first()
    body = {"public_id": version.factor.public_id, "amount": "1", "unit": version.factor.unit.code,
            "gwp_set": "AR5"}
    GwpValue.objects.filter(gwp_set__code="AR5", gas__code="CH4_FOSSIL").delete()
    assert_error_in(language, client.post("/api/v1/calculate/", body, format="json"), 400, {"gwp_set"})


@pytest.mark.parametrize("gwp_set", ["stated", "another"])
def test_the_note_on_a_stated_total(seeded, client, language, gwp_set):
    version = FactorVersion.objects.filter(status="published", gas_amounts__isnull=True).select_related(
        "factor__unit", "gwp_set").first()
    other = "AR5" if version.gwp_set.code != "AR5" else "AR6"
    body = {"public_id": version.factor.public_id, "amount": "1", "unit": version.factor.unit.code,
            "gwp_set": version.gwp_set.code if gwp_set == "stated" else other}
    response = client.post("/api/v1/calculate/", body, format="json")
    assert response.status_code == 200, response.content
    assert_texts_in(language, response.json()["notes"])


# --- resolve/ -----------------------------------------------------------------------------------

def resolve(client, *keys: dict, **body) -> list[dict]:
    response = client.post("/api/v1/resolve/", {"keys": list(keys), **body}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["results"]


RESOLVE_ANSWERS = [  # (case, key, policy): every kind of reason
    ("exact match", ANHUI_2022, None),
    ("an earlier year", {**ANHUI_2022, "year": 2023}, None),
    ("up the region chain, year first", {**ANHUI_2022, "year": 2023}, {"order": "year_first"}),
    ("another unit of the dimension", {**ANHUI_2022, "unit": "MWh"}, None),
    ("not found, no fallback", {**ANHUI_2022, "year": 2023}, {"allow": []}),
    ("not found, only the region", {**ANHUI_2022, "year": 2023}, {"allow": ["region"]}),
    ("not found, a few years back", {**ANHUI_2022, "year": MIN_YEAR}, {"max_years_back": 1}),
    ("not found, any year back", {**ANHUI_2022, "year": MIN_YEAR, "boundary": "grid_consumption",
                                  "method": "average"}, None),
    ("a boundary the category lacks", {**ANHUI_2022, "boundary": "life_cycle"}, None),
    ("a category without factors", {**ANHUI_2022, "category": "energy", "boundary": "life_cycle"}, None),
]


@pytest.mark.parametrize(("case", "key", "policy"), RESOLVE_ANSWERS,
                         ids=[case for case, *_ in RESOLVE_ANSWERS])
def test_each_kind_of_resolve_reason(seeded, client, language, case, key, policy):
    (answer,) = resolve(client, key, **({"fallback_policy": policy} if policy else {}))
    assert_texts_in(language, [answer["reason"]])


def test_an_invalid_key_s_errors_and_reason(seeded, client, language):
    key = {"category": "no.such", "region": "XX", "year": 2022, "unit": "furlong", "boundary": "nope",
           "method": "nope"}
    (answer,) = resolve(client, key)
    assert answer["status"] == "invalid"
    assert set(answer["errors"]) == {"category", "region", "unit", "boundary", "method"}
    assert_texts_in(language, [answer["reason"], *answer["errors"].values()])


def test_a_withdrawn_factor_that_would_have_answered(seeded, client, language, approver):
    version = a_published(factor__category__code=GRID_CO2, factor__region__code="CN-AH", factor__year=2022)
    factor_version_withdraw(version=version, actor=approver, reason="wrong province total")
    (answer,) = resolve(client, ANHUI_2022)
    assert answer["withdrawn"]["factor_public_id"] == version.factor.public_id
    assert_texts_in(language, [answer["reason"]])


def test_too_many_keys(client, language):
    keys = [ANHUI_2022] * (MAX_KEYS + 1)
    response = client.post("/api/v1/resolve/", {"keys": keys}, format="json")
    assert_error_in(language, response, 400, {"keys"})


def test_answers_kept_in_the_cache_keep_their_language(seeded, shared_cache):
    body = {"keys": [{**ANHUI_2022, "year": 2023}]}
    reasons = {"en": [], "zh-hans": []}
    for language in ("en", "zh-hans", "en", "zh-hans"):
        response = APIClient(HTTP_ACCEPT_LANGUAGE=language).post("/api/v1/resolve/", body, format="json")
        reasons[language].append(response.json()["results"][0]["reason"])
    assert reasons["en"][0] == reasons["en"][1]
    assert reasons["zh-hans"][0] == reasons["zh-hans"][1]
    assert_texts_in("en", reasons["en"])
    assert_texts_in("zh-hans", reasons["zh-hans"])


# --- API keys -----------------------------------------------------------------------------------

@pytest.fixture
def issued(db):
    issuer = StaffUserFactory(username="issuer", is_superuser=True)
    return api_key_issue(name="Calculator", organisation="Calc Co.", contact_email="it@calc.example",
                         tier="standard", actor=issuer, reason="测试"), issuer


@pytest.mark.parametrize("key", ["not-a-key", "cfk_00000000_unknown"], ids=["malformed", "unknown"])
def test_a_refused_key(client, language, key):
    response = client.get("/api/v1/gases/", HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert_error_in(language, response, 401)


def test_a_revoked_key(client, language, issued):
    (key, plain), issuer = issued
    api_key_revoke(key=key, actor=issuer, reason="contract ended")
    assert_error_in(language, client.get("/api/v1/gases/", HTTP_AUTHORIZATION=f"Api-Key {plain}"), 401)


def test_an_address_guessing_keys(client, language, settings):
    for attempt in range(settings.API_KEY_FAILURE_LIMIT + 1):
        response = client.get("/api/v1/gases/", HTTP_AUTHORIZATION=f"Api-Key cfk_0000000{attempt}_x")
    assert_error_in(language, response, 429)


# --- Refusals before the view -------------------------------------------------------------------

def test_a_nul_in_the_address(client, language):
    error = assert_error_in(language, client.get("/api/v1/factors/", {"q": "a\x00b"}), 400, {"q"})
    assert "\\u0000" in error["details"]["q"][0]


TOO_DEEP = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)


@pytest.mark.parametrize("body", ['{"keys": ["a\\u0000b"]}', TOO_DEEP],
                         ids=["a NUL in the body", "nested too deep"])
def test_a_body_the_parser_refuses(client, language, body):
    response = client.post("/api/v1/resolve/", body, content_type="application/json")
    assert_error_in(language, response, 400, {"body"})


def test_a_preflight_from_an_origin_not_allowed(client, language, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://calculator.example.com"]
    response = client.options("/api/v1/resolve/", HTTP_ORIGIN="https://stranger.example.net",
                              HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert_error_in(language, response, 403, {"origin"})


# --- Releases -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["", "download.json", "datapackage.json"])
def test_an_unknown_release(client, language, path):
    response = client.get(f"/api/v1/releases/1999.9/{path}")
    assert_error_in(language, response, 404)
