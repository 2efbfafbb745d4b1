"""Writing a report for a period to a file, in the format its suffix names."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ..service import Hotline
from .exports import to_csv, to_xlsx
from .figures import Figures
from .page import render_html
from .pdf import write_pdf
from .period import Period
from .report import gather
from .tables import summary_document, tables

SUFFIXES = (".html", ".pdf", ".xlsx", ".csv", ".json")


def write_report(hotline: Hotline, period: Period, lang: str, path: Path) -> Figures:
    """Write the period's report to ``path`` (``.html``, ``.pdf``, ``.xlsx``, ``.csv`` or ``.json``).

    The file appears whole or not at all: it is written beside its name and then renamed.
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"不支持的文件类型 {suffix or '(无)'} / unsupported file type {suffix or '(none)'}: "
                         f"use {', '.join(SUFFIXES)}")
    report = gather(hotline, period)
    directory, partial = hotline.directory, path.with_name(path.name + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".pdf":
        write_pdf(report, directory, lang, partial)
    elif suffix == ".html":
        partial.write_text(render_html(report, directory, lang), encoding="utf-8")
    elif suffix == ".xlsx":
        partial.write_bytes(to_xlsx(tables(report.figures, directory, lang), path.stem, report.figures.generated_at))
    elif suffix == ".csv":
        partial.write_bytes(to_csv(tables(report.figures, directory, lang)))
    else:
        document = summary_document(report.figures, directory, lang)
        partial.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=date.isoformat),
                           encoding="utf-8")
    partial.replace(path)
    return report.figures
