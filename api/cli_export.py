"""``hotline export xes|ocel``: the history of a period as a process-mining log file, written as it is read."""

from __future__ import annotations

from pathlib import Path

import click

from .cli_admin import _period_errors
from .cli_support import hotline_for
from .settings import Settings


@click.command("export")
@click.argument("kind", type=click.Choice(["xes", "ocel"]))
@click.option("--from", "from_", metavar="DATE", help="First day of registration (YYYY-MM-DD, Shanghai); default: "
                                                      "the 1st of the month of --to.")
@click.option("--to", metavar="DATE", help="Last day, inclusive (YYYY-MM-DD, Shanghai); default: today.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The file to write (.xes, .json).")
@click.pass_obj
def export(config: Settings, kind: str, from_: str | None, to: str | None, out: str) -> None:
    """Write the cases registered in a period as an XES log or an OCEL 2.0 JSON log, for process-mining tools.

    Roles and departments stand for the people who acted, callers are pseudonyms, confidential subjects are left
    out. Cases are read in batches, so a long period needs no more memory than a short one."""
    from processes.exports.logs import export as pieces
    from processes.reports.period import parse_bound
    from processes.reports.report import period_for

    with _period_errors():
        bounds = [bound and parse_bound(bound, field) for bound, field in ((from_, "from"), (to, "to"))]
    hotline = hotline_for(config)
    with _period_errors():
        period = period_for(hotline, *bounds)
    path, size = Path(out), 0
    with path.open("w", encoding="utf-8") as file:
        for piece in pieces(hotline, kind, period):
            size += file.write(piece)
    click.echo(f"wrote {path} ({kind}, {period.label()}, {size:,} characters)")
