"""Workflows kept in memory between commands, so a command on a case the node just worked on skips the load.

Loading a case's saved state is the largest cost of a command after SpiffWorkflow's own steps. The workflow a
command leaves is exactly the state it saved, so the next command may continue it instead, as long as nobody
wrote the case since: an entry holds the row's ``lock_version`` (bumped by every write, on any node) and its
``id_seed`` (unique per case, so a reused id never matches). A command *takes* the workflow out, so two threads
never share one; only a committed command puts one back.

A continued workflow is not byte-for-byte the workflow its saved state would load as (see ``replay``), so each
audit event records whether its command continued one (``warm``) and replay does the same.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import NamedTuple

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from .limits import LIVE_CASES


class Key(NamedTuple):
    instance_id: int
    id_seed: str
    lock_version: int


Live = tuple[BpmnWorkflow, frozenset[str]]
"""A workflow as its command left it, with the ids of its user tasks that were open then."""


class LiveWorkflows:
    """At most ``size`` workflows by case, the least recently used dropped first; safe across threads."""

    def __init__(self, size: int = LIVE_CASES):
        self.size = size
        self._items: OrderedDict[int, tuple[Key, Live]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: Key) -> Live | None:
        """The workflow the case was left in at exactly this row version, removed from the cache; else None."""
        with self._lock:
            entry = self._items.pop(key.instance_id, None)
        return entry[1] if entry is not None and entry[0] == key else None

    def keep(self, key: Key, live: Live) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key.instance_id] = (key, live)
            self._items.move_to_end(key.instance_id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
