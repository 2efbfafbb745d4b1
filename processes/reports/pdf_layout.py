"""Text and tables laid out on A4 pages, top to bottom, for the PDF report.

matplotlib draws but does not lay out a document: its text wraps only at spaces (Chinese has none) and its
tables squeeze their font to fit. Here each text is measured with the font it is drawn in, lines break
between any two Chinese characters (never before a closing mark) or at spaces, table columns take the
width their contents need, and whatever does not fit on a page goes on the next (a table repeats its
title and header row there).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from matplotlib import rcParams
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.table import Table
from matplotlib.textpath import TextToPath

A4 = (8.27, 11.69)  # inches
LEFT, RIGHT, TOP, BOTTOM = 0.08, 0.92, 0.95, 0.05  # the text area, as fractions of the page
LINE_SPACING = 1.5  # a line's height, in multiples of its font size
CELL_PAD = 0.06  # inches between a cell's text and its border, on each side
TABLE_SIZE = 8
CELL_LINE_SPACING = 1.3
KEEP_WITH_HEADING = 5  # lines of text a heading needs under it on its page
_TOKEN = re.compile(r"[^\s\u2e80-\u9fff\uff00-\uffef]+\s*|\s+|.")  # a Latin word, spaces, or one CJK character
_NO_LINE_START = set("，。、；：？！）》」』”’%,.;:?!)")  # marks that stay with the text before them
_MEASURE = TextToPath()


def width(text: str, size: float, bold: bool = False) -> float:
    """How wide ``text`` is drawn, in inches, in the current fonts (``rcParams['font.family']``)."""
    font = FontProperties(family=rcParams["font.family"], size=size, weight="bold" if bold else "normal")
    return _MEASURE.get_text_width_height_descent(text, font, ismath=False)[0] / 72


def wrap(text: str, inches: float, size: float) -> list[str]:
    """``text`` in lines no wider than ``inches`` (a single word wider than that keeps its own line)."""
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(text):
        if line and token[0] not in _NO_LINE_START and width((line + token).rstrip(), size) > inches:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    return [*lines, line.rstrip()] if line.strip() or not lines else lines


@dataclass
class Pages:
    """A document's pages: each thing goes below the one before, on a new page when it does not fit."""

    pages: list[Figure] = field(default_factory=list)
    y: float = BOTTOM  # where the next thing starts on the last page (none yet: the first thing opens one)

    def new_page(self) -> None:
        self.pages.append(Figure(figsize=A4))
        self.y = TOP

    def heading(self, text: str, size: float = 14) -> None:
        """A heading, on a new page when the page has no room left for some text under it."""
        self._room(_lines(1.5, size) + _lines(KEEP_WITH_HEADING, 10))
        self.text(text, size=size, bold=True, after=0.5)

    def text(self, text: str, size: float = 10, bold: bool = False, after: float = 0.4) -> None:
        """A paragraph, wrapped to the text area, on the next page if it does not fit on this one (a paragraph
        longer than a page begins here); ``after`` is the space below it, in lines."""
        lines = wrap(text, (RIGHT - LEFT) * A4[0], size)
        if _lines(len(lines), size) < TOP - BOTTOM:
            self._room(_lines(len(lines), size))
        for line in lines:
            self._room(_lines(1, size))
            self.pages[-1].text(LEFT, self.y, line, fontsize=size, weight="bold" if bold else "normal", va="top")
            self.y -= _lines(1, size)
        self.y -= _lines(after, size)

    def table(self, title: str, headers: Sequence[str], rows: Sequence[Sequence[str]],
              right: Sequence[bool] = ()) -> None:
        """A table with a title over it (if any), columns as wide as their contents (numbers aligned ``right``);
        rows that do not fit go on the next page, below the title and header row again."""
        layout = _Columns.fit([headers, *rows], (RIGHT - LEFT) * A4[0])
        header, wrapped = layout.wrap(headers), [layout.wrap(row) for row in rows]
        while True:
            self._room(_lines(1.2, 11) * bool(title) + _height(header) + _height(wrapped[0]))
            if title:
                self.text(title, size=11, bold=True, after=0.2)
            count = _fitting(wrapped, self.y - BOTTOM - _height(header))
            self._draw(layout, header, wrapped[:count], right)
            wrapped = wrapped[count:]
            if not wrapped:
                break
            self.new_page()
        self.y -= _lines(1.5, 10)

    def _draw(self, layout: _Columns, headers: list[str], rows: list[list[str]], right: Sequence[bool]) -> None:
        heights = [_height(row) for row in [headers, *rows]]
        total = sum(heights)
        ax = self.pages[-1].add_axes((LEFT, self.y - total, layout.total / A4[0], total))
        ax.axis("off")
        drawn = Table(ax, bbox=(0, 0, 1, 1))
        drawn.auto_set_font_size(False)
        for number, (row, height) in enumerate(zip([headers, *rows], heights, strict=True)):
            for column, (text, share) in enumerate(zip(row, layout.shares, strict=True)):
                loc = "right" if column < len(right) and right[column] else "left"
                cell = drawn.add_cell(number, column, share, height / total, text=text, loc=loc)
                cell.PAD = CELL_PAD / (share * layout.total)  # matplotlib's padding is a share of the width
                cell.get_text().set_linespacing(CELL_LINE_SPACING)
                cell.set_text_props(weight="bold" if number == 0 else "normal")
        drawn.set_fontsize(TABLE_SIZE)
        ax.add_table(drawn)
        self.y -= total

    def _room(self, height: float) -> None:
        """Start a new page unless ``height`` fits on this one."""
        if not self.pages or self.y - height < BOTTOM:
            self.new_page()


