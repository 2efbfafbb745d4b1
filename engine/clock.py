"""The one source of time for the engine, timers, calendars and the audit log.

SpiffWorkflow reads the time itself: its timer module calls ``datetime.now(timezone.utc)`` and every
task stamps ``time.time()`` on each state change. ``spiff_patches.install`` points both at the clock
bound to the current context, so timers see simulated time, and a command run under a ``Frozen``
clock produces the same state whenever it is replayed.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine as Database
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from .models import StoredClock
from .store import WRITE


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
    fired cannot un-fire. ``attach`` keeps it in the database, so every node shares one clock: a move on
    one node is seen by the others at their next ``sync``, and a restarted node takes the shared time.
    """

    def __init__(self, start: datetime, running: bool = False):
        if start.tzinfo is None:
            raise ClockError("the simulated clock needs a timezone-aware start")
        self._base = start.astimezone(UTC)
        self._running = running
        self._anchor = time.monotonic()
        self._lock = threading.Lock()
        self._db: Database | None = None
        self._stored: tuple | None = None  # the database row last adopted (base, set_at, running)

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
        return self._move(lambda _current: moment)

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` (not negative), from the shared time when the clock is shared."""
        if delta < timedelta(0):
            raise ClockError("the simulated clock only moves forward")
        return self._move(lambda current: current + delta)

    def attach(self, db: Database) -> SimulatedClock:
        """Share this clock through ``db``: take the stored time if it is later than ours, else store ours."""
        start, self._db = self.now(), db
        self._move(lambda current: max(current, start))
        return self

    def sync(self) -> None:
        """Take a move that another node stored (one primary-key read; nothing to do when not shared)."""
        if self._db is None:
            return
        with self._db.connect() as conn:
            row = conn.execute(select(*_CLOCK_COLUMNS).where(StoredClock.id == 1)).one_or_none()
        if row is not None:
            self._adopt(tuple(row))

    def _move(self, target: Callable[[datetime], datetime]) -> datetime:
        """Move to ``target(now)``; a shared clock reads and writes its row in one locked transaction."""
        if self._db is None:
            with self._lock:
                current = self._current()
                return self._place(_forward(current, target(current)), time.monotonic())
        try:
            return self._move_stored(target)
        except IntegrityError:  # another node stored the first row meanwhile: move from its time instead
            return self._move_stored(target)

    def _move_stored(self, target: Callable[[datetime], datetime]) -> datetime:
        with self._db.connect() as conn:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                row = conn.execute(select(*_CLOCK_COLUMNS).where(StoredClock.id == 1).with_for_update()).one_or_none()
                if row is not None:
                    self._adopt(tuple(row))
                current = self.now()
                moment = _forward(current, target(current)).astimezone(UTC)
                stored = (moment, wall_clock(), self._running)
                values = dict(zip(("base", "set_at", "running"), stored, strict=True))
                if row is None:
                    conn.execute(insert(StoredClock).values(id=1, **values))
                else:
                    conn.execute(update(StoredClock).where(StoredClock.id == 1).values(**values))
        self._adopt(stored)
        return moment

    def _adopt(self, stored: tuple) -> None:
        """Run from a stored row: its base moment plus the wall time passed since it was set, if running."""
        with self._lock:
            if stored == self._stored:
                return
            base, set_at, running = stored
            self._running, self._stored = running, stored
            self._place(base, time.monotonic() - (wall_clock() - set_at).total_seconds())

    def _place(self, moment: datetime, anchor: float) -> datetime:
        self._base, self._anchor = moment.astimezone(UTC), anchor
        return self._base


def _forward(current: datetime, moment: datetime) -> datetime:
    if moment < current:
        raise ClockError(f"{moment.isoformat()} is in the past of the simulated clock")
    return moment


_CLOCK_COLUMNS = (StoredClock.base, StoredClock.set_at, StoredClock.running)


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


class ClockedDatetime(datetime):
    """``datetime`` whose ``now`` answers from the bound engine clock."""

    @classmethod
    def now(cls, tz=None):  # noqa: D102 - same contract as datetime.now
        moment = current()
        return moment.astimezone(tz) if tz else moment.astimezone().replace(tzinfo=None)


class ClockedTime:
    """Stands in for the ``time`` module inside SpiffWorkflow's task module."""

    @staticmethod
    def time() -> float:
        return current().timestamp()
