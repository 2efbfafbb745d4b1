"""Designers' commands: validate, deploy, roll back, diff and migrate diagrams."""

from __future__ import annotations

import json
import sys

import click

from .cli_support import hotline_for, progress
from .settings import Settings

BIG_DEPLOYMENT = 1024 * 1024  # bytes: past this, deploying takes long enough to say what it is doing


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def validate(config: Settings, paths: tuple[str, ...], fmt: str) -> None:
    """Check diagrams and forms without deploying; exit status 1 when there are errors."""
    from engine.bundle import read_paths

    problems = hotline_for(config).engine.validate(read_paths(list(paths)))
    errors = [p for p in problems if p.severity == "error"]
    if fmt == "json":
        click.echo(json.dumps({"valid": not errors, "problems": [p.as_dict() for p in problems]},
                              ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            click.echo(str(problem))
        click.echo(f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)")
    sys.exit(1 if errors else 0)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--actor", default="designer", show_default=True, help="Who deploys (recorded on the version).")
@click.pass_obj
def deploy(config: Settings, paths: tuple[str, ...], actor: str) -> None:
    """Validate and deploy diagrams and forms as a new version (identical files keep their version)."""
    from engine.bundle import read_paths
    from engine.deployment import DeploymentRefused

    engine = hotline_for(config).engine
    files = read_paths(list(paths))
    size = sum(map(len, files.values()))
    if size > BIG_DEPLOYMENT:
        click.echo(f"checking and storing {len(files)} files ({size / 1024 / 1024:.1f} MB)…", err=True)
    try:
        deployed = engine.deploy(files, actor)
    except DeploymentRefused as refused:
        for problem in refused.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"not deployed: {len(refused.problems)} problem(s)") from None
    said = f"deployed version {deployed.version}" if deployed.created else \
        f"already deployed as version {deployed.version}; new cases start on version {deployed.current_version}"
    click.echo(f"{deployed.process_id}: {said} ({len(deployed.files)} files)")


@click.command()
@click.argument("process_id", metavar="PROCESS")
@click.argument("version", type=int)
@click.option("--actor", default="designer", show_default=True, help="Who makes it current (recorded in the log).")
@click.pass_obj
def rollback(config: Settings, process_id: str, version: int, actor: str) -> None:
    """Make VERSION the one new cases of PROCESS start on (running cases stay on theirs); deploying new files
    makes the new version current again."""
    changed = _versions_call(lambda: hotline_for(config).engine.make_current(process_id, version, actor))
    state = "new cases now start on" if changed else "new cases already start on"
    click.echo(f"{process_id}: {state} version {version}")


@click.command()
@click.argument("process_id", metavar="PROCESS")
@click.argument("old", metavar="V1", type=int)
@click.argument("new", metavar="V2", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def diff(config: Settings, process_id: str, old: int, new: int, fmt: str) -> None:
    """Show what changed from version V1 to V2 of a process, and which open cases of V1 could move to V2."""
    from processes import versions

    report = _versions_call(lambda: versions.compare(hotline_for(config), process_id, old, new))
    _echo_report(report, versions.comparison_lines, fmt)


@click.command()
@click.argument("process_id", metavar="PROCESS")
@click.option("--from", "old", type=int, required=True, metavar="V1", help="The version the cases are on.")
@click.option("--to", "new", type=int, required=True, metavar="V2", help="The version to move them to.")
@click.option("--dry-run", is_flag=True, help="Only say which cases would move; change nothing.")
@click.option("--actor", default="admin", show_default=True, help="Who moves the cases (recorded in each history).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def migrate(config: Settings, process_id: str, old: int, new: int, dry_run: bool, actor: str, fmt: str) -> None:
    """Move every open case of V1 that can move to V2, each in its own transaction; safe to run again.

    Exit status 1 when some cases cannot move (they are listed with the reasons).
    """
    from processes import versions

    hotline = hotline_for(config)
    with progress("cases checked" if dry_run else "cases moved or refused") as advance:
        report = _versions_call(lambda: versions.migrate(hotline, process_id, old, new, actor, dry_run, advance))
    _echo_report(report, versions.migration_lines, fmt)
    sys.exit(1 if report["refused"] else 0)


def _versions_call(call):
    """Run a version command; an unknown process or version, or the same version twice, is a usage error."""
    from engine.errors import NotFound

    try:
        return call()
    except (NotFound, ValueError) as err:
        raise click.ClickException(str(err)) from None


def _echo_report(report: dict, lines, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(lines(report)))
