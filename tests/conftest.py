"""Shared fixtures: every database test runs on SQLite and, when HOTLINE_TEST_DATABASE_URL is set, PostgreSQL."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from engine.clock import SimulatedClock
from engine.models import Base
from engine.runtime import Engine
from engine.store import connect
from processes.database import upgrade
from processes.models import HotlineBase
from processes.service import Hotline
from tests.api_helpers import Api
from tests.hotline_helpers import Desk, shanghai

DIAGRAMS = Path(__file__).parent / "diagrams"
POSTGRES_URL = os.environ.get("HOTLINE_TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def diagram_files(*names: str) -> dict[str, bytes]:
    """The named test diagrams and forms, as a designer would upload them."""
    return {name: (DIAGRAMS / name).read_bytes() for name in names}


@pytest.fixture(scope="session")
def postgres_db():
    """One migrated PostgreSQL schema per run, emptied before each test that uses it."""
    db = connect(POSTGRES_URL)
    with db.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(db)
    yield db
    db.dispose()


@pytest.fixture(params=DATABASES)
def db(request, tmp_path):
    """A freshly migrated, empty database of each kind."""
    if request.param == "sqlite":
        database = connect(f"sqlite:///{tmp_path / 'test.db'}")
        upgrade(database)
        yield database
        database.dispose()
        return
    database = request.getfixturevalue("postgres_db")
    tables = ", ".join(t.name for m in (Base.metadata, HotlineBase.metadata) for t in m.sorted_tables)
    with database.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield database


@pytest.fixture
def clock():
    return SimulatedClock(datetime(2026, 11, 2, 1, 0, tzinfo=UTC))


@pytest.fixture
def engine(db, clock):
    return Engine(db, clock)


@pytest.fixture
def api(db):
    """The API with one user per role, on a hotline with the real diagrams deployed (``tests.api_helpers``)."""
    return Api(db.url.render_as_string(hide_password=False))


@pytest.fixture
def desk(db, clock):
    """The scripted hotline desk on a Monday morning, 30 November 2026, Beijing time."""
    clock.set(shanghai(2026, 11, 30, 9))
    return Desk(Hotline.open(db.url.render_as_string(hide_password=False), clock))
