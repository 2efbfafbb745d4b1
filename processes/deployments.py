"""Deployed diagrams for designers and auditors over the API: deploying and checking files, the processes and
their versions, and each version's files exactly as deployed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from engine.models import DeployedFile, ProcessVersion

from .service import Hotline
from .users import User


def deploy(hotline: Hotline, user: User, files: dict[str, bytes]) -> dict[str, Any]:
    """Validate the files and store them as the next version (identical files keep theirs: ``created`` false)."""
    deployed = hotline.engine.deploy(files, user.name)
    return {"process_id": deployed.process_id, "version": deployed.version, "created": deployed.created,
            "files": deployed.files}


def validate(hotline: Hotline, files: dict[str, bytes]) -> dict[str, Any]:
    """Every error and warning of the files at once, deploying nothing."""
    problems = hotline.engine.validate(files)
    errors = [p.as_dict() for p in problems if p.severity == "error"]
    return {"valid": not errors, "errors": errors,
            "warnings": [p.as_dict() for p in problems if p.severity != "error"]}


def processes(hotline: Hotline) -> list[dict[str, Any]]:
    """The deployed processes with their latest versions."""
    query = (select(ProcessVersion.process_id, func.max(ProcessVersion.version))
             .group_by(ProcessVersion.process_id).order_by(ProcessVersion.process_id))
    with hotline.engine.session() as session:
        return [{"process_id": process_id, "latest_version": latest} for process_id, latest in session.execute(query)]


def versions(hotline: Hotline, process_id: str) -> list[dict[str, Any]]:
    """Every version of a process, oldest first, with its file names (empty for an unknown process)."""
    query = (select(ProcessVersion).where(ProcessVersion.process_id == process_id).order_by(ProcessVersion.version)
             .options(selectinload(ProcessVersion.files).load_only(DeployedFile.name)))  # names, not contents
    with hotline.engine.session() as session:
        return [{"process_id": v.process_id, "version": v.version, "deployed_at": v.deployed_at,
                 "deployed_by": v.deployed_by, "files": [f.name for f in v.files]} for v in session.scalars(query)]


def file(hotline: Hotline, process_id: str, version: int, name: str) -> bytes | None:
    """A deployed file byte for byte (None when the version has no such file)."""
    with hotline.engine.session() as session:
        return session.scalar(select(DeployedFile.content).join(ProcessVersion).where(
            ProcessVersion.process_id == process_id, ProcessVersion.version == version, DeployedFile.name == name))
