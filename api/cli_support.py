"""What the ``hotline`` commands share: the hotline over the configured database, one-line errors, progress.

Nothing heavy is imported at module level: ``hotline --help`` loads this module, and it must start in a blink.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

import click

from .settings import Settings, hide_password

if TYPE_CHECKING:
    from collections.abc import Iterator

    from click._termui_impl import ProgressBar

    from processes.service import Hotline

PLAIN_EVERY = 10  # without a terminal, a progress line at every tenth of the work


def hotline_for(settings: Settings, clock=None) -> Hotline:
    """The hotline over the configured database, migrated first (every command may be the first run)."""
    from engine.store import connect
    from processes.database import upgrade

    if settings.database_from == "default":
        settings.home.mkdir(parents=True, exist_ok=True)
    upgrade(connect(settings.database_url))
    return open_hotline(settings, clock)


def open_hotline(settings: Settings, clock=None) -> Hotline:
    """The hotline over the configured database, already migrated (each server worker opens its own)."""
    from processes.departments import Directory
    from processes.service import Hotline

    directory = Directory.load(settings.departments) if settings.departments else None
    return Hotline.open(settings.database_url, clock, directory)


def aware(text: str) -> datetime:
    """A moment typed on the command line, which must name its time zone."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as err:
        raise click.BadParameter(f"not an ISO 8601 moment: {text}") from err
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. 2026-11-30T09:00:00+08:00")
    return moment


class HotlineGroup(click.Group):
    """The ``hotline`` group: an ordinary mistake (an unknown case, an unreachable database) ends a command
    with one line saying what is wrong, never a traceback; anything else is a bug and keeps its traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except Exception as err:  # click's own exceptions find no message below, so they pass on unchanged
            message = plain_message(err, ctx.obj)
            if message is None:
                raise
            raise click.ClickException(message) from None


def plain_message(err: Exception, settings: Settings | None) -> str | None:
    """One line for a mistake a person can fix, or None for an error that is a bug.

    Exception classes are looked up in ``sys.modules``: an error of a library that was never imported
    cannot have been raised, and importing it here would slow every command down."""
    url = hide_password(settings.database_url) if settings else "?"
    source = settings.database_from if settings and settings.database_from != "default" else "the settings"
    for module, name, say in (
        ("engine.errors", "EngineError", lambda e: str(e)),
        ("sqlalchemy.exc", "NoSuchModuleError",
         lambda e: f"{url} (from {source}) names no database kind this hotline knows: "
                   "use sqlite:///FILE or postgresql+psycopg://USER@HOST/DATABASE"),
        ("sqlalchemy.exc", "ArgumentError",
         lambda e: f"{url!r} (from {source}) is not a database URL: "
                   "use sqlite:///FILE or postgresql+psycopg://USER@HOST/DATABASE"),
        ("sqlalchemy.exc", "OperationalError", lambda e: f"cannot use the database {url}: {_first_line(e.orig)}"),
        ("sqlalchemy.exc", "InterfaceError", lambda e: f"cannot use the database {url}: {_first_line(e.orig)}"),
        ("api.settings", "SettingsError", lambda e: str(e)),
        ("processes.reports.pdf", "MissingFont", lambda e: str(e)),
    ):
        kind = getattr(sys.modules.get(module), name, None)
        if kind is not None and isinstance(err, kind):
            return say(err)
    if isinstance(err, OSError) and err.filename:
        return f"{err.filename}: {err.strerror}"
    return None


def _first_line(error: BaseException | None) -> str:
    return (str(error).strip().splitlines() or ["no reason given"])[0]


@contextmanager
def progress(label: str) -> Iterator[Callable[..., None]]:
    """Report the progress of a long command: yields ``advance(done, total, doing=None)``, to be called as the
    work goes (``doing`` names the step now under way, for work done in a few named steps). ``label`` says
    what is counted ("cases verified").

    On a terminal it is click's progress bar, opened at the first call (when the total is known); otherwise
    (a pipe, a log) a plain line per named step, or at every tenth of the count. Both go to stderr, so what
    a command prints on stdout stays its result."""
    with ExitStack() as stack:
        bars: list[ProgressBar] = []

        def on_terminal(done: int, total: int, doing: str | None = None) -> None:
            if not bars:
                bars.append(stack.enter_context(click.progressbar(
                    length=total, label=label, file=sys.stderr, show_pos=True, item_show_func=lambda item: item)))
            bars[0].update(done - bars[0].pos, doing)

        def plain(done: int, total: int, doing: str | None = None) -> None:
            if doing is not None or done % max(1, total // PLAIN_EVERY) == 0 or done == total:
                click.echo(f"  {done}/{total} {doing or label}", err=True)

        yield on_terminal if sys.stderr.isatty() else plain
        if bars:  # the work is done: the bar says so, even when its last step was not reported
            bars[0].update(bars[0].length - bars[0].pos)
