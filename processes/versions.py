"""Process versions for designers and administrators: what changed between two, and moving cases across.

The engine names cases by their internal id; people know them by case number, so the reports here carry
numbers. The same reports serve the API (as JSON) and the ``hotline diff`` / ``hotline migrate`` commands
(as lines of text).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from engine import bulk_migration

from .models import HotlineCase, ProcessCase
from .service import Hotline


def compare(hotline: Hotline, process_id: str, old: int, new: int) -> dict[str, Any]:
    """Added, removed and changed elements of ``new`` against ``old``; whether each open case of ``old`` can move."""
    comparison = bulk_migration.compare(hotline.engine, process_id, old, new)
    number = _numbers(hotline, [c.instance_id for c in comparison.cases])
    return {"process_id": process_id, "from_version": old, "to_version": new, **comparison.diff.as_dict(),
            "cases": [{"case": number(c.instance_id), "can_move": c.can_move, "reasons": c.reasons}
                      for c in comparison.cases]}


def migrate(hotline: Hotline, process_id: str, old: int, new: int, actor: str, dry_run: bool = False,
            progress: Callable[[int, int], None] | None = None) -> dict:
    """Move every open case of ``old`` that can move to ``new`` (or, in a dry run, say which would), telling
    ``progress(done, total)`` after each case."""
    report = bulk_migration.migrate_all(hotline.engine, process_id, old, new, actor, dry_run, progress)
    number = _numbers(hotline, report.migrated + report.already + [c.instance_id for c in report.refused])
    return {"process_id": process_id, "from_version": old, "to_version": new, "dry_run": dry_run,
            "migrated": [number(i) for i in report.migrated], "already": [number(i) for i in report.already],
            "refused": [{"case": number(c.instance_id), "reasons": c.reasons} for c in report.refused]}


def _numbers(hotline: Hotline, instance_ids: list[int]):
    """Case number by engine instance id, whatever its process (the id itself, marked, for an unnumbered case)."""
    found: dict[int, str] = {}
    with hotline.engine.session() as session:
        for start in range(0, len(instance_ids), 500):
            chunk = instance_ids[start:start + 500]
            for model in (HotlineCase, ProcessCase):
                found.update(session.execute(select(model.instance_id, model.number)
                                             .where(model.instance_id.in_(chunk))).all())
    return lambda instance_id: found.get(instance_id, f"#{instance_id}")


# -- text for the shell -------------------------------------------------------------------------------
def comparison_lines(report: dict[str, Any]) -> list[str]:
    """The comparison as a designer reads it in a terminal."""
    lines = [f"{report['process_id']}: version {report['from_version']} → {report['to_version']}"]
    for state in ("added", "removed", "changed"):
        if report["files"][state]:
            lines.append(f"files {state}: {', '.join(report['files'][state])}")
    lines += [f"  + {_element(e)}" for e in report["added"]]
    lines += [f"  - {_element(e)}" for e in report["removed"]]
    for element in report["changed"]:
        lines.append(f"  ~ {_element(element)}")
        lines += [f"      {c['field']}: {_value(c['before'])} → {_value(c['after'])}" for c in element["changes"]]
    movable = sum(1 for c in report["cases"] if c["can_move"])
    lines.append(f"open cases on version {report['from_version']}: {len(report['cases'])} "
                 f"({movable} can move, {len(report['cases']) - movable} cannot)")
    lines += [f"  {c['case']}: " + ("can move" if c["can_move"] else "cannot move: " + "; ".join(c["reasons"]))
              for c in report["cases"]]
    return lines


def migration_lines(report: dict[str, Any]) -> list[str]:
    """The outcome of a bulk migration as an administrator reads it in a terminal."""
    verb = "would move" if report["dry_run"] else "moved"
    lines = [f"{report['process_id']}: version {report['from_version']} → {report['to_version']}"
             + (" (dry run: nothing changed)" if report["dry_run"] else ""),
             f"{verb}: {len(report['migrated'])}",
             f"already on version {report['to_version']}: {len(report['already'])}",
             f"cannot move: {len(report['refused'])}"]
    lines += [f"  {c['case']}: {'; '.join(c['reasons'])}" for c in report["refused"]]
    return lines


def _element(element: dict[str, Any]) -> str:
    name = f" '{element['name']}'" if element.get("name") else ""
    return f"{element['id']} ({element['type']}{name})"


def _value(value: str | None) -> str:
    return "(none)" if value is None else repr(value)
