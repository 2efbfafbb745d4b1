"""The ``hotline`` console command: the group, the database, serving, timers and the demo.

Designers' commands live in ``cli_designer``, administrators' and auditors' in ``cli_admin``."""

from __future__ import annotations

import os

import click

from engine.clock import SimulatedClock
from engine.store import DEFAULT_URL, connect
from processes.service import Hotline
from processes.wiring import upgrade

from . import cli_admin, cli_designer
from .cli_support import aware, hotline_for

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
    clock = SimulatedClock(aware(simulated), running=True) if simulated else None
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
    if clock:
        clock.attach(hotline.engine.db)  # one simulated clock for all nodes: a restarted node takes the shared time
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

    clock = SimulatedClock(aware(simulated), running=True) if simulated else None
    click.echo("Hotline timer worker: firing due timers (Ctrl-C to stop)")
    hotline, scheduler = hotline_for(obj, clock), BlockingScheduler()
    if clock:
        clock.attach(hotline.engine.db)
    add_report_jobs(scheduler, hotline, reports_folder())
    start_scheduler(hotline.engine, scheduler)


@main.command()
@click.pass_obj
def demo(obj: dict) -> None:
    """Play a simulated fortnight at the hotline (every path of the procedure) and print a summary."""
    from processes import demo as fortnight
    from processes.desk import Desk

    fortnight.run(Desk(hotline_for(obj, SimulatedClock(fortnight.START))))


for command in (cli_designer.validate, cli_designer.deploy, cli_designer.diff, cli_designer.migrate,
                cli_admin.users, cli_admin.calendar, cli_admin.audit, cli_admin.report):
    main.add_command(command)
