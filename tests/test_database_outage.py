"""The drill of a database outage, as a restart looks to the application: every connection to
its database dropped and new ones refused for a while, then accepted again. Meanwhile
requests fail at once with a 503 (the API's in its JSON shape, the pages' as a page), under
load from several clients at once; afterwards the same processes answer again, with nothing
restarted. On PostgreSQL (a database can refuse connections; SQLite has none to refuse)."""

import io
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
import pytest
from django.core.wsgi import get_wsgi_application
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from tests.factories import PublishedVersionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="a database refusing connections needs PostgreSQL"),
]

CLIENTS = 4
APPLICATION = get_wsgi_application()


@dataclass
class Answer:
    status_code: int
    headers: dict[str, str]
    content: bytes

    def json(self) -> dict:
        return json.loads(self.content)


def served(path: str, cookie: str = "") -> Answer:
    """A GET through Django's WSGI handler, as gunicorn serves it: unlike the test client's, its
    request cycle checks a kept connection before use and closes it when it is broken."""
    address, _, query = path.partition("?")
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": address, "QUERY_STRING": query,
               "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
               "HTTP_CACHE_CONTROL": "no-cache", "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
               "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "HTTP_COOKIE": cookie}
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=int(status.split()[0]), headers=dict(headers))

    content = b"".join(APPLICATION(environ, start_response))
    return Answer(started["status"], started["headers"], content)


@contextmanager
def database_refusing_connections():
    """What a restart is to the application: connections dropped, new ones refused, until the
    block ends. Other databases of the same server (another test process's) are untouched."""
    settings = connection.settings_dict
    name = settings["NAME"]
    admin = psycopg.connect(host=settings["HOST"] or None, port=settings["PORT"] or None,
                            user=settings["USER"], password=settings["PASSWORD"] or None,
                            dbname="postgres", autocommit=True)
    try:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = %s AND pid <> pg_backend_pid()", [name])
        yield
    finally:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.close()
        connection.close()  # this thread's, dropped too: the test's own writes and teardown reconnect


def paths(published) -> list[str]:
    public_id = published.factor.public_id
    return [f"/api/v1/factors/{public_id}/", "/api/v1/factors/?page_size=5",
            reverse("factor", args=[public_id]), reverse("factor_search")]


def ask_all(addresses: list[str]) -> list[Answer]:
    """Each address asked by CLIENTS clients at once, each client a thread of its own."""
    def ask(path: str) -> Answer:
        try:
            return served(path)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(ask, addresses * CLIENTS))


def test_while_the_database_refuses_connections_requests_get_a_503_and_then_answers_again():
    published = PublishedVersionFactory()
    addresses = paths(published)
    assert [answer.status_code for answer in ask_all(addresses)] == [200] * len(addresses) * CLIENTS

    with database_refusing_connections():
        during = ask_all(addresses)

    after = ask_all(addresses)

    assert {answer.status_code for answer in during} == {503}
    api_answers = [answer for answer in during if answer.headers["Content-Type"] == "application/json"]
    assert len(api_answers) == 2 * CLIENTS
    assert {answer.json()["error"]["code"] for answer in api_answers} == {"unavailable"}
    assert all(answer.headers["Retry-After"] == "30" for answer in during)
    pages = [answer for answer in during if answer.headers["Content-Type"].startswith("text/html")]
    assert len(pages) == 2 * CLIENTS
    assert all("数据库暂时无法访问" in page.content.decode() for page in pages)
    assert [answer.status_code for answer in after] == [200] * len(addresses) * CLIENTS
    assert after[0].json()["public_id"] == published.factor.public_id


def test_a_process_whose_kept_connection_was_dropped_answers_again_without_a_restart():
    published = PublishedVersionFactory()
    detail = paths(published)[0]

    with ThreadPoolExecutor(1) as process:  # one thread: one kept connection, as a sync worker
        first = process.submit(served, detail).result()
        with database_refusing_connections():
            pass  # its connection dropped; the database accepts new ones again at once
        again = process.submit(served, detail).result()
        process.submit(connections.close_all).result()

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["public_id"] == published.factor.public_id


def test_a_signed_in_reviewer_whose_session_cannot_be_read_gets_the_503_page(reviewer):
    client = Client()
    client.force_login(reviewer)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    addresses = [reverse("review:assignments"), reverse("factor_search"), "/api/v1/factors/?page_size=5"]

    with ThreadPoolExecutor(1) as process:
        with database_refusing_connections():
            # The session is read by a middleware, before any view: the failure is still a 503.
            during = [process.submit(served, address, cookie).result() for address in addresses]
        process.submit(connections.close_all).result()

    assert [answer.status_code for answer in during] == [503] * len(addresses)
    assert all(answer.headers["Retry-After"] == "30" for answer in during)
    assert "数据库暂时无法访问" in during[0].content.decode()
    assert during[2].json()["error"]["code"] == "unavailable"
