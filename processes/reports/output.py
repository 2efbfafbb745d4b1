"""Writing a report for a period to a file, in the format its suffix names."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..service import Hotline
    from .figures import Figures
    from .period import Period

SUFFIXES = (".html", ".pdf", ".xlsx", ".csv", ".json")


def write_report(hotline: Hotline, period: Period, lang: str, path: Path,
                 step: Callable[[int, int, str], None] = lambda done, total, doing: None) -> Figures:
    """Write the period's report to ``path`` (``.html``, ``.pdf``, ``.xlsx``, ``.csv`` or ``.json``), telling
    ``step`` (steps done, of how many, what now) as it goes.

    The file appears whole or not at all: it is written beside its name and then renamed. What writing needs
    is imported here, and the charts (matplotlib) and workbooks (openpyxl) only for the formats that need
    them: they take seconds to load, and a command checks its arguments against ``SUFFIXES`` first.
    """
    from .report import gather
    from .tables import summary_document, tables

    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"不支持的文件类型 {suffix or '(无)'} / unsupported file type {suffix or '(none)'}: "
                         f"use {', '.join(SUFFIXES)}")
    step(0, 2, "counting the period's cases")
    report = gather(hotline, period)
    step(1, 2, f"writing {path.name}")
    directory, partial = hotline.directory, path.with_name(path.name + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".pdf":
        from .pdf import write_pdf

        write_pdf(report, directory, lang, partial)
    elif suffix == ".html":
        from .page import render_html

        partial.write_text(render_html(report, directory, lang), encoding="utf-8")
    elif suffix == ".xlsx":
        from .exports import to_xlsx

        partial.write_bytes(to_xlsx(tables(report.figures, directory, lang), path.stem, report.figures.generated_at))
    elif suffix == ".csv":
        from .exports import to_csv

        partial.write_bytes(to_csv(tables(report.figures, directory, lang)))
    else:
        document = summary_document(report.figures, directory, lang)
        partial.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=date.isoformat),
                           encoding="utf-8")
    partial.replace(path)
    return report.figures
