"""The report's charts, drawn with matplotlib as SVG text to inline in a self-contained page.

Text stays text in the SVG (``svg.fonttype: none``) and names Chinese-capable fonts, so the reader's
browser draws the glyphs: a machine without a CJK font still makes correct charts (matplotlib only
measures the labels with the fonts it has, and its missing-glyph warnings are expected there).
Figures are built without pyplot (no GUI backend, no figure registry); each chart draws into a new figure
or ``into`` a part of one (the PDF puts three on a page). matplotlib's settings are global, so drawing
holds a lock: the scheduler's reports and a command's never mix their settings.
"""

from __future__ import annotations

import io
import re
import textwrap
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure, FigureBase
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..departments import Directory
from .figures import Figures
from .labels import CATEGORIES, TREATMENTS, department_name, name_of, pick

CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "PingFang SC", "Microsoft YaHei", "SimHei", "Noto Serif CJK SC")
"""Chinese-capable fonts a browser or this machine may have, most wanted first."""
FONT_STACK = ", ".join([*(f'"{name}"' for name in CJK_FONTS), '"DejaVu Sans"', "sans-serif"])
"""The CSS font list a page gives its charts' text."""
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#7f7f7f")
_DRAWING = threading.RLock()
HOTSPOT_LINES = 6  # topics drawn in the hot-spot chart, highest score first
DAILY_UP_TO = 62  # longer periods are drawn per month, so the bars stay readable
DAY_STEPS, MONTH_STEPS = [1, 2, 7, 10], [1, 2, 3, 6, 10]  # label every n-th day (a week), month (a quarter)
NAME_WIDTH = 24  # characters of a department's name on one line of the chart (English names are long)
_PROLOGUE = re.compile(r"^.*?(?=<svg)|<metadata>.*?</metadata>\s*", re.S)  # XML prologue, RDF metadata


def installed_cjk_fonts() -> list[str]:
    """The CJK fonts of ``CJK_FONTS`` installed on this machine (possibly none), looked for again among the
    system's font files when matplotlib's list has none of them (see ``_add_fonts_installed_since``)."""
    found = _known_cjk_fonts()
    if not found:
        _add_fonts_installed_since()
        found = _known_cjk_fonts()
    return found


def _known_cjk_fonts() -> list[str]:
    available = {font.name for font in font_manager.fontManager.ttflist}
    return [name for name in CJK_FONTS if name in available]


def _add_fonts_installed_since() -> None:
    """Give matplotlib the system's font files it does not know. It lists the fonts once and caches the list
    on disk, so a font installed later (``apt-get install fonts-noto-cjk``) stays unknown to it until the
    cache is deleted; fontconfig (``fc-list``, which matplotlib asks too) and the usual font folders know."""
    with _DRAWING:
        manager = font_manager.fontManager
        known = {font.fname for font in manager.ttflist}
        for path in sorted(set(font_manager.findSystemFonts()) - known):
            try:
                manager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # a file FreeType cannot read is no font of ours
                continue


@contextmanager
def chart_style(salt: str = "hotline") -> Iterator[None]:
    """Draw and save charts inside this: text as text, CJK fonts first, ids salted per chart (``salt``) so
    several SVGs inline in one page never share an id."""
    families = [*installed_cjk_fonts(), "DejaVu Sans"]
    params = {"svg.fonttype": "none", "svg.hashsalt": salt, "font.family": families, "font.size": 10,
              "axes.prop_cycle": matplotlib.cycler(color=PALETTE)}
    with _DRAWING, matplotlib.rc_context(params), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        yield


def svg_charts(figures: Figures, directory: Directory, lang: str) -> list[str]:
    """The report's three charts as SVG documents ready to inline in HTML."""
    drawers = {"per-day": lambda: cases_per_day(figures, lang),
               "on-time": lambda: on_time_by_department(figures, directory, lang),
               "treatments": lambda: treatment_mix(figures, lang)}
    drawn = []
    for salt, draw in drawers.items():
        with chart_style(salt):
            drawn.append(_svg(draw()))
    return drawn


def _svg(figure: FigureBase) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    return _PROLOGUE.sub("", out.getvalue())


def _empty(ax, lang: str) -> None:
    ax.text(0.5, 0.5, pick(("本期无数据", "nothing to show for this period"), lang), ha="center", va="center",
            transform=ax.transAxes, color="#555555")
    ax.set_xticks([])
    ax.set_yticks([])


