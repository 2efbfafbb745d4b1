"""Versioned deployment: validated bundles become numbered, content-hashed process versions.

A version stores the exact files (served back byte for byte), the built spec (serialized once,
not per case) and the catalogue of user tasks. Deploying identical files again returns the
existing version. Specs are rebuilt from JSON once per process and kept in memory.

New cases start on a process's *current* version: the one deployed last, unless a designer has since made
another one current (a rollback). Every change of it is entered in the append-only ``deployment_events``.

Forms and decision tables belong to a diagram: deployed without one, they replace their namesakes in
the latest version of the one process that has files of those names, as its next version (what a
designer who fixed ``triage.json`` expects); they are refused when no process, or several, have them.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from .bundle import Bundle, Problem, read_bundle
from .errors import NotFound
from .expressions import is_iso_timer
from .extensions import Extensions
from .forms import with_references
from .limits import MAX_VERSION
from .models import DeployedFile, DeploymentEvent, ProcessCurrent, ProcessVersion
from .sandbox import Sandbox
from .serializer import StateSerializer
from .spiff_patches import prepare_specs
from .validation import Checked, validate


class DeploymentRefused(ValueError):
    """The bundle has errors; nothing was stored."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the deployment")
        self.problems = problems


@dataclass(frozen=True)
class Deployed:
    process_id: str
    version: int
    version_id: int
    created: bool
    files: list[str]
    current_version: int  # the version new cases start on (not this one when identical files were redeployed)


def deploy(session: Session, bundle: Bundle, sandbox: Sandbox, serializer: StateSerializer, actor: str,
           now: datetime, extensions: Extensions | None = None) -> Deployed:
    """Validate and store a bundle as the next version of its process (or return the identical one)."""
    if not bundle.problems and not bundle.of_kind("bpmn"):
        bundle = _with_their_diagram(session, bundle)
    checked = validate(bundle, sandbox, extensions)
    if checked.errors:
        raise DeploymentRefused(checked.errors)
    if checked.process_id is None:
        raise DeploymentRefused([Problem("no process to deploy: every executable process is called by another",
                                         hint="deploy the calling process with the processes it calls")])
    existing = session.scalars(select(ProcessVersion).where(
        ProcessVersion.process_id == checked.process_id, ProcessVersion.content_hash == bundle.content_hash)).first()
    if existing:  # the current version stays: making this one current again is a rollback, said in so many words
        current = session.get(ProcessVersion, current_version_id(session, existing.process_id))
        return _deployed(existing, created=False, current=current.version)
    version = _new_version(session, checked, bundle, serializer, actor, now)
    _make_current(session, version, actor, now, "deployed")
    return _deployed(version, created=True, current=version.version)


def _with_their_diagram(session: Session, bundle: Bundle) -> Bundle:
    """Forms or decision tables sent alone, completed with the other files of the latest version of the one
    process that has files of their names."""
    latest = select(ProcessVersion.process_id, func.max(ProcessVersion.version).label("version")).group_by(
        ProcessVersion.process_id).subquery()
    found = session.scalars(select(ProcessVersion.id).join(latest, (ProcessVersion.process_id == latest.c.process_id)
                                                           & (ProcessVersion.version == latest.c.version))
                            .join(ProcessVersion.files).where(DeployedFile.name.in_(bundle.files)))
    owners = [session.get(ProcessVersion, version_id) for version_id in sorted(set(found))]
    if len(owners) != 1:
        raise DeploymentRefused([_ownerless(bundle, sorted(v.process_id for v in owners))])
    return read_bundle({**{f.name: f.content for f in owners[0].files}, **bundle.files})


def _ownerless(bundle: Bundle, owners: list[str]) -> Problem:
    """Why forms or decision tables sent alone cannot be deployed, and what to send instead."""
    names = ", ".join(sorted(bundle.files))
    if owners:
        return Problem(f"{names} belong to several processes ({', '.join(owners)})", rule="no_diagram",
                       hint="deploy them with the .bpmn diagram of the process they are for")
    return Problem(f"{names} belong to no deployed process: forms and decision tables are deployed with the "
                   "diagram that uses them", rule="no_diagram",
                   hint="deploy them together with the .bpmn diagram (its user tasks name the forms, its "
                        "business rule tasks the decisions)")


def _new_version(session: Session, checked: Checked, bundle: Bundle, serializer: StateSerializer, actor: str,
                 now: datetime) -> ProcessVersion:
    spec = checked.parser.get_spec(checked.process_id)
    subprocess_specs = checked.parser.get_subprocess_specs(checked.process_id)
    for each in (spec, *subprocess_specs.values()):
        quote_iso_timers(each)
    latest = session.scalar(select(func.max(ProcessVersion.version))
                            .where(ProcessVersion.process_id == checked.process_id))
    version = ProcessVersion(
        process_id=checked.process_id, version=(latest or 0) + 1, content_hash=bundle.content_hash,
        deployed_at=now, deployed_by=actor, spec=serializer.dump_specs(spec, subprocess_specs),
        user_tasks={name: asdict(info) for name, info in checked.user_tasks.items()},
        forms=with_references(bundle.forms),
        files=[DeployedFile(name=name, content=content) for name, content in sorted(bundle.files.items())],
    )
    session.add(version)
    session.flush()
    return version


