"""The ``hotline`` console command: serve, deploy, validate, db upgrade, users."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path

import click

from engine.bundle import read_paths
from engine.clock import SimulatedClock
from engine.deployment import DeploymentRefused
from engine.store import DEFAULT_URL, connect
from processes.service import Hotline
from processes.users import ROLES
from processes.wiring import upgrade

DATABASE_URL = os.environ.get("HOTLINE_DATABASE_URL", DEFAULT_URL)


@click.group()
@click.option("--database-url", default=DATABASE_URL, show_default=True, envvar="HOTLINE_DATABASE_URL",
              help="SQLAlchemy URL of the database (an SQLite file by default).")
@click.pass_context
def main(ctx: click.Context, database_url: str) -> None:
    """Hotline: case handling for a county 12345 government service hotline."""
    ctx.obj = {"database_url": database_url}


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(obj: dict) -> None:
    """Create or migrate the database schema to the newest version."""
    upgrade(connect(obj["database_url"]))
    click.echo("database is up to date")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def validate(obj: dict, paths: tuple[str, ...], fmt: str) -> None:
    """Check diagrams and forms without deploying; exit status 1 when there are errors."""
    problems = _hotline(obj).engine.validate(read_paths(list(paths)))
    errors = [p for p in problems if p.severity == "error"]
    if fmt == "json":
        click.echo(json.dumps({"valid": not errors, "problems": [p.as_dict() for p in problems]},
                              ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            click.echo(str(problem))
        click.echo(f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)")
    sys.exit(1 if errors else 0)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--actor", default="designer", show_default=True, help="Who deploys (recorded on the version).")
@click.pass_obj
def deploy(obj: dict, paths: tuple[str, ...], actor: str) -> None:
    """Validate and deploy diagrams and forms as a new version (identical files keep their version)."""
    engine = _hotline(obj).engine
    try:
        deployed = engine.deploy(read_paths(list(paths)), actor)
    except DeploymentRefused as refused:
        for problem in refused.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"not deployed: {len(refused.problems)} problem(s)") from None
    state = "deployed" if deployed.created else "already deployed as"
    click.echo(f"{deployed.process_id}: {state} version {deployed.version} ({len(deployed.files)} files)")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--simulated-clock", "simulated", metavar="ISO", default=None,
              help="Run on a simulated clock starting at this moment (training and demos).")
@click.option("--no-scheduler", is_flag=True, help="Do not fire timers in this process.")
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (more than one runs gunicorn; use about one per core).")
@click.pass_obj
def serve(obj: dict, host: str, port: int, simulated: str | None, no_scheduler: bool, threads: int,
          workers: int) -> None:
    """Run the API on a production WSGI server (waitress, or gunicorn workers) with the timer scheduler."""
    from .serving import serve_processes, serve_threads

    if simulated and workers > 1:
        raise click.UsageError("a simulated clock lives in one process: use --workers 1 with --simulated-clock")
    clock = SimulatedClock(_aware(simulated), running=True) if simulated else None
    upgrade(connect(obj["database_url"]))
    click.echo(f"Hotline API on http://{host}:{port}/api/v1 — docs at /api/v1/docs, health at /api/v1/health\n"
               "Get a token: .venv/bin/hotline users add NAME --role ROLE [--department CODE]  (last line printed)")
    if workers > 1:
        serve_processes(lambda: _app(obj, clock, no_scheduler), host, port, workers, threads)
    else:
        serve_threads(_app(obj, clock, no_scheduler), host, port, threads)


def _app(obj: dict, clock, no_scheduler: bool):
    """The API app over the configured database, with its schedulers unless told not to."""
    from processes.reports.runs import reports_folder

    from .app import create_app
    from .scheduler import add_report_jobs, start_scheduler

    hotline = Hotline.open(obj["database_url"], clock)
    scheduler = None if no_scheduler else start_scheduler(hotline.engine)
    if scheduler:
        add_report_jobs(scheduler, hotline, reports_folder())
    return create_app(hotline, scheduler_running=lambda: bool(scheduler and scheduler.running))


@main.command()
@click.option("--simulated-clock", "simulated", metavar="ISO", default=None,
              help="Run on a simulated clock starting at this moment.")
@click.pass_obj
def worker(obj: dict, simulated: str | None) -> None:
    """Fire deadline timers only (no HTTP): for nodes split into API and timer roles."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    from processes.reports.runs import reports_folder

    from .scheduler import add_report_jobs, start_scheduler

    clock = SimulatedClock(_aware(simulated), running=True) if simulated else None
    click.echo("Hotline timer worker: firing due timers (Ctrl-C to stop)")
    hotline, scheduler = _hotline(obj, clock), BlockingScheduler()
    add_report_jobs(scheduler, hotline, reports_folder())
    start_scheduler(hotline.engine, scheduler)


