"""Deployed diagrams for designers and auditors over the API: deploying and checking files, the processes and
their versions, and each version's files exactly as deployed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from engine import deployment
from engine.models import DeployedFile, ProcessVersion

from .service import Hotline
from .users import User


def deploy(hotline: Hotline, user: User, files: dict[str, bytes]) -> dict[str, Any]:
    """Validate the files and store them as the next version, now current (identical files keep theirs:
    ``created`` false, and the current version stays what it was)."""
    deployed = hotline.engine.deploy(files, user.name)
    return {"process_id": deployed.process_id, "version": deployed.version, "created": deployed.created,
            "files": deployed.files, "current_version": deployed.current_version}


def make_current(hotline: Hotline, user: User, process_id: str, version: int) -> dict[str, Any]:
    """Make a version the one new cases start on (``NotFound`` for an unknown process or version); the
    process's catalogue entry."""
    hotline.engine.make_current(process_id, version, user.name)
    return next(p for p in processes(hotline) if p["process_id"] == process_id)


def events(hotline: Hotline, process_id: str) -> list[dict[str, Any]] | None:
    """Every change of a process's current version, oldest first (None for an unknown process)."""
    with hotline.engine.session() as session:
        if deployment.current_version_id(session, process_id) is None:
            return None
        return [{"version": e.version, "kind": e.kind, "actor": e.actor, "at": e.at}
                for e in deployment.events(session, process_id)]


def validate(hotline: Hotline, files: dict[str, bytes]) -> dict[str, Any]:
    """Every error and warning of the files at once, deploying nothing."""
    problems = hotline.engine.validate(files)
    errors = [p.as_dict() for p in problems if p.severity == "error"]
    return {"valid": not errors, "errors": errors,
            "warnings": [p.as_dict() for p in problems if p.severity != "error"]}


def processes(hotline: Hotline) -> list[dict[str, Any]]:
    """The deployed processes with their latest versions and the ones new cases start on."""
    query = (select(ProcessVersion.process_id, func.max(ProcessVersion.version))
             .group_by(ProcessVersion.process_id).order_by(ProcessVersion.process_id))
    with hotline.engine.session() as session:
        current = deployment.current_versions(session)
        return [{"process_id": process_id, "latest_version": latest, "current_version": current.get(process_id, latest)}
                for process_id, latest in session.execute(query)]


def versions(hotline: Hotline, process_id: str) -> list[dict[str, Any]]:
    """Every version of a process, oldest first, with its file names and the version new cases start on (empty for
    an unknown process)."""
    query = (select(ProcessVersion).where(ProcessVersion.process_id == process_id).order_by(ProcessVersion.version)
             .options(selectinload(ProcessVersion.files).load_only(DeployedFile.name)))  # names, not contents
    with hotline.engine.session() as session:
        found = list(session.scalars(query))
        current = session.get(ProcessVersion, deployment.current_version_id(session, process_id)) if found else None
        return [{"process_id": v.process_id, "version": v.version, "deployed_at": v.deployed_at,
                 "deployed_by": v.deployed_by, "files": [f.name for f in v.files],
                 "current_version": current.version} for v in found]


def file(hotline: Hotline, process_id: str, version: int, name: str) -> bytes | None:
    """A deployed file byte for byte (None when the version has no such file)."""
    with hotline.engine.session() as session:
        return session.scalar(select(DeployedFile.content).join(ProcessVersion).where(
            ProcessVersion.process_id == process_id, ProcessVersion.version == version, DeployedFile.name == name))