def _deployed(version: ProcessVersion, created: bool, current: int) -> Deployed:
    return Deployed(version.process_id, version.version, version.id, created, [f.name for f in version.files],
                    current)


def make_current(session: Session, process_id: str, version: int, actor: str, now: datetime) -> bool:
    """Make one version the one new cases start on (``NotFound`` for an unknown one); False when it already was."""
    chosen = session.get(ProcessVersion, version_id(session, process_id, version))
    if current_version_id(session, process_id) == chosen.id:
        return False
    _make_current(session, chosen, actor, now, "made_current")
    return True


def _make_current(session: Session, version: ProcessVersion, actor: str, now: datetime, kind: str) -> None:
    """Point the process at ``version`` and log the change."""
    session.merge(ProcessCurrent(process_id=version.process_id, version_id=version.id, set_at=now, set_by=actor))
    session.add(DeploymentEvent(process_id=version.process_id, version=version.version, kind=kind, actor=actor,
                                at=now))
    session.flush()


def quote_iso_timers(spec) -> None:
    """Turn timer values written as plain ISO 8601 (``P7D``) into the string literals the engine evaluates."""
    for task_spec in spec.task_specs.values():
        definition = getattr(task_spec, "event_definition", None)
        for timer in [definition, *getattr(definition, "event_definitions", [])]:
            expression = getattr(timer, "expression", None)
            if isinstance(expression, str) and is_iso_timer(expression):
                timer.expression = repr(expression.strip())


def version_id(session: Session, process_id: str, version: int) -> int:
    """The id of one numbered version of a process, or ``NotFound``."""
    found = None
    if 1 <= version <= MAX_VERSION:
        found = session.scalar(select(ProcessVersion.id).where(ProcessVersion.process_id == process_id,
                                                               ProcessVersion.version == version))
    if found is None:
        raise NotFound(f"process '{process_id}' has no version {version}")
    return found


def current_version_id(session: Session, process_id: str) -> int | None:
    """The id of the version new cases of a process start on: the one made current, else the newest."""
    chosen = session.scalar(select(ProcessCurrent.version_id).where(ProcessCurrent.process_id == process_id))
    return chosen or session.scalar(select(ProcessVersion.id).where(ProcessVersion.process_id == process_id)
                                    .order_by(ProcessVersion.version.desc()).limit(1))


def current_versions(session: Session) -> dict[str, int]:
    """The current version number of every process that has one made current (the others start on their newest)."""
    return dict(session.execute(select(ProcessCurrent.process_id, ProcessVersion.version)
                                .join(ProcessVersion, ProcessVersion.id == ProcessCurrent.version_id)).all())


def events(session: Session, process_id: str) -> list[DeploymentEvent]:
    """Every change of a process's current version, oldest first."""
    return list(session.scalars(select(DeploymentEvent).where(DeploymentEvent.process_id == process_id)
                                .order_by(DeploymentEvent.id)))


@dataclass(frozen=True)
class LoadedVersion:
    """A deployed version as the runtime uses it: built specs plus its task catalogue and forms."""

    id: int
    process_id: str
    version: int
    spec: object
    subprocess_specs: dict
    user_tasks: dict
    forms: dict

    def form_of(self, task_name: str) -> tuple[str | None, dict | None]:
        """The form name a user task names, and its JSON Schema."""
        name = self.user_tasks.get(task_name, {}).get("form")
        return name, self.forms.get(name) if name else None


class VersionCache:
    """Loaded versions by id; versions never change, so every case of a version shares one."""

    def __init__(self, serializer: StateSerializer, size: int = 64):
        self._serializer = serializer
        self._size = size
        self._versions: OrderedDict[int, LoadedVersion] = OrderedDict()

    def get(self, session: Session, version_id: int) -> LoadedVersion:
        """The version, built from its stored JSON on first use."""
        loaded = self._versions.get(version_id)
        if loaded is None:
            row = session.get(ProcessVersion, version_id, options=[undefer(ProcessVersion.spec)])
            spec, subprocess_specs = self._serializer.load_specs(row.spec)
            prepare_specs(spec, *subprocess_specs.values())
            loaded = LoadedVersion(row.id, row.process_id, row.version, spec, subprocess_specs, row.user_tasks,
                                   row.forms)
            self._versions[version_id] = loaded
            if len(self._versions) > self._size:
                self._versions.popitem(last=False)
        return loaded
