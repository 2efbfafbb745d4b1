"""Versions side by side, and moving every open case of one version to another.

``compare`` puts the element diff of two versions next to each open case of the first (running, or set
aside by an incident) and says whether it can move (SpiffWorkflow's diff, through
``Engine.migration_obstacles``). ``migrate_all`` moves each case that can, each in its own transaction
with its own audit event (``Engine.migrate``), and reports the others with their reasons. Running it
again is safe: the cases already moved are on the target version and are reported as such, not touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from .case import INCIDENT, RUNNING
from .deployment import version_id
from .diff import VersionDiff, diff_files
from .errors import EngineError
from .models import DeployedFile, Instance
from .runtime import Engine

OPEN = (RUNNING, INCIDENT)  # a case set aside by an incident may move too: a new version may be its fix


@dataclass(frozen=True)
class CaseMove:
    """Whether one running case can move (or moved) to the target version, and if not, why."""

    instance_id: int
    can_move: bool
    reasons: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    process_id: str
    from_version: int
    to_version: int
    diff: VersionDiff
    cases: list[CaseMove]


@dataclass
class MigrationReport:
    process_id: str
    from_version: int
    to_version: int
    dry_run: bool
    migrated: list[int] = field(default_factory=list)
    """Moved (or, in a dry run, would move)."""
    refused: list[CaseMove] = field(default_factory=list)
    already: list[int] = field(default_factory=list)
    """Running cases found on the target version already (moved by an earlier run, or started there)."""


def compare(engine: Engine, process_id: str, old: int, new: int) -> Comparison:
    """The element diff of two versions and, for each running case of ``old``, whether it can move to ``new``."""
    with engine.session() as session:
        before, after = (version_id(session, process_id, v) for v in (old, new))
        diff = diff_files(_files(session, before), _files(session, after))
        cases = _running(session, before)
    moves = []
    for case in cases:
        reasons = engine.migration_obstacles(case, new)
        moves.append(CaseMove(case, not reasons, reasons))
    return Comparison(process_id, old, new, diff, moves)


def migrate_all(engine: Engine, process_id: str, old: int, new: int, actor: str, dry_run: bool = False,
                progress: Callable[[int, int], None] | None = None) -> MigrationReport:
    """Move every running case of ``old`` that can move to ``new``, one transaction each; report the rest.

    ``progress(done, total)`` is told after each case (a run over many cases takes minutes)."""
    if old == new:
        raise ValueError("the two versions are the same")
    with engine.session() as session:
        before, after = (version_id(session, process_id, v) for v in (old, new))
        cases, already = _running(session, before), _running(session, after)
    report = MigrationReport(process_id, old, new, dry_run, already=already)
    for done, case in enumerate(cases, start=1):
        reasons = engine.migration_obstacles(case, new) if dry_run else _move(engine, case, new, actor)
        if reasons:
            report.refused.append(CaseMove(case, False, reasons))
        else:
            report.migrated.append(case)
        if progress:
            progress(done, len(cases))
    return report


def _move(engine: Engine, case: int, version: int, actor: str) -> list[str]:
    """Move one case; what stood in the way, when it could not (the case may also have changed meanwhile)."""
    reasons = engine.migration_obstacles(case, version)
    if reasons:
        return reasons
    try:
        engine.migrate(case, version, actor)
    except EngineError as failed:  # it changed (or ended) since it was checked: one reason, as the engine gave it
        return [str(failed)]
    return []




def _files(session, version_id: int) -> dict[str, bytes]:
    return {f.name: f.content for f in session.scalars(select(DeployedFile).where(DeployedFile.version_id ==
                                                                                    version_id))}


def _running(session, version_id: int) -> list[int]:
    return list(session.scalars(select(Instance.id).where(Instance.version_id == version_id,
                                                          Instance.status.in_(OPEN)).order_by(Instance.id)))
