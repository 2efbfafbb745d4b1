"""The audit log is append-only in the database itself, and its hash chain exposes edits."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from engine.audit import verify_chain
from tests.conftest import diagram_files
from tests.test_commands import events, open_task


@pytest.fixture
def case(engine):
    engine.deploy(diagram_files("basic.bpmn", "request.json", "review.json"))
    case = engine.start("basic", {}, "alice")
    engine.complete_task(open_task(engine, case)["id"], {"amount": 500}, "alice")
    return case


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET actor = 'mallory'", "DELETE FROM audit_events"])
def test_the_database_refuses_to_change_audit_rows(engine, case, statement):
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.db.begin() as conn:
            conn.execute(text(statement))
    assert [e.actor for e in events(engine, case)] == ["alice", "alice"]


def test_the_chain_verifies_and_names_the_first_edited_event(engine, case):
    log = events(engine, case)
    assert verify_chain(log) is None
    log[1].data = {"amount": 5}
    assert verify_chain(log) == 2
