"""A client generated from the OpenAPI schema (openapi-python-client) works against the
running API: the schema says what the API really answers, in names a client can use."""

import importlib
import importlib.util
import logging
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.factories import CategoryFactory, GwpSetFactory, PublishedVersionFactory

PACKAGE = "factordb_client"
GRID_2022 = {"category": "energy.electricity.grid_average", "region": "CN", "year": 2022, "unit": "kWh"}


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """The client package, generated once per session from the schema the API serves."""
    if importlib.util.find_spec("openapi_python_client") is None:
        pytest.skip("openapi-python-client is not installed: pip install -e '.[dev]'")
    workdir = tmp_path_factory.mktemp("client")
    call_command("spectacular", "--format", "openapi-json", "--file", str(workdir / "schema.json"))
    (workdir / "config.yaml").write_text(
        f"package_name_override: {PACKAGE}\nproject_name_override: factordb-client\npost_hooks: []\n")
    result = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", "schema.json",
         "--config", "config.yaml", "--meta", "none", "--output-path", PACKAGE],
        cwd=workdir, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    # Anything the generator could not understand it reports as a warning and leaves out.
    assert "warning" not in (result.stdout + result.stderr).lower(), result.stdout + result.stderr
    sys.path.insert(0, str(workdir))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(workdir))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


@pytest.fixture
def client_of(live_server, generated):
    # Closed after the test: a kept-alive connection would outlive the test database's sharing.
    with generated.Client(base_url=live_server.url, raise_on_unexpected_status=True) as client:
        yield client


@pytest.fixture
def grid_2022(transactional_db):
    return PublishedVersionFactory(co2e_total=Decimal("0.5366"), gwp_set=GwpSetFactory(code="AR5"),
                                   factor__category=CategoryFactory(code=GRID_2022["category"]),
                                   factor__year=2022)


def calls(module: str):
    return importlib.import_module(f"{PACKAGE}.api.{module}.{module}")


def models():
    return importlib.import_module(f"{PACKAGE}.models")


def test_the_generated_client_resolves_a_key_and_calculates_with_its_factor(grid_2022, client_of):
    m = models()
    answer = calls("resolve").sync(client=client_of, body=m.ResolveRequest(keys=[m.ResolveKey(**GRID_2022)]))
    assert isinstance(answer, m.ResolveResponse)
    (found,) = answer.results
    assert (found.region_used, found.year_used) == ("CN", 2022)
    assert Decimal(found.co2e_total) == Decimal("0.5366")

    calculation = calls("calculate").sync(client=client_of, body=m.CalculateRequest(
        public_id=found.factor_public_id, amount="1000", unit="kWh", gwp_set="AR5"))
    assert isinstance(calculation, m.Calculation)
    assert Decimal(calculation.kg_co2e) == Decimal("536.6")
    assert calculation.factor_public_id == found.factor_public_id == grid_2022.factor.public_id


@pytest.mark.django_db(transaction=True)
@pytest.mark.django_db(transaction=True)  # the live server's thread shares the test database
def test_a_wrong_type_sent_by_the_generated_client_is_a_400_naming_the_field(client_of, caplog):
    m = models()
    wrong = m.ResolveKey(**{**GRID_2022, "year": "next year"})  # the client's types are not enforced

    with caplog.at_level(logging.WARNING):
        response = calls("resolve").sync_detailed(client=client_of, body=m.ResolveRequest(keys=[wrong]))

    assert response.status_code == 400
    assert isinstance(response.parsed, m.Error)
    assert response.parsed.error.code == "invalid"
    assert "keys[0].year" in response.parsed.error.details.additional_properties
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
