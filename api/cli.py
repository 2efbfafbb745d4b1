"""The ``hotline`` console command: the group, the database, serving, timers and the demo.

Designers' commands live in ``cli_designer``, administrators' and auditors' in ``cli_admin``. Every command
imports what it needs when it runs: ``hotline --help`` loads click and the settings, nothing else.
"""

from __future__ import annotations

import click

from . import cli_admin, cli_designer, cli_export, cli_open311, settings
from .cli_support import HotlineGroup, aware, hotline_for, open_hotline


@click.group(cls=HotlineGroup)
@click.option("--database-url", default=None, metavar="URL",
              help="SQLAlchemy URL of the database; default: HOTLINE_DATABASE_URL, else database_url in "
                   "hotline.toml, else hotline.db, both in the instance folder (HOTLINE_HOME, else var/ of "
                   "the source checkout, else ~/.local/share/hotline).")
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """Hotline: case handling for a county 12345 government service hotline."""
    try:
        ctx.obj = settings.load(database_url)
    except settings.SettingsError as err:
        raise click.ClickException(str(err)) from None
    note = ctx.obj.database_note()
    if note and ctx.invoked_subcommand:
        click.echo(note, err=True)


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(config: settings.Settings) -> None:
    """Create or migrate the database schema to the newest version, and say what changed."""
    from engine.store import connect
    from processes.database import upgrade

    if config.database_from == "default":
        config.home.mkdir(parents=True, exist_ok=True)
    database = connect(config.database_url)
    before = _schema_versions(database)
    upgrade(database)
    after = _schema_versions(database)
    where = settings.hide_password(config.database_url).removeprefix("sqlite:///")
    if not before:
        tables = len(_table_names(database)) - len(after)
        click.echo(f"created the database {where}: {tables} tables, schema {_versions(after)}")
    elif before != after:
        changes = ", ".join(f"{part} {before.get(part, '-')} → {version}" for part, version in after.items()
                            if before.get(part) != version)
        click.echo(f"upgraded the database {where}: {changes}")
    else:
        click.echo(f"the database {where} is up to date (schema {_versions(after)})")


def _table_names(database) -> list[str]:
    from sqlalchemy import inspect

    return inspect(database).get_table_names()


def _schema_versions(database) -> dict[str, str]:
    """The migration each part of the schema stands at, by part ("engine", "hotline"); empty when new."""
    from sqlalchemy import text

    versions = {}
    with database.connect() as connection:
        for table in sorted(t for t in _table_names(database) if t.startswith("alembic_version")):
            part = table.removeprefix("alembic_version").strip("_") or "engine"
            versions[part] = connection.execute(text(f"SELECT version_num FROM {table}")).scalar() or "-"
    return versions


def _versions(versions: dict[str, str]) -> str:
    return ", ".join(f"{part} {version}" for part, version in versions.items())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--simulated-clock", "simulated", metavar="ISO", default=None,
              help="Run on a simulated clock starting at this moment (training and demos).")
@click.option("--no-scheduler", is_flag=True, help="Do not fire timers in this process.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (more than one runs gunicorn; use about one per core).")
@click.pass_obj
def serve(config: settings.Settings, host: str, port: int, simulated: str | None, no_scheduler: bool, threads: int,
          workers: int) -> None:
    """Run the API on a production WSGI server (waitress, or gunicorn workers) with the timer scheduler."""
    from .serving import PortUnavailable, check_port, serve_processes, serve_threads

    if simulated and workers > 1:
        raise click.UsageError("a simulated clock lives in one process: use --workers 1 with --simulated-clock")
    clock = _simulated(simulated)
    try:
        check_port(host, port)
    except PortUnavailable as err:
        raise click.ClickException(str(err)) from None
    hotline_for(config)  # migrated (and found reachable) once, before the banner and any worker
    click.echo(f"Hotline API on http://{host}:{port}/api/v1 — docs at /api/v1/docs, health at /api/v1/health\n"
               f"Database: {settings.hide_password(config.database_url)}\n"
               "Get a token: .venv/bin/hotline users token NAME --role ROLE [--department CODE]  (last line printed)")
    if workers > 1:
        serve_processes(lambda: _app(config, clock, no_scheduler), host, port, workers, threads)
    else:
        serve_threads(_app(config, clock, no_scheduler), host, port, threads)


def _simulated(moment: str | None):
    """A running simulated clock starting at ``moment``, or None for the system clock."""
    if not moment:
        return None
    from engine.clock import SimulatedClock

    return SimulatedClock(aware(moment), running=True)


def _app(config: settings.Settings, clock, no_scheduler: bool):
    """The API app over the configured database, with its schedulers unless told not to."""
    from .app import create_app
    from .scheduler import add_report_jobs, start_scheduler

    hotline = open_hotline(config, clock)  # `serve` migrated the database before forking workers
    if clock:
        clock.attach(hotline.engine.db)  # one simulated clock for all nodes: a restarted node takes the shared time
    scheduler = None if no_scheduler else start_scheduler(hotline.engine)
    if scheduler:
        add_report_jobs(scheduler, hotline, config.reports_dir)
    return create_app(hotline, scheduler_running=lambda: bool(scheduler and scheduler.running))


@main.command()
@click.option("--simulated-clock", "simulated", metavar="ISO", default=None,
              help="Run on a simulated clock starting at this moment.")
@click.pass_obj
def worker(config: settings.Settings, simulated: str | None) -> None:
    """Fire deadline timers only (no HTTP): for nodes split into API and timer roles."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    from .scheduler import add_report_jobs, start_scheduler

    clock = _simulated(simulated)
    hotline, scheduler = hotline_for(config, clock), BlockingScheduler()
    click.echo("Hotline timer worker: firing due timers (Ctrl-C to stop)")
    if clock:
        clock.attach(hotline.engine.db)
    add_report_jobs(scheduler, hotline, config.reports_dir)
    start_scheduler(hotline.engine, scheduler)


@main.command()
@click.option("--into", metavar="URL", default=None,
              help="Write the demo's cases into this database (default: a throwaway one, deleted afterwards).")
@click.pass_obj
def demo(config: settings.Settings, into: str | None) -> None:
    """Play a simulated fortnight at the hotline (every path of the procedure) and print a summary.

    It plays on a database of its own unless told --into, so its future-dated cases never reach the
    real database's reports or overdue lists; that database's schema is copied from a template that the
    migrations build once (in ~/.cache/hotline)."""
    import tempfile
    from dataclasses import replace
    from pathlib import Path

    from engine.clock import SimulatedClock
    from processes import demo as fortnight
    from processes.database import new_sqlite
    from processes.desk import Desk

    with tempfile.TemporaryDirectory(prefix="hotline-demo-") as folder:
        url = settings.absolute_sqlite(into, Path.cwd()) if into else f"sqlite:///{Path(folder) / 'demo.db'}"
        if not into:
            new_sqlite(Path(folder) / "demo.db", settings.cache_folder())
        own = replace(config, database_url=url, database_from="--into" if into else "a throwaway database")
        fortnight.run(Desk(hotline_for(own, SimulatedClock(fortnight.START))), click.echo)
    click.echo(f"(played in {settings.hide_password(url)})" if into else
               "(played on a throwaway database, now deleted; --into URL keeps the cases)")


for command in (cli_designer.validate, cli_designer.deploy, cli_designer.rollback, cli_designer.diff,
                cli_designer.migrate, cli_admin.users, cli_admin.calendar, cli_admin.audit, cli_admin.report,
                cli_export.export, cli_open311.open311):
    main.add_command(command)
