"""The time budget of one step: a diagram's scripts, conditions and engine steps stop when it is spent.

A command binds a budget around the part that runs diagram code; the sandbox checks it at every node it
evaluates and the engine after every task it completes, so a designer's loop-free but slow diagram ends
in ``BudgetSpent`` (the case becomes an incident, nothing is saved) instead of holding a worker.

The budget is the thread's own CPU time, whatever the engine clock says: on a machine busy with other work a
step gets its full share of computing before it is stopped, so no case is set aside merely because the
server was loaded. A step that waits rather than computes (a slow domain function) is stopped by real time,
at ``STEP_WALL_FACTOR`` times its budget. Real time is read first, and CPU time only once real time alone has
passed the budget (CPU time never runs ahead of it), so the common check costs one cheap clock read.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import NamedTuple

from .limits import STEP_SECONDS, STEP_WALL_FACTOR


class Budget(NamedTuple):
    seconds: float
    wall_start: float  # ``time.monotonic`` when it was bound
    cpu_end: float  # ``time.thread_time`` at which it is spent


_budget: ContextVar[Budget | None] = ContextVar("step_budget", default=None)


class BudgetSpent(RuntimeError):
    """A step ran past its time budget."""


@contextlib.contextmanager
def bound(seconds: float = STEP_SECONDS) -> Iterator[None]:
    """Give the code run inside the block ``seconds`` of CPU time (a nested budget never extends an outer one)."""
    outer = _budget.get()
    mine = Budget(seconds, time.monotonic(), time.thread_time() + seconds)
    token = _budget.set(mine if outer is None or outer.cpu_end > mine.cpu_end else outer)
    try:
        yield
    finally:
        _budget.reset(token)


def check() -> None:
    """Raise ``BudgetSpent`` once the bound budget is spent (free when no budget is bound)."""
    budget = _budget.get()
    if budget is None:
        return
    waited = time.monotonic() - budget.wall_start
    if waited <= budget.seconds:
        return
    if waited > budget.seconds * STEP_WALL_FACTOR or time.thread_time() > budget.cpu_end:
        raise BudgetSpent(f"the step took longer than its budget of {budget.seconds:g} s")
