"""Auditors: replay gives the states observed live, and any edit to the history or the state is caught."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from api.cli import main
from engine.audit import event_hash
from engine.bundle import read_paths
from processes import history
from processes.service import DIAGRAMS
from processes.users import User
from tests.hotline_helpers import Desk, shanghai

AUDITOR = User("audit", "auditor")


def observe(desk: Desk, number: str) -> dict:
    """What a person sees of the case now, in the shape replay answers with."""
    case = desk.hotline.case(number)
    snapshot = desk.hotline.engine.snapshot(case.instance_id)
    tasks = sorted((t.name, t.candidate_group, t.assignee) for t in desk.tasks(number))
    return {"status": case.status, "tasks": tasks, "data": snapshot["data"], "version": snapshot["version"]}


def replayed(desk: Desk, number: str, moment) -> dict:
    stood = history.as_it_stood(desk.hotline, AUDITOR, number, moment)
    tasks = sorted((t["name"], t["department"], t["assignee"]) for t in stood["open_tasks"])
    return {"status": stood["status"], "tasks": tasks, "data": stood["data"], "version": stood["version"]}


def live_story(desk: Desk) -> tuple[str, list]:
    """A case through a return, a claim, a reminder, an overdue escalation and a migration, observed live."""
    seen, number = [], desk.call()

    def step(action=None, minutes=5):
        if action:
            action()
        seen.append((desk.clock.now(), observe(desk, number)))
        desk.advance(minutes=minutes)

    step()
    step(lambda: desk.triage(number, "assignment", ["housing"]))
    step(lambda: desk.do(number, "handle", {"outcome": "return", "summary": "不属本局", "return_reason": "供水问题",
                                            "return_kind": "wrong_department"}, "housing"))
    step(lambda: migrate_to_a_retitled_version(desk, number))
    step(lambda: desk.redispatch(number, True, "assignment", ["water"]))
    step(lambda: desk.hotline.engine.claim(desk.tasks(number)[0].id, "shui"))
    step(lambda: desk.advance_to(shanghai(2026, 12, 5, 0)))          # the reminder
    step(lambda: desk.advance_to(shanghai(2026, 12, 8, 0)))          # overdue: escalated
    step(lambda: desk.do(number, "supervise_overdue", {"note": "已督办"}))
    step(lambda: desk.do(number, "handle", {"outcome": "handled", "summary": "已恢复供水"}, "water", actor="shui"))
    step(lambda: desk.do(number, "review_result", {"adequate": True}))
    step(lambda: desk.do(number, "callback", {"reached": True, "satisfaction": "satisfied"}))
    return number, seen


def migrate_to_a_retitled_version(desk: Desk, number: str) -> None:
    files = read_paths(list(DIAGRAMS))
    files["hotline_case.bpmn"] = files["hotline_case.bpmn"].replace("审核办理结果 Review the result".encode(),
                                                                    "审核办理结果（新） Review the result".encode())
    assert desk.hotline.engine.deploy(files).version == 2
    desk.hotline.engine.migrate(desk.hotline.case(number).instance_id, 2, "admin")


def test_replay_at_any_moment_gives_the_state_observed_live(desk):
    number, seen = live_story(desk)
    statuses = [observed["status"] for _, observed in seen]
    assert statuses[:3] == ["triage", "in_progress", "triage"] and statuses[-1] == "closed"
    assert seen[3][1]["version"] == 2
    assert seen[7][1]["tasks"] == [("handle", "water", "shui"), ("supervise_overdue", None, None)]
    for moment, observed in seen:
        assert replayed(desk, number, moment) == observed, moment
    assert history.verify(desk.hotline, AUDITOR, number).as_dict() == {
        "chain_ok": True, "replay_matches": True, "events": 12, "first_bad_event": None, "reason": None}


def test_before_the_first_event_there_is_nothing(desk):
    number = desk.call()
    assert history.as_it_stood(desk.hotline, AUDITOR, number, shanghai(2026, 1, 1))["status"] is None


def test_the_timeline_reads_like_the_story(desk):
    number, _ = live_story(desk)
    events = history.timeline(desk.hotline, AUDITOR, number)
    assert [e["type"] for e in events][:6] == ["case_started", "task_completed", "task_completed", "case_migrated",
                                               "task_completed", "task_claimed"]
    assert events[1]["task_title"] == "分流派单 Triage and dispatch"
    assert events[6]["type"] == "timer_fired" and events[6]["actor"] == "system:timer"
    assert events[6]["data"]["timers"] == [{"timer": "remind", "due": "2026-12-04T15:59:59+00:00"}]
    assert [e["data"] for e in events if e["type"] == "case_migrated"] == [{"from_version": 1, "to_version": 2}]
    assert all(e["prev_hash"] == p["hash"] for p, e in zip(events, events[1:], strict=False))


def _tamper(desk: Desk, statement: str, **params) -> None:
    """What someone with direct database access could do: lift the append-only guard and edit rows."""
    db = desk.hotline.engine.db
    with db.begin() as conn:
        if db.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_UPDATE"))
        conn.execute(text(statement), params)
        if db.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))


@pytest.mark.parametrize("seq", [1, 2, 4])
def test_an_edited_event_is_named_by_verify(desk, seq):
    number, _ = live_story(desk)
    instance = desk.hotline.case(number).instance_id
    _tamper(desk, "UPDATE audit_events SET actor = 'mallory' WHERE instance_id = :i AND seq = :s", i=instance, s=seq)
    verdict = history.verify(desk.hotline, AUDITOR, number)
    assert (verdict.chain_ok, verdict.replay_matches, verdict.first_bad_event) == (False, False, seq)


def _rechain(desk: Desk, number: str, seq: int, **changes) -> None:
    """Edit event ``seq`` and hash the chain again from there, as someone with the hashing code could: the chain
    alone no longer shows the edit."""
    instance = desk.hotline.case(number).instance_id
    events = history.timeline(desk.hotline, AUDITOR, number)
    prev = events[seq - 2]["hash"]
    for event in events[seq - 1:]:
        event = {**event, **changes} if event["seq"] == seq else event
        new_hash = event_hash(prev, event["seq"], event["at"], event["actor"], event["type"], event["task_id"],
                              event["task"], event["version"], event["data"], event["state_hash"])
        _tamper(desk, "UPDATE audit_events SET data = :d, version_id = :v, prev_hash = :p, hash = :h "
                "WHERE instance_id = :i AND seq = :s", d=json.dumps(event["data"]), v=event["version"], p=prev,
                h=new_hash, i=instance, s=event["seq"])
        prev = new_hash
    with desk.hotline.engine.db.begin() as conn:
        conn.execute(text("UPDATE instances SET audit_hash = :h WHERE id = :i"), {"h": prev, "i": instance})


def test_a_rewritten_chain_is_still_caught_by_replay(desk):
    number, _ = live_story(desk)
    _rechain(desk, number, 3, data={"outcome": "handled", "summary": "forged", "return_reason": "x"})
    verdict = history.verify(desk.hotline, AUDITOR, number)
    assert (verdict.chain_ok, verdict.replay_matches, verdict.first_bad_event) == (True, False, 3)


def test_an_event_rechained_onto_another_diagram_version_is_caught(desk):
    number, _ = live_story(desk)  # triaged (event 2) on version 1; version 2 is deployed later in the story
    _rechain(desk, number, 2, version=2)
    verdict = history.verify(desk.hotline, AUDITOR, number)
    assert (verdict.chain_ok, verdict.replay_matches, verdict.first_bad_event) == (True, False, 2)
    assert "names diagram version id 2, but the case was on 1" in verdict.reason


def test_an_edited_stored_state_is_caught(desk):
    number, _ = live_story(desk)
    instance = desk.hotline.case(number).instance_id
    with desk.hotline.engine.db.begin() as conn:
        conn.execute(text("UPDATE instances SET state = replace(state, 'satisfied', 'dissatisfied') WHERE id = :i"),
                     {"i": instance})
    verdict = history.verify(desk.hotline, AUDITOR, number)
    assert (verdict.chain_ok, verdict.replay_matches, verdict.first_bad_event) == (True, False, 12)
    assert "stored case differs" in verdict.reason


def test_a_case_started_after_another_received_a_supplement_replays_too(desk):
    first = desk.call()
    desk.hotline.supplement(first, "补充", "operator:li")
    second = desk.call()
    assert desk.open(second) == [("triage", None)]
    for number in (first, second):
        assert history.verify(desk.hotline, AUDITOR, number).replay_matches


def test_audit_verify_on_the_command_line(db, clock):
    url = db.url.render_as_string(hide_password=False)
    runner = CliRunner()
    assert runner.invoke(main, ["demo", "--into", url]).exit_code == 0
    result = runner.invoke(main, ["--database-url", url, "audit", "verify", "--all"])
    assert result.exit_code == 0, result.output
    assert "verified 8 case(s): 8 ok, 0 failed" in result.output
    assert "8/8 cases verified" in result.output
    with db.begin() as conn:
        conn.execute(text("UPDATE instances SET state = replace(state, :old, :new)"),
                     {"old": '"reopened":0', "new": '"reopened":9'})
    result = runner.invoke(main, ["--database-url", url, "audit", "verify", "--all"])
    assert result.exit_code == 1
    assert "FAILED" in result.output
    side_by_side = runner.invoke(main, ["--database-url", url, "audit", "verify", "--all", "--jobs", "2"])
    assert (side_by_side.exit_code, side_by_side.output) == (1, result.output)  # the same verdicts, in case order
    single = runner.invoke(main, ["--database-url", url, "audit", "verify", "12345-20261130-0001"])
    assert single.exit_code == 1 and "12345-20261130-0001" in single.output
    assert runner.invoke(main, ["--database-url", url, "audit", "verify"]).exit_code == 2

