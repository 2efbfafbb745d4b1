"""The time budget of one step: a diagram's scripts, conditions and engine steps stop when it is spent.

A command binds a budget around the part that runs diagram code; the sandbox checks it at every node it
evaluates and the engine after every task it completes, so a designer's loop-free but slow diagram ends
in ``BudgetSpent`` (the case becomes an incident, nothing is saved) instead of holding a worker. The
budget is measured in real (monotonic) time, whatever the engine clock says.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar

from .limits import STEP_SECONDS

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("step_deadline", default=None)
"""The moment (``time.monotonic``) the bound budget ends, and its length in seconds."""


class BudgetSpent(RuntimeError):
    """A step ran past its time budget."""


@contextlib.contextmanager
def bound(seconds: float = STEP_SECONDS) -> Iterator[None]:
    """Give the code run inside the block ``seconds`` of real time (a nested budget never extends an outer one)."""
    outer = _deadline.get()
    mine = (time.monotonic() + seconds, seconds)
    token = _deadline.set(mine if outer is None else min(outer, mine))
    try:
        yield
    finally:
        _deadline.reset(token)


def check() -> None:
    """Raise ``BudgetSpent`` once the bound budget is spent (free when no budget is bound)."""
    bound_ = _deadline.get()
    if bound_ is not None and time.monotonic() > bound_[0]:
        raise BudgetSpent(f"the step took longer than its budget of {bound_[1]:g} s")
