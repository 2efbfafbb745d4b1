"""The report as a PDF, drawn by matplotlib alone (no browser, no system libraries): A4 pages with the
summary and indicators, the three charts, the overdue cases and the tables.

Unlike the HTML page, a PDF must carry its glyphs, so a Chinese PDF needs a CJK font on the machine that
makes it (Debian: ``fonts-noto-cjk``); without one it is refused with that advice, and an English PDF or
the HTML report still works.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from ..departments import Directory
from . import charts
from .page import TEXT, cells, overdue_rows
from .report import Report
from .tables import Table, tables
from .wording import summary_sentences

A4 = (8.27, 11.69)
ROWS_PER_PAGE = 40


class MissingFont(RuntimeError):
    """No Chinese-capable font is installed, so a Chinese PDF would show empty boxes."""


def write_pdf(report: Report, directory: Directory, lang: str, path: Path) -> None:
    """Write the report for ``lang`` to ``path`` as a PDF (``MissingFont`` for Chinese without a CJK font)."""
    if lang != "en" and not charts.installed_cjk_fonts():
        raise MissingFont("没有中文字体，无法生成中文 PDF（可安装 fonts-noto-cjk，或用 --lang en 或 .html） / "
                          "no Chinese font is installed for a Chinese PDF (install fonts-noto-cjk, "
                          "or use --lang en or an .html report)")
    laid_out = tables(report.figures, directory, lang)
    with charts.chart_style("pdf"), PdfPages(path, metadata={"Title": _pick("title", lang),
                                                             "CreationDate": None}) as pdf:
        pdf.savefig(_summary_page(report, directory, lang, laid_out[0]))
        pdf.savefig(_charts_page(report, directory, lang))
        for page in _overdue_pages(report, directory, lang):
            pdf.savefig(page)
        pdf.savefig(_tables_page(laid_out[1:4]))
        pdf.savefig(_tables_page(laid_out[4:]))


def _pick(key: str, lang: str) -> str:
    return TEXT[key][1] if lang == "en" else TEXT[key][0]


def _summary_page(report: Report, directory: Directory, lang: str, indicators: Table) -> Figure:
    page = Figure(figsize=A4)
    page.text(0.08, 0.95, _pick("title", lang), fontsize=18, weight="bold", va="top")
    period = f"{_pick('period', lang)}{_pick('colon', lang)}{report.figures.period.label()}"
    page.text(0.08, 0.915, period, fontsize=10, va="top")
    width = 44 if lang != "en" else 95
    text = "\n".join(textwrap.fill(s, width) for s in summary_sentences(report.figures, directory, lang))
    page.text(0.08, 0.88, text, fontsize=10, va="top", linespacing=1.6)
    _table(page.add_axes((0.08, 0.25, 0.84, 0.35)), indicators)
    return page


def _charts_page(report: Report, directory: Directory, lang: str) -> Figure:
    page = Figure(figsize=A4)
    top, middle, bottom = page.subfigures(3, 1)
    charts.cases_per_day(report.figures, lang, into=top)
    charts.on_time_by_department(report.figures, directory, lang, into=middle)
    charts.treatment_mix(report.figures, lang, into=bottom)
    return page


def _overdue_pages(report: Report, directory: Directory, lang: str) -> list[Figure]:
    rows = overdue_rows(report, directory, lang)
    headers = [_pick(k, lang) for k in ("number", "category", "departments", "due", "status")]
    pages = []
    for first in range(0, max(len(rows), 1), ROWS_PER_PAGE):
        page = Figure(figsize=A4)
        page.text(0.08, 0.95, _pick("overdue", lang), fontsize=14, weight="bold", va="top")
        chunk = [[row[0], row[1], row[3], row[5], row[6]] for row in rows[first:first + ROWS_PER_PAGE]]
        if chunk:
            height = 0.02 * (len(chunk) + 1)
            ax = page.add_axes((0.05, 0.92 - height, 0.9, height))
            ax.axis("off")
            ax.table(cellText=chunk, colLabels=headers, loc="upper center", cellLoc="left").set_fontsize(7)
        else:
            page.text(0.08, 0.9, _pick("none_overdue", lang), fontsize=10, va="top")
        pages.append(page)
    return pages


def _tables_page(laid_out: list[Table]) -> Figure:
    page = Figure(figsize=A4)
    heights = [0.022 * (len(t.rows) + 2) for t in laid_out]
    top = 0.95
    for table, height in zip(laid_out, heights, strict=True):
        _table(page.add_axes((0.08, top - height, 0.84, height)), table)
        top -= height + 0.05
    return page


def _table(ax, table: Table) -> None:
    ax.axis("off")
    ax.set_title(table.title, loc="left", fontsize=11, weight="bold")
    rows = [[text for text, _ in cells(table, row)] for row in table.rows] or [["—"] * (len(table.columns) - 1)]
    drawn = ax.table(cellText=rows, colLabels=table.headers[1:], loc="upper center", cellLoc="left")
    drawn.set_fontsize(8)
