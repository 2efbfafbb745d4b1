"""Save and restore: every state a case of any diagram in the suite waits in loads back as the same workflow.

Each diagram of the suite (``tests/diagrams``, the hotline's own ``bpmn/`` and the external examples) is walked
through the engine's commands to each of its wait states (user tasks, message, signal and timer events, boundary
events, called processes and subprocesses). Replay rebuilds the workflow every command left in memory; that
workflow is saved with the engine's ``StateSerializer`` and loaded back, and the restored one must save the same
bytes and have the same tasks, ready tasks, data and armed timers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from lxml import etree
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import EventBasedGateway
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import deployment
from engine.case import case_data
from engine.clock import SimulatedClock
from engine.models import Instance
from engine.replay import Replayed, Replayer
from engine.timers import waiting_timers
from processes import demo
from processes.cases import HOTLINE_PROCESS
from processes.desk import Desk
from processes.service import DIAGRAMS, Hotline
from tests.conftest import DIAGRAMS as SUITE
from tests.conftest import diagram_files
from tests.external_helpers import document_request, external, invoice_payment, loan_approval, vacation_request
from tests.test_commands import open_task

Step = Callable[[Any, Any, int], Any]


@dataclass(frozen=True)
class Walk:
    """A diagram's files, the process started and the commands taken (each a step on engine, clock, case)."""

    files: Callable[[Any], dict[str, bytes]]
    process: str
    data: dict
    steps: tuple[Step, ...]


def do(task: str, data: dict | None = None) -> Step:
    return lambda engine, _clock, case: engine.complete_task(open_task(engine, case, task)["id"], data or {}, "staff")


def throw(task: str, kind: str, code: str) -> Step:
    return lambda engine, _clock, case: engine.throw(open_task(engine, case, task)["id"], kind, code, None, "staff")


def message(name: str, payload: dict) -> Step:
    return lambda engine, _clock, case: engine.send_message(case, name, payload, "outside")


def signal(name: str) -> Step:
    return lambda engine, _clock, case: engine.send_signal(case, name, "outside")


def wait(**duration: float) -> Step:
    """Let time pass and the timers due by then fire."""
    def step(engine, clock, _case):
        clock.set(clock.now() + timedelta(**duration))
        engine.fire_due()
    return step


def suite(*names: str) -> Callable[[Any], dict[str, bytes]]:
    return lambda _engine: diagram_files(*names)


def followed_hints(engine) -> dict[str, bytes]:
    """Flowable's vacation request with the validation report's hints followed (as a designer does)."""
    name = "VacationRequest.bpmn20.xml"
    problems = engine.validate({name: external(f"flowable-examples/{name}")})
    return vacation_request({p.element_id: p.hint for p in problems if p.rule == "foreign_expression"})


BASIC = ("request.json", "review.json")
WALKS = {
    "basic": [Walk(suite("basic.bpmn", *BASIC), "basic", {}, (do("fill", {"amount": 500}), do("review")))],
    "basic_archive": [Walk(suite("basic_archive.bpmn", *BASIC), "basic", {},
                           (do("fill", {"amount": 500}), do("review"), do("archive")))],
    "basic_no_fill": [Walk(suite("basic_no_fill.bpmn", *BASIC), "basic", {"amount": 500}, (do("review"),))],
    "parent_child": [Walk(suite("parent.bpmn", "child.bpmn", "review.json"), "parent", {},
                          (do("inside"), do("after")))],
    "decision": [Walk(suite("decision.bpmn", "decision.dmn", "review.json"), "decision", {"kind": "urgent", "count": 1},
                      (do("check"),))],
    "message": [Walk(suite("message.bpmn"), "message", {}, (message("withdraw", {"reason": "solved"}),))],
    "permit": [Walk(suite("permit.bpmn", "application.json"), "permit", {},
                    (do("handle", {"fee": 80}), message("fee_paid", {"amount": 80}), signal("site_inspected"),
                     wait(hours=3)))],
    "quick_timer": [Walk(suite("quick_timer.bpmn", "review.json"), "quick_timer", {},
                         (wait(seconds=2), do("after_the_timer")))],
    "signals": [Walk(suite("signals.bpmn", "review.json"), "signals", {}, (do("prepare"), signal("go_ahead"))),
                Walk(suite("signals.bpmn", "review.json"), "signals", {}, (signal("stop_order"),))],
    "timers": [Walk(suite("timers.bpmn", "review.json"), "timers", {}, (wait(hours=3), wait(days=1), do("escalated"))),
               Walk(suite("timers.bpmn", "review.json"), "timers", {}, (do("handle"),))],
    "loanApproval": [Walk(lambda _engine: loan_approval(), "embeddedFormsQuickstart", {"amount": 1000},
                          (do("UserTask_1", {"approved": True}),))],
    "invoicePayment": [Walk(lambda _engine: invoice_payment(), "embeddedFormsBpmnEvents", {},
                            (throw("Task_16y91ka", kind, code), do(path, {"note": "done"})))
                       for kind, code, path in [("error", "invoice-error", "Task_1a2twqz"),
                                                ("escalation", "invoice-escalate", "Task_0q869n2")]]
                      + [Walk(lambda _engine: invoice_payment(), "embeddedFormsBpmnEvents", {},
                              (do("Task_16y91ka", {"note": "paid"}),))],
    "C.9.1": [Walk(lambda _engine: document_request(), "requestDocument_en", {},
                   (*[wait(days=1, seconds=1)] * 7, do("UserTask_CallCustomer", {"note": "called"}))),
              Walk(lambda _engine: document_request(), "requestDocument_en", {},
                   (wait(days=2, hours=1), message("MESSAGE_documentReceived", {"document": "scan.pdf"})))],
    "VacationRequest": [Walk(followed_hints, "vacationRequest", {"employeeName": "Li", "numberOfDays": 3},
                             (do("handleRequest", {"vacationApproved": "Reject"}),
                              do("adjustVacationRequestTask", {"resendRequest": "Yes"}),
                              do("handleRequest", {"vacationApproved": "Approve"}), do("sendApprovalMail")))],
}


