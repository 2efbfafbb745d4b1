"""Scenario-test helpers: a plausible call, and the scripted desk with a call shortcut."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from processes import desk
from processes.calendar import SHANGHAI

CALLER = {"name": "张三", "phone": "13800138000", "work_unit": "县第一中学", "address": "城关镇人民路1号"}


def intake(**changes: Any) -> dict[str, Any]:
    """A plausible call; tests change only what they are about."""
    return {"caller": CALLER, "confidential": False, "category": "livelihood", "subject": "人民路供水",
            "content": "人民路一带连续三天停水，无人告知何时恢复。", **changes}


class Desk(desk.Desk):
    def call(self, **changes: Any) -> str:  # noqa: D102 - a call with only the changes a test is about
        return super().call(intake(**changes))


def shanghai(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)
