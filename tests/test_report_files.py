"""The report as people receive it: CSV, an Excel workbook, an HTML page, a PDF, and the `hotline report` command."""

from __future__ import annotations

import copy
import csv
import io
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from openpyxl import load_workbook

from api.cli import main
from engine.clock import SimulatedClock
from engine.store import connect
from processes.database import upgrade
from processes.reports import charts, pdf
from processes.reports.exports import to_csv, to_xlsx
from processes.reports.output import write_report
from processes.reports.page import render_html
from processes.reports.period import Period
from processes.reports.report import gather, summarize
from processes.reports.tables import tables
from processes.service import Hotline
from tests import report_helpers as known

PERIOD = Period.of_days(known.FIRST_DAY, known.LAST_DAY)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    """One SQLite file with the fortnight played (these tests read it; the figures are tested on both databases)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('report-files') / 'hotline.db'}"
    upgrade(connect(url))
    known.fortnight(url)
    return url


@pytest.fixture(scope="module")
def hotline(url):
    return Hotline.open(url, SimulatedClock(known.READ_AT))


def csv_figures(text: str) -> dict[tuple[str, str, str], str]:
    rows = list(csv.DictReader(io.StringIO(text)))
    return {(row["table"], row["code"], row["measure"]): row["value"] for row in rows}


def test_the_csv_has_every_figure_one_a_line(hotline):
    text = to_csv(tables(summarize(hotline, PERIOD), hotline.directory, "zh")).decode("utf-8-sig")
    assert text.splitlines()[:3] == ["table,code,name,measure,value", "indicators,registered,登记来电,value,11",
                                     "indicators,registered,登记来电,numerator,"]
    figures = csv_figures(text)
    assert {code: figures["indicators", code, "value"] for code in ("acceptance_rate", "on_time_rate", "overdue",
            "callback_rate", "satisfaction_rate", "average_handling_days", "returns", "returned_cases")} == {
        "acceptance_rate": "0.9091", "on_time_rate": "0.6667", "overdue": "1", "callback_rate": "0.8",
        "satisfaction_rate": "0.6", "average_handling_days": "2.4", "returns": "3", "returned_cases": "2"}
    assert (figures["indicators", "on_time_rate", "numerator"], figures["indicators", "on_time_rate", "denominator"]) \
        == ("2", "3")
    assert {code: int(figures["by_status", code, "count"]) for code in known.BY_STATUS} == known.BY_STATUS
    assert figures["by_treatment", "", "count"] == "2"  # not triaged
    assert [tuple(figures["by_department", d[0], c] for c in known.DEPARTMENT_COLUMNS[1:]) for d in known.BY_DEPARTMENT
            ] == [tuple("" if v is None else str(v) for v in d[1:]) for d in known.BY_DEPARTMENT]


def test_the_csv_opens_in_excel_with_its_chinese_intact(hotline):
    """Excel on Windows reads a CSV as UTF-8 only when it starts with a byte order mark; lines end in CRLF."""
    content = to_csv(tables(summarize(hotline, PERIOD), hotline.directory, "zh"))
    assert content.startswith(b"\xef\xbb\xbftable,code,name,measure,value\r\n")
    assert "indicators,registered,登记来电,value,11\r\n".encode() in content


def test_the_workbook_has_one_sheet_per_table_with_rates_as_percentages(hotline):
    figures = summarize(hotline, PERIOD)
    workbook = load_workbook(io.BytesIO(to_xlsx(tables(figures, hotline.directory, "en"), "t", figures.generated_at)))
    assert workbook.sheetnames == ["Indicators", "By category", "By treatment", "By status", "By department"]
    indicators = list(workbook["Indicators"].iter_rows(values_only=True))
    assert indicators[0] == ("Code", "Name", "Value", "Numerator", "Denominator")
    assert {row[0]: row[2:] for row in indicators[1:]} == {
        "registered": (11, None, None), "acceptance_rate": (0.9091, 10, 11), "on_time_rate": (0.6667, 2, 3),
        "overdue": (1, None, None), "callback_rate": (0.8, 4, 5), "satisfaction_rate": (0.6, 3, 5),
        "average_handling_days": (2.4, 12, 5), "returns": (3, None, None), "returned_cases": (2, None, None),
        "upheld_returns": (1, None, None), "extended_cases": (1, None, None), "extensions": (1, None, None),
        "extension_days": (2, None, None)}
    assert workbook["Indicators"]["C3"].number_format == "0.0%"
    departments = list(workbook["By department"].iter_rows(values_only=True))
    assert [(row[0], *row[2:]) for row in departments[1:]] == known.BY_DEPARTMENT
    assert {row[0]: row[2] for row in list(workbook["By category"].iter_rows(values_only=True))[1:]} == \
        known.BY_CATEGORY


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_html_report_names_no_caller_and_hides_confidential_subjects(hotline, lang):
    html = render_html(gather(hotline, PERIOD), hotline.directory, lang)
    for caller in (known.CONFIDENTIAL_CALLER, {"name": "张三", "phone": "13800138000", "work_unit": "县第一中学",
                                               "address": "城关镇人民路1号"}):
        assert not [value for value in caller.values() if value in html]
    assert known.CONFIDENTIAL_SUBJECT not in html
    assert html.count("<svg") == 3 and "<script" not in html and "<metadata" not in html
    assert not re.search(r"""(src|href|url)\s*[=(]\s*["']?(https?:)?//""", html)  # nothing to fetch
    assert len(re.findall(r'<table id="overdue">', html)) == 1


def test_the_html_report_opens_with_the_figures_in_words(hotline):
    zh = render_html(gather(hotline, PERIOD), hotline.directory, "zh")
    assert "2026-09-28 – 2026-09-30 共登记来电 11 件，受理 10 件，受理率 90.9%。" in zh
    assert "按期办结 2 件，超期 1 件，按期办结率 66.7%。" in zh
    assert "回访率 80.0%；5 件有满意度评价，满意率 60.0%；平均办理时长 2.4 个工作日。" in zh
    assert "部门退回 3 次，最多的是县住房和城乡建设局（2 次）。" in zh
    en = render_html(gather(hotline, PERIOD), hotline.directory, "en")
    assert "on-time rate 66.7%" in en and "most often Housing and Urban-Rural Development Bureau (2)." in en


def test_the_overdue_table_lists_the_late_case(hotline):
    report = gather(hotline, PERIOD)
    [late] = report.overdue
    html = render_html(report, hotline.directory, "zh")
    row = re.search(rf"<tr><td>{late.number}</td>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r"<td>(.*?)</td>", row) == ["社会事务", "交办", "县城市管理局", "2026-09-28 09:00",
                                                 "2026-10-10 23:59", "已办结", "（保密）"]


def test_charts_are_drawn_on_a_machine_without_chinese_fonts(hotline, monkeypatch):
    monkeypatch.setattr(charts, "installed_cjk_fonts", lambda: [])  # as on a fresh CI machine
    html = render_html(gather(hotline, PERIOD), hotline.directory, "zh")
    assert html.count("<svg") == 3
    assert "每日来电（按类别）</text>" in html and "县水务局</text>" in html  # text for the browser to draw
    assert '"Noto Sans CJK SC", "Source Han Sans SC"' in html


def test_an_english_pdf_is_written_anywhere(hotline, tmp_path):
    path = tmp_path / "report.pdf"
    write_report(hotline, PERIOD, "en", path)
    content = path.read_bytes()
    assert content.startswith(b"%PDF") and len(re.findall(rb"/Type /Page\b", content)) == 5
    assert not list(tmp_path.glob("*.partial"))


def test_a_chinese_pdf_needs_a_chinese_font(hotline, tmp_path, monkeypatch):
    if charts.installed_cjk_fonts():
        write_report(hotline, PERIOD, "zh", tmp_path / "report.pdf")
        assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    monkeypatch.setattr(charts, "installed_cjk_fonts", lambda: [])  # a machine without fonts-noto-cjk
    with pytest.raises(pdf.MissingFont, match="install fonts-noto-cjk"):
        write_report(hotline, PERIOD, "zh", tmp_path / "no-font.pdf")
    assert not (tmp_path / "no-font.pdf").exists()


def _drawn(pages: list) -> list:
    """Pages drawn (as when saved), so that every text has its place and size."""
    for page in pages:
        FigureCanvasAgg(page).draw()
    return pages


def test_the_summary_breaks_lines_only_where_the_page_ends_and_the_indicators_follow(hotline):
    """Chinese has no spaces to break at: a short sentence stays on one line, and the table comes next."""
    with charts.chart_style("pdf"):
        first = pdf.pages(gather(hotline, PERIOD), hotline.directory, "zh")[0]
    lines = {text.get_text(): text.get_position()[1] for text in first.texts}
    assert "2026-09-28 – 2026-09-30 共登记来电 11 件，受理 10 件，受理率 90.9%。" in lines
    assert "部门退回 3 次，最多的是县住房和城乡建设局（2 次）。" in lines
    [indicators] = first.axes
    gap = min(lines.values()) - indicators.get_position().y1  # the table's title lies between: about two lines
    assert 0 < gap < 0.04, gap


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_charts_page_shows_every_date_and_department_whole(hotline, lang):
    """A month of days on a page's width: the dates do not overlap; long (English) names stay on the page."""
    month = gather(hotline, Period.of_days(date(2026, 9, 1), date(2026, 9, 30)))
    with charts.chart_style("pdf"):
        [page] = _drawn([pdf.pages(month, hotline.directory, lang)[1]])
        renderer = page.canvas.get_renderer()
        per_day, on_time = page.subfigs[0].axes[0], page.subfigs[1].axes[0]
        dates = [label.get_window_extent(renderer) for label in per_day.get_xticklabels() if label.get_text()]
        names = [label.get_window_extent(renderer) for label in on_time.get_yticklabels() if label.get_text()]
    assert len(dates) >= 4 and not [(a, b) for a, b in pairwise(dates) if a.overlaps(b)]
    assert len(names) == 2 and all(page.bbox.x0 < name.x0 and name.x1 < page.bbox.x1 for name in names)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_table_cell_keeps_its_text_inside_at_a_readable_size(hotline, lang):
    with charts.chart_style("pdf"):
        pages = _drawn(pdf.pages(gather(hotline, PERIOD), hotline.directory, lang))
        cells = [(cell, page.canvas.get_renderer()) for page in pages for ax in page.axes for table in ax.tables
                 for cell in table.get_celld().values()]
        assert len(cells) > 100
        for cell, renderer in cells:
            text, box = cell.get_text(), cell.get_window_extent(renderer).padded(0.5)
            assert text.get_fontsize() == 8, text.get_text()
            assert box.contains(*text.get_window_extent(renderer).p0) and box.contains(
                *text.get_window_extent(renderer).p1), text.get_text()


def _fontconfig_knows_a_cjk_font() -> bool:
    """Whether the system has a font of ``charts.CJK_FONTS`` (asked of fontconfig, not of matplotlib)."""
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout \
        if shutil.which("fc-list") else ""
    return any(name in listed for name in charts.CJK_FONTS)


def test_a_chinese_pdf_is_written_with_a_font_installed_after_matplotlib_listed_its_fonts(url, tmp_path):
    """matplotlib keeps its list of fonts in a cache file; a font installed later (fonts-noto-cjk) is found."""
    if not _fontconfig_knows_a_cjk_font():
        pytest.skip("no Chinese font on this machine: install fonts-noto-cjk (make test does)")
    stale = copy.copy(font_manager.fontManager)
    stale.ttflist = [font for font in stale.ttflist if font.name not in charts.CJK_FONTS and "CJK" not in font.name]
    config = tmp_path / "matplotlib"
    config.mkdir()
    stale_list = config / f"fontlist-v{font_manager.FontManager.__version__}.json"
    font_manager.json_dump(stale, stale_list)
    out = tmp_path / "report.pdf"
    written = subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", "--database-url", url, "report", "--from",
         "2026-09-28", "--to", "2026-09-30", "--out", str(out), "--lang", "zh"],
        cwd=ROOT, env={**os.environ, "MPLCONFIGDIR": str(config)}, capture_output=True, text=True, timeout=300)
    assert written.returncode == 0, written.stderr[-2000:]
    assert out.read_bytes().startswith(b"%PDF") and b"NotoSansCJK" in out.read_bytes()
    assert [p.name for p in config.iterdir()] == [stale_list.name]  # found without rebuilding the stale list