@main.group()
def calendar() -> None:
    """The working-day calendar."""


@calendar.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.pass_obj
def calendar_load(obj: dict, path: str) -> None:
    """Load a year's official holiday schedule (JSON: year, holidays, workdays); it overrides the estimate."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        year = _hotline(obj).load_schedule(document)
    except (ValueError, KeyError, TypeError) as err:
        raise click.ClickException(f"not loaded: {err}") from None
    click.echo(f"official schedule for {year} loaded; deadlines in {year} are no longer provisional")



@main.group()
def users() -> None:
    """API users and their tokens."""


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, help="One of: " + ", ".join(ROLES) + ".")
@click.option("--department", default=None, help="Department code (required for, and only for, role department).")
@click.pass_obj
def users_add(obj: dict, name: str, role: str, department: str | None) -> None:
    """Add a user and print their API token as the last line (shown once: only its hash is stored)."""
    try:
        token = _hotline(obj).users.add(name, role, department)
    except ValueError as err:
        raise click.ClickException(f"not added: {err}") from None
    where = f" of {department}" if department else ""
    click.echo(f"added {role}{where} {name!r}; their token, shown only this once:")
    click.echo(token)


@users.command("list")
@click.pass_obj
def users_list(obj: dict) -> None:
    """List users (names, roles, departments, state); tokens are never shown."""
    rows = [[u["name"], u["role"], u["department"] or "-", "active" if u["active"] else "revoked",
             u["created_at"].isoformat(timespec="seconds")] for u in _hotline(obj).users.list()]
    if not rows:
        click.echo("no users yet (add one: hotline users add NAME --role ROLE)")
        return
    table = [["NAME", "ROLE", "DEPARTMENT", "STATE", "CREATED"], *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


@users.command("revoke")
@click.argument("name")
@click.pass_obj
def users_revoke(obj: dict, name: str) -> None:
    """Disable a user's token at once (the name may be added again later, with a new token)."""
    try:
        _hotline(obj).users.revoke(name)
    except LookupError as err:
        raise click.ClickException(f"not revoked: {err.args[0]}") from None
    click.echo(f"revoked {name!r}; their token no longer works")

@main.group()
def audit() -> None:
    """Auditors' checks of the case histories."""


@audit.command("verify")
@click.argument("number", required=False)
@click.option("--all", "every", is_flag=True, help="Verify every case.")
@click.pass_obj
def audit_verify(obj: dict, number: str | None, every: bool) -> None:
    """Check each case's hash chain and that replaying its history gives exactly the stored case."""
    from processes import history
    from processes.users import User

    if bool(number) == every:
        raise click.UsageError("give a case NUMBER or --all")
    hotline = _hotline(obj)
    if number:
        results = [(number, history.verify(hotline, User("cli", "auditor"), number))]
    else:
        results = history.verify_all(hotline, progress=_progress)
    failed = checked = 0
    for case, verdict in results:
        checked += 1
        if not (verdict.chain_ok and verdict.replay_matches):
            failed += 1
            click.echo(f"{case}: FAILED at event {verdict.first_bad_event}: {verdict.reason}")
        elif number:
            click.echo(f"{case}: ok ({verdict.events} events, chain intact, replay matches)")
    if every:
        click.echo(f"verified {checked} case(s): {checked - failed} ok, {failed} failed")
    sys.exit(1 if failed else 0)


