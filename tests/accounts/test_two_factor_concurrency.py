"""The same code sent several times at once (a double click, a replayed request racing the
original) verifies once: the device is locked while its code is checked. PostgreSQL only:
SQLite serialises whole-database writes."""

import pytest
from django.db import connection

from accounts import two_factor
from tests.factordb.services.test_publication_lock import run_at_once
from tests.two_factor import code_at, confirmed_device

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks need PostgreSQL; SQLite serialises whole-database writes"),
]

AT_ONCE = 6


def _verified_at_once(user, code: str) -> list:
    accepted = []
    errors = run_at_once(*[lambda: accepted.append(two_factor.second_factor_verify(user=user, token=code))]
                         * AT_ONCE)
    assert errors == []
    return [device for device in accepted if device is not None]


def test_one_totp_code_sent_at_once_from_several_places_verifies_once(reviewer, now):
    device = confirmed_device(reviewer)

    assert len(_verified_at_once(reviewer, code_at(device, now))) == 1


def test_one_recovery_code_sent_at_once_from_several_places_verifies_once(reviewer):
    code = two_factor.recovery_codes_renew(user=reviewer)[0]

    assert len(_verified_at_once(reviewer, code)) == 1
