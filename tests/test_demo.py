"""`hotline demo` plays every path of the procedure and its summary shows each one."""

from click.testing import CliRunner
from sqlalchemy import func, select

from api.cli import main
from processes.demo import WATER_REPLY
from processes.models import HotlineCase

NAMES = {"consultation", "water", "pollution", "blackout", "street_stalls", "neighbour", "pothole", "school_fees"}


def test_the_demo_fortnight_covers_every_path(db):
    result = CliRunner().invoke(main, ["demo", "--into", db.url.render_as_string(hide_password=False)])
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines() if line.startswith("12345-") and "  " in line
            and line.split()[1] in NAMES]
    table = {row[1]: row for row in rows}
    assert {name: row[3] for name, row in table.items()} == {
        "consultation": "closed", "water": "closed", "pollution": "closed", "blackout": "closed",
        "street_stalls": "closed", "neighbour": "not_accepted", "pothole": "withdrawn", "school_fees": "closed"}
    assert {row[2] for row in rows} >= {"immediate", "assignment", "direct", "submission"}
    assert table["water"][7] == "1"  # returned once
    assert table["street_stalls"][5:7] == ["yes", "yes"]  # reminded, overdue
    assert "supplement" in " ".join(table["water"]) and "repeat" in " ".join(table["pothole"])
    assert "reopened" in " ".join(table["street_stalls"])
    assert "extended +2 day(s)" in " ".join(table["school_fees"])
    assert "timers fired on 1 case(s)" in result.output
    assert f"{table['water'][0]}  the caller looked it up (phone …8000): 已办结, reply: {WATER_REPLY}" in result.output
    with db.connect() as connection:  # --into keeps the cases where it was told
        assert connection.scalar(select(func.count()).select_from(HotlineCase)) == 8


def test_the_demo_leaves_the_real_database_alone(tmp_path, monkeypatch):
    monkeypatch.delenv("HOTLINE_DATABASE_URL", raising=False)
    monkeypatch.setenv("HOTLINE_HOME", str(tmp_path / "instance"))
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith("(played on a throwaway database, now deleted; --into URL keeps the cases)\n")
    assert not (tmp_path / "instance").exists()  # not a case, not even a file, in the instance folder
