"""Keeping the hotline case row in step with the engine: numbering, status and the fields reports need.

``project`` runs inside every engine command's transaction (the engine's ``on_saved`` hook), so the
row can never disagree with the case state it was derived from. Cases of other processes (a designer's
diagram) only get a number: their data has none of the hotline's fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from engine.case import CANCELLED, Reading
from engine.models import AuditEvent, Instance

from .calendar import SHANGHAI, WorkingCalendar
from .models import HotlineCase, ProcessCase
from .reports.models import CaseExtension, CaseReturn

HOTLINE_PROCESS = "hotline_case"
"""The process id of the hotline procedure (``bpmn/hotline_case.bpmn``); every other process is left alone."""
STATUSES = ("registered", "not_accepted", "triage", "in_progress", "awaiting_instructions", "review", "feedback",
            "closed", "withdrawn")
"""Where a hotline case stands (the case vocabulary of the API)."""
# Where a case stands, by the user tasks open on its main path; the later stage wins when several are open.
# (Overdue supervision runs beside the main path and does not move the case's stage.)
STAGES = (
    ("registered", {"record_referral"}),
    ("triage", {"triage", "decide_dispute"}),
    ("in_progress", {"immediate_reply", "handle", "direct_handling"}),
    ("awaiting_instructions", {"draft_special_report", "leader_instructions"}),
    ("review", {"review_result"}),
    ("feedback", {"callback"}),
)
ENDED = {"closed", "not_accepted", "withdrawn"}
_NEXT_NUMBER = text(
    "INSERT INTO hotline_case_counters (day, last) VALUES (:day, 1) "
    "ON CONFLICT (day) DO UPDATE SET last = hotline_case_counters.last + 1 RETURNING last")


def next_number(session: Session, moment: datetime) -> str:
    """``12345-YYYYMMDD-NNNN`` for the Shanghai day of ``moment``; one atomic statement, so concurrent
    registrations never share a number."""
    day = moment.astimezone(SHANGHAI).strftime("%Y%m%d")
    last = session.execute(_NEXT_NUMBER, {"day": day}).scalar_one()
    return f"12345-{day}-{last:04d}"


def status_of(engine_status: str, reading: Reading) -> str:
    """The case vocabulary's status, from the engine state."""
    if engine_status == CANCELLED:
        return "withdrawn"
    if reading.workflow.completed:
        return reading.data.get("outcome", "closed")
    open_names = {task.task_spec.bpmn_id for task in reading.ready_user_tasks.values()}
    stage = "registered"
    for name, tasks in STAGES:
        if open_names & tasks:
            stage = name
    return stage


class Projector:
    """The engine's ``on_saved`` hook for the hotline."""

    def __init__(self, calendar: WorkingCalendar):
        self.calendar = calendar

    def __call__(self, session: Session, instance: Instance, reading: Reading, events: list[AuditEvent]) -> None:
        if not is_hotline(reading.workflow):
            _number_other_case(session, instance, events)
            return
        row = session.scalar(select(HotlineCase).where(HotlineCase.instance_id == instance.id))
        if row is None:
            row = self._register(session, instance, reading.data)
        self._update(row, instance, reading)
        for event in events:
            self._record_outside_event(row, event)
            _record_extension(session, instance, row, event)
            _record_dispute(session, instance, event)
            _record_return(session, instance, reading.workflow, event)

    @staticmethod
    def _register(session: Session, instance: Instance, data: dict[str, Any]) -> HotlineCase:
        row = HotlineCase(
            instance_id=instance.id, number=next_number(session, instance.started_at), category=data["category"],
            departments=list(data.get("departments", [])), urgency=data["urgency"], channel=data["channel"],
            confidential=bool(data["confidential"]), caller=dict(data["caller"]), subject=data["subject"],
            content=data["content"], registered_at=instance.started_at, supplements=[], repeat_calls=[],
            deadline_provisional=False, reminded=False, overdue=False, returns=0)
        session.add(row)
        return row

    def _update(self, row: HotlineCase, instance: Instance, reading: Reading) -> None:
        data = reading.data
        row.status = status_of(instance.status, reading)
        row.treatment = data.get("treatment", row.treatment)
        row.complexity = data.get("complexity", row.complexity)
        row.departments = list(data.get("departments", row.departments))
        row.returns = max(row.returns, int(data.get("returns", 0)))
        row.reminded = row.reminded or _side_data(reading, "reminder_sent")
        row.overdue = row.overdue or _side_data(reading, "overdue")
        row.satisfaction = data.get("satisfaction", row.satisfaction)
        deadline = current_deadline(data)
        if deadline.get("due_at"):
            row.due_at = datetime.fromisoformat(deadline["due_at"])
            dispatched = datetime.fromisoformat(deadline["dispatched_at"])
            row.deadline_provisional = self.calendar.deadline_is_provisional(dispatched, deadline["deadline_days"])
            row.extensions = [_dated(extension) for extension in deadline.get("extensions", [])]
        row.ended_at = instance.ended_at if row.status in ENDED else None

    @staticmethod
    def _record_outside_event(row: HotlineCase, event: AuditEvent) -> None:
        if event.type != "message_received":
            return
        entry = {"at": event.at.isoformat(), "by": event.actor, **event.data["payload"]}
        if event.data["name"] == "supplement":
            row.supplements = [*row.supplements, entry]
        elif event.data["name"] == "repeat_call":
            row.repeat_calls = [*row.repeat_calls, entry]