def picture(workflow) -> dict[str, Any]:
    """What a restored workflow must keep: every task with its state and data, what is ready, the data, the timers."""
    tasks = workflow.get_tasks()
    return {"tasks": {str(t.id): (t.task_spec.name, TaskState.get_name(t.state), t.data, comparable(t.internal_data))
                      for t in tasks},
            "ready": sorted(str(t.id) for t in tasks if t.state == TaskState.READY),
            "waiting": sorted(str(t.id) for t in tasks if t.state == TaskState.WAITING),
            "data": workflow.data, "case": case_data(workflow), "completed": workflow.completed,
            "timers": waiting_timers(workflow),
            "events": [(e.name, e.event_type, e.value) for e in workflow.waiting_events()]}


def comparable(internal_data: dict[str, Any]) -> dict[str, Any]:
    """Internal data with the events an event-based gateway saw told by what they were (SpiffWorkflow's event
    objects compare by identity, so a restored one never equals the original)."""
    seen = internal_data.get("seen_events")
    if not seen:
        return internal_data
    told = [(type(e.event_definition).__name__, e.event_definition.name, e.payload, e.correlations) for e in seen]
    return {**internal_data, "seen_events": told}


def wait_states(workflow) -> set[str]:
    """The elements the case waits in now: open user tasks and armed catching events."""
    return {t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)
            if t.task_spec.bpmn_id and (t.task_spec.manual or t.state == TaskState.WAITING)}


def every_wait_state(version) -> set[str]:
    """Every element of the diagram a case can wait in. Start events are not: the start of an event subprocess
    is no task of the case until its message arrives (the hotline's supplements and repeat calls); nor are the
    events after an event-based gateway: the gateway waits for them (the hotline's deadline clock)."""
    specs = [s for process in (version.spec, *version.subprocess_specs.values()) for s in process.task_specs.values()]
    return {s.bpmn_id for s in specs
            if s.bpmn_id and (s.manual or isinstance(s, CatchingEvent)) and not isinstance(s, StartEvent)
            and not any(isinstance(before, EventBasedGateway) for before in s.inputs)}


def round_trips(engine, visited: set[str]) -> Callable[[Replayed], None]:
    def check(replayed: Replayed) -> None:
        version, state = replayed.version, replayed.state
        restored = engine.serializer.load_state(state, version.spec, version.subprocess_specs)
        resaved = engine.serializer.dump_state(restored)
        if not replayed.last_event.warm:  # a continued workflow's data keys are in the order they were set
            assert resaved == state, replayed.last_event.type
        assert engine.serializer.dump_state(engine.serializer.load_state(resaved, version.spec,
                                                                         version.subprocess_specs)) == resaved
        assert picture(restored) == picture(replayed.workflow), replayed.last_event.type
        visited.update(wait_states(restored))
    return check


def check_cases(engine, cases: list[int]) -> set[str]:
    """Round-trip every state each case was saved in; the wait states seen."""
    replayer, visited = Replayer(engine), set()
    for case in cases:
        replayed = replayer.run(replayer.events(case), check=round_trips(engine, visited))
        assert replayer.verify(case).replay_matches
        assert replayed.state
    return visited


@pytest.mark.parametrize("diagram", sorted(WALKS))
def test_every_state_of_every_diagram_restores_as_it_was_saved(engine, clock, diagram):
    cases = []
    for walk in WALKS[diagram]:
        engine.deploy(walk.files(engine))
        cases.append(case := engine.start(walk.process, walk.data, "staff"))
        for step in walk.steps:
            step(engine, clock, case)
        assert engine.snapshot(case)["status"] == "completed", diagram
    visited = check_cases(engine, cases)
    with engine.session() as session:
        version = engine.load(session, cases[0]).version
    assert visited == every_wait_state(version)


def test_every_state_of_the_hotline_procedure_restores_as_it_was_saved(db):
    """The demo fortnight: returns, reminders, overdue escalations, rework, reopening, withdrawals."""
    url = db.url.render_as_string(hide_password=False)
    hotline = Hotline.open(url, SimulatedClock(demo.START))
    demo.Fortnight(Desk(hotline), lambda _line: None).run()
    with hotline.engine.session() as session:
        cases = session.scalars(select(Instance.id).order_by(Instance.id)).all()
        version = hotline.engine.load(session, cases[0]).version
    visited = check_cases(hotline.engine, cases)
    assert visited == every_wait_state(version)


def test_the_walks_cover_every_diagram_of_the_suite(desk):
    """A diagram added to ``tests/diagrams`` without a walk here, or a process added to ``bpmn/`` that the hotline
    procedure does not call (its walk covers only the procedure's own wait states), would go untested."""
    engine = desk.hotline.engine  # the hotline procedure as the desk deployed it
    walked = {name for walks in WALKS.values() for walk in walks for name in walk.files(engine)}
    assert {path.name for path in SUITE.glob("*.bpmn")} <= walked
    [hotline_files] = [folder for folder in DIAGRAMS if folder.name == "bpmn"]
    defined = {process.get("id") for path in hotline_files.glob("*.bpmn")
               for process in etree.parse(path).iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}process")}
    with engine.session() as session:
        version = engine.versions.get(session, deployment.current_version_id(session, HOTLINE_PROCESS))
    assert defined <= {version.spec.name, *version.subprocess_specs}  # called processes are among them