def _progress(done: int, total: int) -> None:
    """Progress on long runs: every 100 cases and at the end (on stderr, so output stays a report)."""
    if done % 100 == 0 or done == total:
        click.echo(f"  {done}/{total} cases verified", err=True)


@main.command()
@click.pass_obj
def demo(obj: dict) -> None:
    """Play a simulated fortnight at the hotline (every path of the procedure) and print a summary."""
    from processes import demo as fortnight
    from processes.desk import Desk

    fortnight.run(Desk(_hotline(obj, SimulatedClock(fortnight.START))))


def _hotline(obj: dict, clock=None) -> Hotline:
    """The hotline over the configured database, migrated first (every command may be the first run)."""
    upgrade(connect(obj["database_url"]))
    return Hotline.open(obj["database_url"], clock)


def _aware(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as err:
        raise click.BadParameter(f"not an ISO 8601 moment: {text}") from err
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. 2026-11-30T09:00:00+08:00")
    return moment


@main.command()
@click.option("--from", "from_", metavar="DATE", help="First day (YYYY-MM-DD, Shanghai); default: the 1st.")
@click.option("--to", metavar="DATE", help="Last day, inclusive (YYYY-MM-DD, Shanghai); default: today.")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="The file to write: .html (charts inline), .pdf, .xlsx, .csv or .json.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.pass_obj
def report(obj: dict, from_: str | None, to: str | None, out: str, lang: str) -> None:
    """Write a report for the county government: figures, tables and charts for a period."""
    from processes.reports.output import SUFFIXES, write_report
    from processes.reports.pdf import MissingFont
    from processes.reports.period import PeriodError, parse_bound
    from processes.reports.report import period_for

    path = Path(out)
    if path.suffix.lower() not in SUFFIXES:
        raise click.BadParameter(f"the file must end in one of {', '.join(SUFFIXES)}", param_hint="--out")
    hotline = _hotline(obj)
    try:
        period = period_for(hotline, from_ and parse_bound(from_, "from"), to and parse_bound(to, "to"))
    except PeriodError as err:
        raise click.BadParameter(str(err), param_hint=f"--{err.field}") from None
    try:
        figures = write_report(hotline, period, lang, path)
    except MissingFont as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"wrote {path} ({period.label()}: {figures.registered} case(s))")


@main.command()
@click.argument("process_id", metavar="PROCESS")
@click.argument("old", metavar="V1", type=int)
@click.argument("new", metavar="V2", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def diff(obj: dict, process_id: str, old: int, new: int, fmt: str) -> None:
    """Show what changed from version V1 to V2 of a process, and which open cases of V1 could move to V2."""
    from processes import versions

    report = _versions_call(lambda: versions.compare(_hotline(obj), process_id, old, new))
    _echo_report(report, versions.comparison_lines, fmt)


@main.command()
@click.argument("process_id", metavar="PROCESS")
@click.option("--from", "old", type=int, required=True, metavar="V1", help="The version the cases are on.")
@click.option("--to", "new", type=int, required=True, metavar="V2", help="The version to move them to.")
@click.option("--dry-run", is_flag=True, help="Only say which cases would move; change nothing.")
@click.option("--actor", default="admin", show_default=True, help="Who moves the cases (recorded in each history).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def migrate(obj: dict, process_id: str, old: int, new: int, dry_run: bool, actor: str, fmt: str) -> None:
    """Move every open case of V1 that can move to V2, each in its own transaction; safe to run again.

    Exit status 1 when some cases cannot move (they are listed with the reasons).
    """
    from processes import versions

    report = _versions_call(lambda: versions.migrate(_hotline(obj), process_id, old, new, actor, dry_run))
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
