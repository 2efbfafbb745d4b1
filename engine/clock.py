"""The one source of time for the engine, timers, calendars and the audit log.

SpiffWorkflow reads the time itself: its timer module calls ``datetime.now(timezone.utc)`` and every
task stamps ``time.time()`` on each state change. ``install_spiff_clock`` points both at the clock
bound to the current context, so timers see simulated time, and a command run under a ``Frozen``
clock produces the same state whenever it is replayed.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current time (always timezone-aware)."""

    def now(self) -> datetime: ...


class SystemClock:
    """Real wall-clock time in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ClockError(ValueError):
    """A simulated clock was asked to move backwards."""


class SimulatedClock:
    """A clock that only moves when told to (or, if ``running``, also at normal speed between moves).

    Forward-only: moving it to an earlier moment raises ``ClockError``, because timers that already
    fired cannot un-fire.
    """

    def __init__(self, start: datetime, running: bool = False):
        if start.tzinfo is None:
            raise ClockError("the simulated clock needs a timezone-aware start")
        self._base = start.astimezone(UTC)
        self._running = running
        self._anchor = time.monotonic()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._current()

    def _current(self) -> datetime:
        if not self._running:
            return self._base
        return self._base + timedelta(seconds=time.monotonic() - self._anchor)

    def set(self, moment: datetime) -> datetime:
        """Move to ``moment`` (aware, not earlier than now)."""
        if moment.tzinfo is None:
            raise ClockError("a timezone-aware moment is required")
        with self._lock:
            if moment < self._current():
                raise ClockError(f"{moment.isoformat()} is in the past of the simulated clock")
            self._base, self._anchor = moment.astimezone(UTC), time.monotonic()
            return self._base

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` (not negative)."""
        if delta < timedelta(0):
            raise ClockError("the simulated clock only moves forward")
        return self.set(self.now() + delta)


class Frozen:
    """One moment for a whole command: everything the command stamps or computes sees the same time."""

    def __init__(self, moment: datetime):
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


_SYSTEM = SystemClock()
_current: ContextVar[Clock | None] = ContextVar("engine_clock", default=None)


@contextlib.contextmanager
def bound(clock: Clock) -> Iterator[Clock]:
    """Make ``clock`` the one SpiffWorkflow's timers read while the block runs."""
    token = _current.set(clock)
    try:
        yield clock
    finally:
        _current.reset(token)


def wall_clock() -> datetime:
    """Real time, for waking a process up (schedulers sleep in wall time, whatever the engine clock says)."""
    return _SYSTEM.now()


def bound_clock() -> Clock | None:
    """The clock bound to this context, if any."""
    return _current.get()


def current() -> datetime:
    """The bound clock's time (the system clock when none is bound)."""
    return (_current.get() or _SYSTEM).now()


class _ClockedDatetime(datetime):
    """``datetime`` whose ``now`` answers from the bound engine clock."""

    @classmethod
    def now(cls, tz=None):  # noqa: D102 - same contract as datetime.now
        moment = current()
        return moment.astimezone(tz) if tz else moment.astimezone().replace(tzinfo=None)


class _ClockedTime:
    """Stands in for the ``time`` module inside SpiffWorkflow's task module."""

    @staticmethod
    def time() -> float:
        return current().timestamp()


def install_spiff_clock() -> None:
    """Point SpiffWorkflow's timers and task stamps at the engine clock (idempotent)."""
    from SpiffWorkflow import task
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    timer.datetime = _ClockedDatetime
    task.time = _ClockedTime
