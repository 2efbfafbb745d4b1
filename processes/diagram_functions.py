"""The functions hotline diagrams may call by name, and the procedure's policy limits they read.

The only names a diagram's expressions see besides the sandbox builtins (``engine.sandbox``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .calendar import WorkingCalendar
from .departments import Directory
from .scope import in_acceptance_scope

MAX_RETURNS = 3  # a case returned this often goes to the supervision centre instead of looping
MAX_REWORKS = 2  # results sent back for rework at most this often
MAX_EXTENSION_DAYS = 15  # working days all extensions of a case's deadlines may add up to


def extension_days_left(extensions: list[dict[str, Any]]) -> int:
    """Working days still grantable to a case, after the extensions already granted (``MAX_EXTENSION_DAYS`` in all)."""
    return max(0, MAX_EXTENSION_DAYS - sum(int(e.get("granted_days", 0)) for e in extensions))


def returned_departments(reports: list[dict[str, Any]]) -> list[str]:
    """The departments that returned the case as wrongly assigned."""
    return [r["department"] for r in reports if r.get("outcome") == "return"]


def diagram_functions(calendar: WorkingCalendar, directory: Directory) -> dict[str, Any]:
    """The functions hotline diagrams may call by name (the only ones besides the sandbox builtins)."""

    def add_working_days(start: str | datetime, days: int) -> str:
        moment = datetime.fromisoformat(start) if isinstance(start, str) else start
        return calendar.add_working_days(moment, int(days)).isoformat()

    return {"add_working_days": add_working_days, "in_acceptance_scope": in_acceptance_scope,
            "deadline_days_for": directory.deadline_days_for, "returned_departments": returned_departments,
            "max_returns": lambda: MAX_RETURNS, "max_reworks": lambda: MAX_REWORKS,
            "extension_days_left": extension_days_left}
