"""Administrators' and auditors' commands: users, the calendar, audit verification, reports."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from processes.roles import ROLES

from .cli_support import hotline_for, progress
from .settings import Settings


@click.group()
def calendar() -> None:
    """The working-day calendar."""


@calendar.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.pass_obj
def calendar_load(config: Settings, path: str) -> None:
    """Load a year's official holiday schedule (JSON: year, holidays, workdays); it overrides the estimate."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        year = hotline_for(config).load_schedule(document)
    except (ValueError, KeyError, TypeError) as err:
        raise click.ClickException(f"not loaded: {err}") from None
    click.echo(f"official schedule for {year} loaded; deadlines in {year} are no longer provisional")


@click.group()
def users() -> None:
    """API users and their tokens."""


ROLES_HELP = "One of: " + ", ".join(ROLES) + "."


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, help=ROLES_HELP)
@click.option("--department", default=None, help="Department code (required for, and only for, role department).")
@click.pass_obj
def users_add(config: Settings, name: str, role: str, department: str | None) -> None:
    """Add a user and print their API token as the last line (shown once: only its hash is stored)."""
    _add(hotline_for(config).users, name, role, department)


@users.command("token")
@click.argument("name")
@click.option("--role", default=None,
              help=f"Add the user with this role when there is none (so a script can run twice). {ROLES_HELP}")
@click.option("--department", default=None, help="With --role department: the user's department code.")
@click.pass_obj
def users_token(config: Settings, name: str, role: str | None, department: str | None) -> None:
    """Issue a fresh token for a user and revoke their old one; the token is the last line printed.

    With --role, a user who does not exist yet is added; one who exists must already have that role."""
    users = hotline_for(config).users
    try:
        token = users.reissue(name, role, department)
    except LookupError as err:
        if role is None:
            raise click.ClickException(f"no new token: {err.args[0]} (add them with --role ROLE)") from None
        _add(users, name, role, department)
        return
    except ValueError as err:
        raise click.ClickException(f"no new token: {err}") from None
    _echo_token(f"new token for {name!r} (their old one no longer works)", token)


def _add(users, name: str, role: str, department: str | None) -> None:
    try:
        token = users.add(name, role, department)
    except ValueError as err:
        raise click.ClickException(f"not added: {err}") from None
    _echo_token(f"added {role}{f' of {department}' if department else ''} {name!r}; their token", token)


def _echo_token(what: str, token: str) -> None:
    """Print what was done and then the token, alone on the last line (scripts take it with ``tail -1``)."""
    click.echo(f"{what}, shown only this once:")
    click.echo(token)


@users.command("list")
@click.pass_obj
def users_list(config: Settings) -> None:
    """List users (names, roles, departments, state); tokens are never shown."""
    rows = [[u["name"], u["role"], u["department"] or "-", "active" if u["active"] else "revoked",
             u["created_at"].isoformat(timespec="seconds")] for u in hotline_for(config).users.list()]
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
def users_revoke(config: Settings, name: str) -> None:
    """Disable a user's token at once (the name may be added again later, with a new token)."""
    try:
        hotline_for(config).users.revoke(name)
    except LookupError as err:
        raise click.ClickException(f"not revoked: {err.args[0]}") from None
    click.echo(f"revoked {name!r}; their token no longer works")

@click.group()
def audit() -> None:
    """Auditors' checks of the case histories."""


@audit.command("verify")
@click.argument("number", required=False)
@click.option("--all", "every", is_flag=True, help="Verify every case.")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes verifying cases side by side with --all (one core each).")
@click.pass_obj
def audit_verify(config: Settings, number: str | None, every: bool, jobs: int) -> None:
    """Check each case's hash chain and that replaying its history gives exactly the stored case."""
    from processes import history
    from processes.users import User

    if bool(number) == every:
        raise click.UsageError("give a case NUMBER or --all")
    hotline = hotline_for(config)
    with progress("cases verified") as advance:
        if number:
            results = [(number, history.verify(hotline, User("cli", "auditor"), number))]
        else:
            results = history.verify_all(hotline, progress=advance, jobs=jobs)
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


@click.command()
@click.option("--from", "from_", metavar="DATE", help="First day (YYYY-MM-DD, Shanghai); default: the 1st.")
@click.option("--to", metavar="DATE", help="Last day, inclusive (YYYY-MM-DD, Shanghai); default: today.")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="The file to write: .html (charts inline), .pdf, .xlsx, .csv or .json.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.pass_obj
def report(config: Settings, from_: str | None, to: str | None, out: str, lang: str) -> None:
    """Write a report for the county government: figures, tables and charts for a period."""
    path, bounds = _report_arguments(out, from_, to)
    from processes.reports.output import write_report
    from processes.reports.report import period_for

    hotline = hotline_for(config)
    with _period_errors():
        period = period_for(hotline, *bounds)
    with progress("report") as advance:
        figures = write_report(hotline, period, lang, path, step=advance)  # a missing font: one line (cli_support)
    click.echo(f"wrote {path} ({period.label()}: {figures.registered} case(s))")


def _report_arguments(out: str, from_: str | None, to: str | None) -> tuple[Path, list]:
    """The report's file and period bounds, checked before any database or chart library is touched."""
    from processes.reports.output import SUFFIXES
    from processes.reports.period import parse_bound

    path = Path(out)
    if path.suffix.lower() not in SUFFIXES:
        raise click.BadParameter(f"the file must end in one of {', '.join(SUFFIXES)}", param_hint="--out")
    with _period_errors():
        return path, [bound and parse_bound(bound, field) for bound, field in ((from_, "from"), (to, "to"))]


@contextmanager
def _period_errors() -> Iterator[None]:
    """A period people typed wrong is a usage error naming the option."""
    from processes.reports.period import PeriodError

    try:
        yield
    except PeriodError as err:
        raise click.BadParameter(str(err), param_hint=f"--{err.field}") from None
