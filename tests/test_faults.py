"""Faults: a lost database answers 503 with Retry-After and the service recovers when it is back."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from tests.api_helpers import Api
from tests.conftest import POSTGRES_URL
from tests.faults import Proxy
from tests.hotline_helpers import intake

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs PostgreSQL (HOTLINE_TEST_DATABASE_URL)")


@pytest.fixture
def cut_off(postgres_db, db):
    """An API whose PostgreSQL connection runs through a proxy the test can cut."""
    if db.dialect.name != "postgresql":
        pytest.skip("the proxy sits in front of PostgreSQL")
    url = make_url(POSTGRES_URL)
    proxy = Proxy(url.port or 5432)
    api = Api(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    yield api, proxy
    proxy.close()


def test_a_lost_database_gives_503_with_retry_after_and_the_service_recovers(cut_off):
    api, proxy = cut_off
    number = api.register()["number"]
    proxy.cut()
    response = api.get("supervisor", "/cases")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert api.get(None, "/health").get_json()["database"] == "unavailable"
    assert api.post("operator", "/cases", json=intake()).status_code == 503  # a valid call: it needs the database
    proxy.restore()
    statuses = [api.get("supervisor", f"/cases/{number}").status_code for _ in range(3)]
    assert statuses[-1] == 200 and 500 not in statuses
    assert api.get(None, "/health").get_json()["database"] == "ok"