def cases_per_day(figures: Figures, lang: str, into: FigureBase | None = None) -> FigureBase:
    """Stacked bars: cases registered each day (each month, for long periods), by category."""
    days = figures.period.days()
    monthly = len(days) > DAILY_UP_TO
    buckets = sorted({(d.year, d.month) for d in days}) if monthly else days
    labels = [f"{b[0]}-{b[1]:02d}" for b in buckets] if monthly else [d.strftime("%m-%d") for d in buckets]
    counts = _bucketed(figures.by_day, monthly)
    figure = into or Figure(figsize=(max(6.0, min(16.0, 0.35 * len(buckets) + 3)), 3.6), layout="constrained")
    ax = figure.subplots()
    bottoms = [0] * len(buckets)
    for category in (c for c in CATEGORIES if any(counts.get((b, c)) for b in buckets)):
        heights = [counts.get((b, category), 0) for b in buckets]
        ax.bar(range(len(buckets)), heights, bottom=bottoms, label=name_of(CATEGORIES, category, lang))
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    if not any(bottoms):
        _empty(ax, lang)
    else:
        _label_some(ax, labels, MONTH_STEPS if monthly else DAY_STEPS)
        ax.set_ylabel(pick(("件数", "cases"), lang))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(pick(("每日来电（按类别）", "Cases per day by category"), lang) if not monthly
                 else pick(("每月来电（按类别）", "Cases per month by category"), lang))
    return figure


def _label_some(ax, labels: list[str], steps: list[int]) -> None:
    """Label every day (or month) the axis has room for, every 2nd, 7th ... otherwise: matplotlib counts the
    room when it draws (a page's chart is narrower than a browser's), so the dates never overlap."""
    ax.xaxis.set_major_locator(MaxNLocator(nbins="auto", steps=steps, integer=True, min_n_ticks=1))
    ax.xaxis.set_major_formatter(FuncFormatter(
        lambda x, _: labels[int(x)] if x == int(x) and 0 <= x < len(labels) else ""))
    ax.tick_params(axis="x", labelrotation=45, labelrotation_mode="xtick")


def _bucketed(by_day: dict[tuple[date, str], int], monthly: bool) -> dict[tuple, int]:
    counts: dict[tuple, int] = {}
    for (day, category), n in by_day.items():
        key = ((day.year, day.month) if monthly else day, category)
        counts[key] = counts.get(key, 0) + n
    return counts


def on_time_by_department(figures: Figures, directory: Directory, lang: str,
                          into: FigureBase | None = None) -> FigureBase:
    """Horizontal bars: each department's on-time rate, over its cases already judged (on time or overdue)."""
    judged = [d for d in figures.by_department if d.on_time_rate.denominator]
    figure = into or Figure(figsize=(7.0, max(2.2, 0.45 * len(judged) + 1.2)), layout="constrained")
    ax = figure.subplots()
    if not judged:
        _empty(ax, lang)
    else:
        rates = [d.on_time_rate.value * 100 for d in judged]
        colors = [PALETTE[2] if rate >= 90 else PALETTE[1] if rate >= 60 else PALETTE[3] for rate in rates]
        bars = ax.barh(range(len(judged)), rates, color=colors)
        ax.bar_label(bars, [f"{rate:.1f}% ({d.on_time}/{d.on_time_rate.denominator})"
                            for rate, d in zip(rates, judged, strict=True)], padding=3, fontsize=8)
        names = [textwrap.fill(department_name(directory, d.code, lang), NAME_WIDTH) for d in judged]
        ax.set_yticks(range(len(judged)), names)
        ax.invert_yaxis()
        ax.set_xlim(0, 125)
        ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_title(pick(("各部门按期办结率", "On-time rate per department"), lang))
    return figure


def treatment_mix(figures: Figures, lang: str, into: FigureBase | None = None) -> FigureBase:
    """A pie of the treatments the period's cases got (untriaged ones included)."""
    shares = [(code, n) for code, n in figures.by_treatment.items() if n]
    figure = into or Figure(figsize=(5.5, 3.6), layout="constrained")
    ax = figure.subplots()
    if not shares:
        _empty(ax, lang)
    else:
        ax.pie([n for _, n in shares], labels=[f"{name_of(TREATMENTS, code, lang)} {n}" for code, n in shares],
               autopct="%1.0f%%", startangle=90, counterclock=False, textprops={"fontsize": 9},
               wedgeprops={"linewidth": 1, "edgecolor": "white"})
        ax.set_aspect("equal")
    ax.set_title(pick(("办理方式构成", "Treatment mix"), lang))
    return figure


def hotspot_days(series: dict[str, dict[date, int]], days: list[date], lang: str) -> str:
    """Lines: the calls a day of each raised topic (up to ``HOTSPOT_LINES``), as one SVG document."""
    with chart_style("hotspots"):
        figure = Figure(figsize=(max(6.0, min(16.0, 0.3 * len(days) + 3)), 3.4), layout="constrained")
        ax = figure.subplots()
        for label, by_day in list(series.items())[:HOTSPOT_LINES]:
            ax.plot(range(len(days)), [by_day.get(day, 0) for day in days], marker="o", markersize=3, label=label)
        _label_some(ax, [day.strftime("%m-%d") for day in days], DAY_STEPS)
        ax.set_ylabel(pick(("件数", "calls"), lang))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_title(pick(("热点话题每日来电", "Calls a day on the hot topics"), lang))
        return _svg(figure)
