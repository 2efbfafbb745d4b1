"""A case's history for auditors: the timeline, the case as it stood at any moment, and verification.

Any process's case has one (a designer reads the history of the cases of their own diagrams); a hotline
case's stage comes from the hotline's vocabulary, another process's from the engine's status.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.case import Reading
from engine.models import AuditEvent, Instance
from engine.replay import Replayer, Verdict
from engine.timers import next_due

from .access import role_of_lane
from .cases import status_of
from .masking import data_for
from .models import HotlineCase
from .queries import CaseRow, find_case, numbered_cases
from .service import Hotline
from .users import User

EVENT_TITLES = {
    "case_started": ("来电登记，办件开始", "call registered, case started"),
    "task_completed": ("完成任务", "task completed"),
    "task_claimed": ("认领任务", "task claimed"),
    "task_unclaimed": ("退回任务池", "task released"),
    "message_received": ("收到外部事件", "outside event received"),
    "signal_received": ("收到信号", "signal received"),
    "timer_fired": ("时限计时器触发", "deadline timer fired"),
    "case_cancelled": ("办件撤回", "case withdrawn"),
    "case_migrated": ("迁移到新版流程", "moved to a new process version"),
    "error_thrown": ("办理人触发错误事件（如退回）", "error raised on a task (e.g. a return)"),
    "escalation_thrown": ("办理人触发升级事件（如申请延期）", "escalation raised on a task (e.g. for more time)"),
}
OTHER_PROCESS_TITLES = {  # the hotline's words (calls, deadlines, withdrawals) do not fit other processes' cases
    **EVENT_TITLES,
    "case_started": ("办件开始", "case started"),
    "message_received": ("收到消息", "message received"),
    "timer_fired": ("计时器触发", "timer fired"),
    "case_cancelled": ("办件取消", "case cancelled"),
}


def _case(hotline: Hotline, user: User, number: str) -> CaseRow:
    with hotline.engine.session() as session:
        return find_case(session, user, number)


def _confidential(case: CaseRow) -> bool:
    return isinstance(case, HotlineCase) and case.confidential


def timeline(hotline: Hotline, user: User, number: str) -> list[dict[str, Any]]:
    """Every event of the case in order, as a person reads it (confidential callers masked per role)."""
    case = _case(hotline, user, number)
    replayer = Replayer(hotline.engine)
    titles = _task_titles(hotline, replayer.events(case.instance_id))
    summaries = EVENT_TITLES if isinstance(case, HotlineCase) else OTHER_PROCESS_TITLES
    return [{"seq": e.seq, "at": e.at, "actor": e.actor, "type": e.type, "summary": summaries.get(e.type),
             "task": e.task_name, "task_title": titles.get((e.version_id, e.task_name)), "task_id": e.task_id,
             "version": e.version_id, "data": data_for(user, e.data, _confidential(case)),
             "state_hash": e.state_hash, "prev_hash": e.prev_hash, "hash": e.hash}
            for e in replayer.events(case.instance_id)]


def _task_titles(hotline: Hotline, events: list[AuditEvent]) -> dict[tuple[int, str], str]:
    titles = {}
    with hotline.engine.session() as session:
        for version_id in {e.version_id for e in events}:
            catalogue = hotline.engine.versions.get(session, version_id).user_tasks
            titles.update({(version_id, name): info["title"] for name, info in catalogue.items()})
    return titles


def as_it_stood(hotline: Hotline, user: User, number: str, at: datetime) -> dict[str, Any]:
    """The case rebuilt from its history up to ``at``: status, open tasks, data, due times."""
    case = _case(hotline, user, number)
    replayed = Replayer(hotline.engine).replay(case.instance_id, until=at)
    if replayed.workflow is None:
        return {"number": number, "at": at, "status": None, "events": 0, "open_tasks": [], "data": {},
                "due_at": None, "next_timer_at": None}
    reading = Reading(replayed.workflow)
    data = reading.data
    tasks = [{"id": task_id, "name": task.task_spec.bpmn_id,
              "title": replayed.version.user_tasks.get(task.task_spec.bpmn_id, {}).get("title"),
              "role": role_of_lane(replayed.version.user_tasks.get(task.task_spec.bpmn_id, {}).get("lane")),
              "department": hotline.engine.hooks.task_group(task) if hotline.engine.hooks.task_group else None,
              "assignee": replayed.assignees.get(task_id)}
             for task_id, task in reading.ready_user_tasks.items()]
    hotline_case = isinstance(case, HotlineCase)
    status = status_of(replayed.status, reading) if hotline_case else None
    return {"number": number, "at": at, "status": status or replayed.status, "events": replayed.last_event.seq,
            "version": replayed.version.version, "open_tasks": tasks, "data": data_for(user, data, _confidential(case)),
            "due_at": data.get("due_at") if hotline_case else None,
            "next_timer_at": next_due(replayed.workflow) if replayed.status == "running" else None}


def verify(hotline: Hotline, user: User, number: str) -> Verdict:
    return Replayer(hotline.engine).verify(_case(hotline, user, number).instance_id)


def verify_all(hotline: Hotline, progress: Callable[[int, int], None] | None = None,
               jobs: int = 1) -> Iterator[tuple[str, Verdict]]:
    """Verify every case of every process (oldest first), reporting progress as (done, total).

    Cases are independent, so ``jobs`` processes may verify them side by side (replay is CPU-bound Python: one
    process uses one core); the verdicts come back in case order all the same.
    """
    numbered = numbered_cases()
    with hotline.engine.session() as session:
        cases = session.execute(select(numbered.c.number, numbered.c.instance_id)
                                .join(Instance, Instance.id == numbered.c.instance_id)
                                .order_by(numbered.c.instance_id)).all()
    verdicts = _verdicts(hotline, [instance_id for _number, instance_id in cases], jobs)
    for done, ((number, _instance_id), verdict) in enumerate(zip(cases, verdicts, strict=True), start=1):
        yield number, verdict
        if progress:
            progress(done, len(cases))


def _verdicts(hotline: Hotline, instance_ids: list[int], jobs: int) -> Iterator[Verdict]:
    if jobs <= 1 or len(instance_ids) < 2 or hotline.engine.db.url.database in (None, "", ":memory:"):
        replayer = Replayer(hotline.engine)
        yield from (replayer.verify(instance_id) for instance_id in instance_ids)
        return
    url = hotline.engine.db.url.render_as_string(hide_password=False)
    with ProcessPoolExecutor(jobs, initializer=_open_replayer, initargs=(url, hotline.directory)) as pool:
        yield from pool.map(_verify, instance_ids, chunksize=max(1, len(instance_ids) // (jobs * 8)))


_replayer: Replayer | None = None  # a verifying worker process's own, over its own connections


def _open_replayer(url: str, directory) -> None:
    global _replayer
    _replayer = Replayer(Hotline.open(url, directory=directory).engine)


def _verify(instance_id: int) -> Verdict:
    return _replayer.verify(instance_id)
