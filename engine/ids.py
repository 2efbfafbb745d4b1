"""Deterministic task ids, so replaying a case's history rebuilds exactly the same state.

SpiffWorkflow gives every new task ``uuid4()``. Inside a command the engine binds a ``TaskIds``
sequence seeded per case and continued from the case's counter; the ids then depend only on the case
and on the order of its commands, and a replay from the audit log produces the same ones.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar


class TaskIds:
    """The id sequence of one case: ``seed`` fixed at start, ``counter`` ids handed out so far."""

    def __init__(self, seed: str | None = None, counter: int = 0):
        self.seed, self.counter = seed, counter

    def resume(self, seed: str, counter: int) -> TaskIds:
        """Continue a case's sequence where its last command left it."""
        self.seed, self.counter = seed, counter
        return self

    def next(self) -> uuid.UUID:
        if self.seed is None:  # no case loaded yet: nothing to reproduce
            return uuid.uuid4()
        self.counter += 1
        digest = hashlib.sha256(f"{self.seed}:{self.counter}".encode()).digest()
        return uuid.UUID(bytes=digest[:16], version=4)


_current: ContextVar[TaskIds | None] = ContextVar("task_ids", default=None)


@contextlib.contextmanager
def bound(ids: TaskIds) -> Iterator[TaskIds]:
    token = _current.set(ids)
    try:
        yield ids
    finally:
        _current.reset(token)


def new_seed() -> str:
    """A fresh case seed (random: two cases never share an id sequence)."""
    return uuid.uuid4().hex


def current() -> TaskIds:
    """The bound sequence (a throw-away random one when none is bound)."""
    return _current.get() or TaskIds()


def task_uuid() -> uuid.UUID:
    """The next id of the bound sequence (what SpiffWorkflow's new tasks get)."""
    return current().next()