def case_row(session: Session, number: str | None = None,
             instance_id: int | None = None) -> HotlineCase | ProcessCase | None:
    """The row naming a case, by number or engine instance id: the hotline's row, or another process's number."""
    for model in (HotlineCase, ProcessCase):
        where = model.number == number if number else model.instance_id == instance_id
        row = session.scalar(select(model).where(where))
        if row is not None:
            return row
    return None


def is_hotline(workflow: BpmnWorkflow) -> bool:
    """Whether a case (or one of its tasks' workflows) runs the hotline procedure."""
    return workflow.top_workflow.spec.name == HOTLINE_PROCESS


def _number_other_case(session: Session, instance: Instance, events: list[AuditEvent]) -> None:
    """A case of another process gets its number in the transaction that starts it."""
    if any(event.type == "case_started" for event in events):
        session.add(ProcessCase(instance_id=instance.id, number=next_number(session, instance.started_at)))


def _record_return(session: Session, instance: Instance, workflow: BpmnWorkflow, event: AuditEvent) -> None:
    """A department's "return" answer on its handling task adds a row to ``hotline_returns`` (for reports)."""
    if event.type != "task_completed" or event.task_name != "handle" or event.data.get("outcome") != "return":
        return
    department = workflow.get_task_from_id(UUID(event.task_id)).data["department"]
    session.add(CaseReturn(instance_id=instance.id, department=department, returned_at=event.at,
                           kind=event.data.get("return_kind"),
                           suggested_department=event.data.get("suggested_department")))


def _record_dispute(session: Session, instance: Instance, event: AuditEvent) -> None:
    """The dispatcher's decision on a return (upheld or not) is recorded on the returns it decided (for reports)."""
    if event.type != "task_completed" or event.task_name != "decide_dispute":
        return
    session.execute(update(CaseReturn).where(CaseReturn.instance_id == instance.id, CaseReturn.upheld.is_(None))
                    .values(upheld=bool(event.data["upheld"])))


def current_deadline(data: dict[str, Any]) -> dict[str, Any]:
    """The case's deadline (``dispatched_at``, ``deadline_days``, ``due_at``, ``extensions``): the diagram's
    ``deadline`` data object, which extensions move; cases on versions without it keep theirs in the case data."""
    return (data.get("data_objects") or {}).get("deadline") or data


def _dated(extension: dict[str, Any]) -> dict[str, Any]:
    """An extension with its moments as ISO 8601 text (the diagram's ``now()`` gives a datetime)."""
    return {key: datetime.fromisoformat(str(value)).isoformat() if key.endswith("_at") and value else value
            for key, value in extension.items()}


def _record_extension(session: Session, instance: Instance, row: HotlineCase, event: AuditEvent) -> None:
    """A decision on an extension request adds a row to ``hotline_extensions`` (for reports)."""
    if event.type != "task_completed" or event.task_name != "approve_extension" or not row.extensions:
        return
    decided = row.extensions[-1]
    session.add(CaseExtension(instance_id=instance.id, department=decided["department"],
                              requested_days=decided["requested_days"], granted_days=decided["granted_days"],
                              decided_at=event.at))


def _side_data(reading: Reading, key: str) -> bool:
    """Whether a flag was set on a side branch (reminder, overdue), which the main path's data never carries."""
    return any(task.data.get(key) for task in reading.tasks)
