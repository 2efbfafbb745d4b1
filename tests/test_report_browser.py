"""The HTML report as a reader's browser shows it: headless Chromium draws the three charts.

`make test` installs Debian's ``chromium`` when it is missing (see the Makefile), so this test runs
everywhere the suite does; it fails, rather than skips, on a machine without a browser.
"""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from engine.clock import SimulatedClock
from engine.store import connect
from processes.database import upgrade
from processes.reports.charts import PALETTE
from processes.reports.output import write_report
from processes.reports.period import Period
from processes.service import Hotline
from tests import report_helpers as known

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars")


class Charts(HTMLParser):
    """Collects, per chart figure in the DOM, its SVG drawing paths and texts."""

    def __init__(self):
        super().__init__()
        self.charts: list[dict[str, list[str]]] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure" and attrs.get("class") == "chart":
            self.charts.append({"paths": [], "texts": []})
            self._depth = 1
        elif self._depth and tag == "path":
            self.charts[-1]["paths"].append(attrs.get("d") or "")

    def handle_data(self, data):
        if self._depth and data.strip():
            self.charts[-1]["texts"].append(data.strip())

    def handle_endtag(self, tag):
        if tag == "figure":
            self._depth = 0


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    browser = shutil.which("chromium")
    if browser is None:
        pytest.fail("chromium is not installed: run `make chromium` (as root: apt-get install chromium)")
    return subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=180, check=True)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report-browser")
    url = f"sqlite:///{folder / 'hotline.db'}"
    upgrade(connect(url))
    known.fortnight(url)
    path = folder / "report.html"
    write_report(Hotline.open(url, SimulatedClock(known.READ_AT)), Period.of_days(known.FIRST_DAY, known.LAST_DAY),
                 "zh", path)
    return path


def test_the_browser_builds_three_charts_with_drawn_shapes_and_labels(report, tmp_path):
    dom = chromium("--dump-dom", report.as_uri(), profile=tmp_path / "profile").stdout
    parser = Charts()
    parser.feed(dom)
    assert len(parser.charts) == 3
    for chart in parser.charts:
        assert sum(1 for d in chart["paths"] if len(d) > 10) >= 3, chart["texts"]
    titles = [next(t for t in chart["texts"] if t in ("每日来电（按类别）", "各部门按期办结率", "办理方式构成"))
              for chart in parser.charts]
    assert titles == ["每日来电（按类别）", "各部门按期办结率", "办理方式构成"]
    assert "县城市管理局" in parser.charts[1]["texts"] and "100.0% (2/2)" in parser.charts[1]["texts"]


def test_the_screenshot_shows_the_charts_in_colour(report, tmp_path):
    shot = tmp_path / "report.png"
    chromium(f"--screenshot={shot}", "--window-size=1200,2600", report.as_uri(), profile=tmp_path / "profile")
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 2600)
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 20)}
    wanted = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in PALETTE[:4]}
    assert wanted <= colours, f"chart colours missing from {shot}"
    print(f"screenshot: {shot}")