def run(url: str, *args: str):
    return CliRunner().invoke(main, ["--database-url", url, "report", *args])


@pytest.mark.parametrize(("suffix", "starts"), [(".html", b"<!DOCTYPE html>"), (".xlsx", b"PK"),
                                                (".csv", b"\xef\xbb\xbftable,code"), (".json", b"{")])
def test_hotline_report_writes_the_file_its_name_asks_for(url, tmp_path, suffix, starts):
    out = tmp_path / f"report{suffix}"
    result = run(url, "--from", "2026-09-28", "--to", "2026-09-30", "--out", str(out), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {out} (2026-09-28 – 2026-09-30: 11 case(s))"
    assert out.read_bytes().startswith(starts)


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2026-09-31", "--out", "r.html"], "Invalid value for --from: 不是 ISO 8601 日期或时间"),
    (["--from", "2026-10-01", "--to", "2026-09-30", "--out", "r.html"], "from must come before to"),
    (["--from", "2026-09-28", "--out", "r.docx"], "Invalid value for --out: the file must end in one of"),
    (["--from", "2026-09-28", "--to", "2026-09-30", "--out", "r.html", "--lang", "fr"], "'fr' is not one of"),
])
def test_hotline_report_refuses_bad_input_and_writes_nothing(url, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = run(url, *args)
    assert (result.exit_code, message in result.output) == (2, True), result.output
    assert list(tmp_path.iterdir()) == []
