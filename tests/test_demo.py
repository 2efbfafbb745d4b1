"""`hotline demo` plays every path of the procedure and its summary shows each one."""

from click.testing import CliRunner

from api.cli import main


def test_the_demo_fortnight_covers_every_path(db):
    result = CliRunner().invoke(main, ["--database-url", db.url.render_as_string(hide_password=False), "demo"])
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines() if line.startswith("12345-") and "  " in line
            and line.split()[1] in {"consultation", "water", "pollution", "blackout", "street_stalls", "neighbour",
                                     "pothole", "school_fees"}]
    table = {row[1]: row for row in rows}
    assert {name: row[3] for name, row in table.items()} == {
        "consultation": "closed", "water": "closed", "pollution": "closed", "blackout": "closed",
        "street_stalls": "closed", "neighbour": "not_accepted", "pothole": "withdrawn", "school_fees": "closed"}
    assert {row[2] for row in rows} >= {"immediate", "assignment", "direct", "submission"}
    assert table["water"][7] == "1"  # returned once
    assert table["street_stalls"][5:7] == ["yes", "yes"]  # reminded, overdue
    assert "supplement" in " ".join(table["water"]) and "repeat" in " ".join(table["pothole"])
    assert "reopened" in " ".join(table["street_stalls"])
    assert "timers fired on 1 case(s)" in result.output
