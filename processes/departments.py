"""The department directory (member units, their codes and general-problem deadlines), from a data file.

Administrators edit ``data/departments.json`` (or the file named by ``HOTLINE_DEPARTMENTS``); the
service reads it at start. Deadlines follow the working rules: general problems 5-10 working days,
10 unless the directory says less; complex problems 15.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_FILE = Path(__file__).parent / "data" / "departments.json"
GENERAL_DAYS, COMPLEX_DAYS, SHORTEST_DAYS = 10, 15, 5


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    name_en: str
    deadline_days: int


class Directory:
    """Departments by code, in the order the file lists them."""

    def __init__(self, departments: list[Department]):
        self.by_code = {d.code: d for d in departments}
        if len(self.by_code) != len(departments):
            raise ValueError("department codes must be unique")

    @classmethod
    def load(cls, path: str | Path | None = None) -> Directory:
        """Read the directory file, refusing deadlines outside the rules' 5-10 working days."""
        path = Path(path or os.environ.get("HOTLINE_DEPARTMENTS") or DEFAULT_FILE)
        entries = json.loads(path.read_text(encoding="utf-8"))["departments"]
        departments = [Department(e["code"], e["name"], e.get("name_en", e["name"]), int(e["deadline_days"]))
                       for e in entries]
        for department in departments:
            if not SHORTEST_DAYS <= department.deadline_days <= GENERAL_DAYS:
                raise ValueError(f"{department.code}: deadline_days must be 5-10 (the working rules)")
        return cls(departments)

    @property
    def codes(self) -> list[str]:
        return list(self.by_code)

    def deadline_days_for(self, complexity: str, departments: list[str]) -> int:
        """Working days allowed: 15 for complex problems, else the shortest limit of the departments involved."""
        if complexity == "complex":
            return COMPLEX_DAYS
        limits = [self.by_code[code].deadline_days for code in departments if code in self.by_code]
        return min(limits, default=GENERAL_DAYS)