@dataclass(frozen=True)
class _Columns:
    widths: list[float]  # inches

    @classmethod
    def fit(cls, rows: Sequence[Sequence[str]], inches: float) -> _Columns:
        """Each column as wide as its widest cell, and all of them together at least half the width of the text
        area, or all of it when they need more than half: spare width is shared out evenly. When the contents
        are wider than the text area, the widest columns give way and wrap, down to their longest word."""
        columns = list(zip(*rows, strict=True))
        natural = [max(_padded(str(cell)) for cell in column) for column in columns]
        if sum(natural) <= inches:
            wanted = inches if sum(natural) > inches / 2 else inches / 2
            return cls([w + (wanted - sum(natural)) / len(natural) for w in natural])
        least = [max(_padded(word) for cell in column for word in _TOKEN.findall(str(cell))) for column in columns]
        cap = _cap(natural, least, inches)
        return cls([max(low, min(w, cap)) for w, low in zip(natural, least, strict=True)])

    @property
    def total(self) -> float:
        return sum(self.widths)

    @property
    def shares(self) -> list[float]:
        return [w / self.total for w in self.widths]

    def wrap(self, row: Sequence[str]) -> list[str]:
        return ["\n".join(wrap(str(cell), w - 2 * CELL_PAD, TABLE_SIZE)) for cell, w in
                zip(row, self.widths, strict=True)]


def _padded(text: str) -> float:
    return width(text.strip(), TABLE_SIZE) + 2 * CELL_PAD + 0.02


def _cap(natural: list[float], least: list[float], inches: float) -> float:
    """The widest a column may be so that all of them, none wider than that (nor narrower than its longest
    word), fill ``inches`` (as near as their words allow): found by halving the interval."""
    low, high = 0.0, max(natural)
    for _ in range(30):
        cap = (low + high) / 2
        total = sum(max(m, min(w, cap)) for w, m in zip(natural, least, strict=True))
        low, high = (cap, high) if total <= inches else (low, cap)
    return low


def _lines(count: float, size: float) -> float:
    """The height of ``count`` lines of text in ``size`` points, as a fraction of the page."""
    return count * size * LINE_SPACING / 72 / A4[1]


def _height(row: list[str]) -> float:
    """A table row's height: its tallest cell's lines, and some room above and below them."""
    lines = max(cell.count("\n") + 1 for cell in row)
    return (lines * CELL_LINE_SPACING + 0.8) * TABLE_SIZE / 72 / A4[1]


def _fitting(rows: list[list[str]], room: float) -> int:
    """How many of ``rows`` fit in ``room`` (at least one, so a page always moves on)."""
    count, used = 0, 0.0
    for row in rows:
        used += _height(row)
        if used > room and count:
            break
        count += 1
    return count
