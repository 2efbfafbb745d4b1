"""The report as a PDF, drawn by matplotlib alone (no browser, no system libraries): A4 pages with the
summary and indicators, the three charts, the overdue cases, the tables and how each figure is counted.

Unlike the HTML page, a PDF must carry its glyphs, so a Chinese PDF needs a CJK font on the machine that
makes it (Debian: ``fonts-noto-cjk``); without one it is refused with that advice, and an English PDF or
the HTML report still works.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from ..departments import Directory
from . import charts
from .page import TEXT, cells, local_time, overdue_rows
from .pdf_layout import A4, BOTTOM, LEFT, RIGHT, TOP, Pages
from .report import Report
from .tables import Table, tables
from .wording import summary_sentences

OVERDUE_COLUMNS = ("number", "category", "treatment", "departments", "registered", "due", "status", "subject")


class MissingFont(RuntimeError):
    """No Chinese-capable font is installed, so a Chinese PDF would show empty boxes."""


def write_pdf(report: Report, directory: Directory, lang: str, path: Path) -> None:
    """Write the report for ``lang`` to ``path`` as a PDF (``MissingFont`` for Chinese without a CJK font)."""
    if lang != "en" and not charts.installed_cjk_fonts():
        raise MissingFont("没有中文字体，无法生成中文 PDF（可安装 fonts-noto-cjk，或用 --lang en 或 .html） / "
                          "no Chinese font is installed for a Chinese PDF (install fonts-noto-cjk, "
                          "or use --lang en or an .html report)")
    with charts.chart_style("pdf"), PdfPages(path, metadata={"Title": _pick("title", lang),
                                                             "CreationDate": None}) as pdf:
        for page in pages(report, directory, lang):
            pdf.savefig(page)


def pages(report: Report, directory: Directory, lang: str) -> list[Figure]:
    """The report's A4 pages: the summary, the charts, the overdue cases, the tables and the definitions
    (drawn inside ``charts.chart_style``, whose fonts they are measured in)."""
    laid_out = tables(report.figures, directory, lang)
    return [*_summary(report, directory, lang, laid_out[0]), _charts_page(report, directory, lang),
            *_overdue(report, directory, lang), *_tables(laid_out[1:], lang)]


def _pick(key: str, lang: str) -> str:
    return TEXT[key][1] if lang == "en" else TEXT[key][0]


def _summary(report: Report, directory: Directory, lang: str, indicators: Table) -> list[Figure]:
    """The title, the period, the figures in words and the indicators."""
    figures, colon = report.figures, _pick("colon", lang)
    pages = Pages()
    pages.text(_pick("title", lang), size=18, bold=True, after=0.3)
    pages.text(f"{_pick('period', lang)}{colon}{figures.period.label()} · {_pick('generated', lang)}{colon}"
               f"{local_time(figures.generated_at)}", after=1)
    for sentence in summary_sentences(figures, directory, lang):
        pages.text(sentence, after=0.3)
    pages.text("", after=0.5)
    _table(pages, indicators)
    return pages.pages


def _charts_page(report: Report, directory: Directory, lang: str) -> Figure:
    """The three charts, a third of the page each, with room for their labels, legends and titles."""
    margins = (LEFT, BOTTOM, RIGHT - LEFT, TOP - BOTTOM)
    page = Figure(figsize=A4, layout=ConstrainedLayoutEngine(rect=margins, h_pad=0.25, hspace=0.04))
    top, middle, bottom = page.subfigures(3, 1)
    charts.cases_per_day(report.figures, lang, into=top)
    charts.on_time_by_department(report.figures, directory, lang, into=middle)
    charts.treatment_mix(report.figures, lang, into=bottom)
    return page


def _overdue(report: Report, directory: Directory, lang: str) -> list[Figure]:
    """The overdue cases, as many pages as they take (the subject of a confidential case is not shown)."""
    pages = Pages()
    pages.heading(_pick("overdue", lang))
    rows = overdue_rows(report, directory, lang)
    if rows:
        pages.table("", [_pick(key, lang) for key in OVERDUE_COLUMNS], rows)
    else:
        pages.text(_pick("none_overdue", lang))
    more = report.figures.overdue - len(rows)
    if more:
        pages.text(_pick("more_overdue", lang).format(n=more))
    return pages.pages


def _tables(laid_out: list[Table], lang: str) -> list[Figure]:
    """The tables by category, treatment, status and department, then how each figure is counted."""
    pages = Pages()
    pages.heading(_pick("tables", lang))
    for table in laid_out:
        _table(pages, table)
    pages.heading(_pick("notes", lang))
    pages.text(_pick("definitions", lang), size=9)
    return pages.pages


def _table(pages: Pages, table: Table) -> None:
    rows = [cells(table, row) for row in table.rows]
    numeric = [all(cell[1] for cell in column) for column in zip(*rows, strict=True)] if rows else []
    pages.table(table.title, table.headers[1:], [[text for text, _ in row] for row in rows] or
                [["—"] * (len(table.columns) - 1)], right=numeric)
