"""The `hotline` command as designers and administrators use it from the shell."""

import json
import os
import socket
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from api.cli import main
from processes.service import Hotline
from tests.conftest import DIAGRAMS

ROOT = DIAGRAMS.parent.parent
SETTINGS_VARIABLES = ("HOTLINE_HOME", "HOTLINE_DATABASE_URL", "HOTLINE_REPORTS_DIR", "HOTLINE_DEPARTMENTS", "MAKELEVEL")


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An instance folder of its own, and no settings inherited from the shell running the tests."""
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOTLINE_HOME", str(tmp_path / "instance"))
    return tmp_path / "instance"


@pytest.fixture
def run(tmp_path, home):
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def invoke(*args):
        return CliRunner().invoke(main, ["--database-url", url, *args])

    return invoke


def one_line_error(result, exit_code: int = 1) -> str:
    """The message of a command that failed as a person expects: one line, the exit code, no traceback."""
    assert result.exit_code == exit_code, result.output
    assert isinstance(result.exception, SystemExit), result.exc_info
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


def test_validate_lists_problems_and_exits_non_zero(run):
    result = run("validate", str(DIAGRAMS / "basic.bpmn"))
    assert result.exit_code == 1
    assert "[fill 'Fill in the request'] error: user task names form 'request'" in result.output


def test_validate_as_json_for_pipelines(run):
    result = run("validate", "--format", "json", str(DIAGRAMS / "timers.bpmn"), str(DIAGRAMS / "review.json"))
    assert result.exit_code == 0  # warnings do not fail a pipeline
    report = json.loads(result.output)
    assert report["valid"] is True
    assert [(p["severity"], p["rule"], p["element_id"]) for p in report["problems"]] == [
        ("warning", "no_lane", "handle"), ("warning", "no_lane", "escalated")]


def test_deploy_twice_keeps_the_version(run):
    files = [str(DIAGRAMS / "timers.bpmn"), str(DIAGRAMS / "review.json")]
    assert run("deploy", *files).output.strip() == "timers: deployed version 1 (2 files)"
    assert run("deploy", *files).output.strip() == (
        "timers: already deployed as version 1; new cases start on version 1 (2 files)")


def test_deploying_a_big_bundle_says_what_it_is_doing(run, tmp_path):
    form = (DIAGRAMS / "review.json").read_text().rstrip()
    (tmp_path / "review.json").write_text(form[:-1] + " " * 1_100_000 + "}")  # a form padded past a megabyte
    result = run("deploy", str(DIAGRAMS / "timers.bpmn"), str(tmp_path / "review.json"))
    assert (result.stderr, result.stdout) == ("checking and storing 2 files (1.1 MB)…\n",
                                              "timers: deployed version 1 (2 files)\n")


def test_deploy_refuses_a_broken_bundle(run):
    result = run("deploy", str(DIAGRAMS / "basic.bpmn"))
    assert result.exit_code == 1
    assert "not deployed: 2 problem(s)" in result.output


def test_db_upgrade_says_what_it_created_then_that_it_is_up_to_date(run, tmp_path):
    created = run("db", "upgrade")
    assert created.exit_code == 0, created.output
    assert created.output.startswith(f"created the database {tmp_path / 'cli.db'}: ")
    assert "tables, schema engine 0" in created.output and ", hotline h0" in created.output
    again = run("db", "upgrade")
    assert again.output.startswith(f"the database {tmp_path / 'cli.db'} is up to date (schema engine 0")


def test_an_administrator_loads_an_official_holiday_schedule(run, tmp_path):
    schedule = tmp_path / "2027.json"
    schedule.write_text('{"year": 2027, "holidays": ["2027-01-01"], "workdays": ["2027-02-06"]}')
    result = run("calendar", "load", str(schedule))
    assert result.exit_code == 0, result.output
    assert "official schedule for 2027 loaded" in result.output


@pytest.mark.parametrize("content", ['{"year": 2027, "holidays": ["2026-01-01"], "workdays": []}', "not json",
                                     '{"holidays": []}'])
def test_a_broken_holiday_schedule_is_refused(run, tmp_path, content):
    schedule = tmp_path / "bad.json"
    schedule.write_text(content)
    result = run("calendar", "load", str(schedule))
    assert result.exit_code == 1
    assert "not loaded" in result.output


# -- one database for every command, wherever it is typed ------------------------------------------------------
def test_every_command_uses_the_instance_database_wherever_it_is_typed(home, tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    added = CliRunner().invoke(main, ["users", "add", "li", "--role", "operator"])
    assert added.exit_code == 0, added.output
    monkeypatch.chdir(tmp_path / "b")
    listed = CliRunner().invoke(main, ["users", "list"])
    assert "li    operator" in listed.output
    assert (home / "hotline.db").is_file()
    assert not list((tmp_path / "a").iterdir()) and not list((tmp_path / "b").iterdir())
    assert listed.output.count("database:") == 0  # the default database goes without saying


def test_a_checkout_keeps_its_instance_in_var(monkeypatch, tmp_path):
    from api import settings

    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    assert settings.load().database_url == f"sqlite:///{ROOT / 'var' / 'hotline.db'}"


def test_the_environment_overrides_the_file_and_the_command_says_so(home, tmp_path, monkeypatch):
    home.mkdir()
    (home / "hotline.toml").write_text('database_url = "sqlite:///from-file.db"\nreports_dir = "out"\n')
    monkeypatch.chdir(tmp_path)
    from_file = CliRunner().invoke(main, ["users", "list"])
    assert from_file.stderr == f"database: sqlite:///{home / 'from-file.db'} (from {home / 'hotline.toml'})\n"
    monkeypatch.setenv("HOTLINE_DATABASE_URL", "sqlite:///typed.db")
    from_environment = CliRunner().invoke(main, ["users", "list"])
    assert from_environment.stderr == f"database: sqlite:///{tmp_path / 'typed.db'} (from HOTLINE_DATABASE_URL)\n"
    assert (home / "from-file.db").exists() and (tmp_path / "typed.db").exists()


def test_scheduled_reports_go_to_the_instance_folder_unless_told_otherwise(home, tmp_path, monkeypatch):
    from api import settings

    assert settings.load().reports_dir == home / "reports"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOTLINE_REPORTS_DIR", "elsewhere")
    assert settings.load().reports_dir == tmp_path / "elsewhere"


def test_a_password_in_a_database_url_is_never_printed():
    from api.settings import hide_password

    assert hide_password("postgresql+psycopg://hotline:s3cret@db/hotline") == "postgresql+psycopg://hotline:***@db/hotline"
    assert hide_password("sqlite:////srv/hotline.db") == "sqlite:////srv/hotline.db"


# -- ordinary mistakes: one line, never a traceback --------------------------------------------------------------
@pytest.mark.parametrize(("args", "message"), [
    (["audit", "verify", "12345-nope"], "Error: no case 12345-nope"),
    (["users", "revoke", "nobody"], "Error: not revoked: no active user named 'nobody'"),
    (["users", "token", "nobody"], "Error: no new token: no active user named 'nobody' (add them with --role ROLE)"),
    (["diff", "hotline_case", "1", "2"], "Error: process 'hotline_case' has no version 1"),
])
def test_an_ordinary_mistake_is_one_line(run, args, message):
    assert one_line_error(run(*args)) == message


def test_deploying_forms_without_their_diagram_says_why_and_no_traceback(run):
    result = run("deploy", str(ROOT / "forms"))
    assert (result.exit_code, type(result.exception)) == (1, SystemExit)
    assert "belong to no deployed process" in result.stderr
    assert result.output.splitlines()[-1] == "Error: not deployed: 1 problem(s)"


@pytest.mark.parametrize(("url", "message"), [
    ("nonsense", "Error: 'nonsense' (from --database-url) is not a database URL: use sqlite:///FILE or "
                 "postgresql+psycopg://USER@HOST/DATABASE"),
    ("postgres://x@localhost/x", "names no database kind this hotline knows"),
    ("postgresql+psycopg://nobody:pw@127.0.0.1:1/x",
     "Error: cannot use the database postgresql+psycopg://nobody:***@127.0.0.1:1/x: connection failed"),
    ("sqlite:////no/such/folder/x.db", "Error: cannot use the database sqlite:////no/such/folder/x.db: "
                                       "unable to open database file"),
])
def test_a_bad_database_url_is_one_line(home, url, message):
    result = CliRunner().invoke(main, ["--database-url", url, "users", "list"])
    assert message in one_line_error(result)


def test_a_broken_settings_file_is_one_line(home):
    home.mkdir()
    (home / "hotline.toml").write_text('databse_url = "sqlite:///x.db"\n')
    result = CliRunner().invoke(main, ["users", "list"])
    assert one_line_error(result) == (f"Error: {home / 'hotline.toml'}: unknown setting(s) databse_url "
                                      "(known: database_url, reports_dir, departments)")


# -- tokens, and a walk-through that can run twice --------------------------------------------------------------
def test_users_token_issues_a_fresh_token_and_the_old_one_stops_working(run, tmp_path):
    first = run("users", "add", "li", "--role", "operator").output.splitlines()[-1]
    result = run("users", "token", "li")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "new token for 'li' (their old one no longer works), shown only this once:"
    second = result.output.splitlines()[-1]
    users = Hotline.open(f"sqlite:///{tmp_path / 'cli.db'}").users
    assert users.authenticate(first) is None
    assert users.authenticate(second).role == "operator"


def test_users_token_with_a_role_adds_the_user_once_so_a_script_runs_twice(run, tmp_path):
    tokens = [run("users", "token", "shui", "--role", "department", "--department", "water").output.splitlines()
              for _ in range(2)]
    assert tokens[0][0].startswith("added department of water 'shui'")
    assert tokens[1][0].startswith("new token for 'shui'")
    users = Hotline.open(f"sqlite:///{tmp_path / 'cli.db'}").users
    assert users.authenticate(tokens[0][-1]) is None
    assert users.authenticate(tokens[1][-1]).department == "water"


def test_users_token_never_changes_a_users_role(run, tmp_path):
    token = run("users", "token", "li", "--role", "operator").output.splitlines()[-1]
    refused = run("users", "token", "li", "--role", "admin")
    assert one_line_error(refused) == "Error: no new token: 'li' is operator, not admin"
    assert Hotline.open(f"sqlite:///{tmp_path / 'cli.db'}").users.authenticate(token).role == "operator"


# -- serving -----------------------------------------------------------------------------------------------------
def test_serve_refuses_a_simulated_clock_across_several_worker_processes(run):
    result = run("serve", "--workers", "2", "--simulated-clock", "2026-11-30T09:00:00+08:00")
    assert result.exit_code == 2
    assert "--workers 1" in result.output


@pytest.fixture
def busy_port():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


def test_a_busy_port_is_one_line_with_a_free_port_to_try(run, busy_port):
    message = one_line_error(run("serve", "--port", str(busy_port)))
    assert message.startswith(f"Error: port {busy_port} is in use; try `hotline serve --port ")
    suggested = int(message.rsplit(" ", 1)[1].rstrip("`"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", suggested))  # free indeed


def test_under_make_a_busy_port_suggests_the_make_knob(run, busy_port, monkeypatch):
    monkeypatch.setenv("MAKELEVEL", "1")
    assert f"try `make serve PORT={busy_port + 100}`" in one_line_error(run("serve", "--port", str(busy_port)))


def test_make_serve_takes_host_and_port_and_installs_no_test_tools(tmp_path):
    venv = f"VENV={tmp_path / 'venv'}"
    serve = subprocess.run(["make", "-n", "-C", str(ROOT), "serve", "PORT=8100", "HOST=0.0.0.0", venv],
                           capture_output=True, text=True, check=True).stdout
    assert "serve --host '0.0.0.0' --port '8100'" in serve
    assert "install -e ." in serve and "[test]" not in serve
    test = subprocess.run(["make", "-n", "-C", str(ROOT), "test", venv], capture_output=True, text=True,
                          check=True).stdout
    assert "install -e '.[test]'" in test


def test_serve_with_worker_processes_answers(tmp_path):
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", "from api.cli import main; main()", "--database-url",
                               f"sqlite:///{tmp_path / 'workers.db'}", "serve", "--workers", "2", "--port", str(port),
                               "--no-scheduler"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1) as response:
                    assert json.loads(response.read())["database"] == "ok"
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn workers did not answer")
    finally:
        server.terminate()
        server.wait(timeout=10)


# -- starting fast, and reports that check their arguments first --------------------------------------------------
HEAVY = ("matplotlib", "openpyxl", "SpiffWorkflow", "jsonschema", "schemathesis", "sqlalchemy", "flask", "alembic",
         "lxml", "marshmallow", "apscheduler", "psycopg", "engine", "processes.service")


def modules_loaded_by(*args: str) -> set[str]:
    """The heavy libraries a ``hotline`` command imported, run in a fresh interpreter."""
    script = ("import sys\nfrom api.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
              f"print('loaded:', *(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT)
    return set(done.stderr.strip().splitlines()[-1].split()) - {"loaded:"}


def command_paths(group: click.Group, *parent: str) -> list[tuple[str, ...]]:
    """Every command and group under ``group``, as typed after ``hotline``."""
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((*parent, name))
        if isinstance(command, click.Group):
            found += command_paths(command, *parent, name)
    return found


@pytest.mark.parametrize("command", [(), *command_paths(main)], ids=lambda path: " ".join(path) or "hotline")
def test_help_of_every_command_imports_nothing_heavy(command):
    assert modules_loaded_by(*command, "--help") == set()


def test_a_report_with_wrong_arguments_loads_no_charts_and_opens_no_database(tmp_path):
    missing = f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.db'}"
    for wrong in (["--from", "2026-13-01", "--out", "r.html"], ["--out", "r.docx"]):
        assert modules_loaded_by("--database-url", missing, "report", *wrong) == set()
    result = CliRunner().invoke(main, ["--database-url", missing, "report", "--from", "2026-13-01", "--out", "r.html"])
    assert result.exit_code == 2 and "Invalid value for --from" in result.output


def test_a_report_shows_its_steps_on_stderr_and_its_summary_on_stdout(run, tmp_path):
    out = tmp_path / "r.json"
    result = run("report", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == ["  0/2 counting the period's cases", "  1/2 writing r.json"]
    assert result.stdout == f"wrote {out} (2026-11-01 – 2026-11-30: 0 case(s))\n"
    assert "matplotlib" not in modules_loaded_by("--database-url", f"sqlite:///{tmp_path / 'cli.db'}", "report",
                                                 "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out))


def test_on_a_terminal_progress_is_a_bar(tmp_path):
    import pty

    out = tmp_path / "r.json"
    leader, follower = pty.openpty()
    done = subprocess.run([sys.executable, "-c", "from api.cli import main; main()", "--database-url",
                           f"sqlite:///{tmp_path / 'bar.db'}", "report", "--from", "2026-11-01", "--to", "2026-11-30",
                           "--out", str(out)], stdout=subprocess.PIPE, stderr=follower, text=True, timeout=120)
    os.close(follower)
    shown = b""
    while chunk := _read_terminal(leader):
        shown += chunk
    os.close(leader)
    assert done.returncode == 0 and done.stdout.startswith(f"wrote {out}")
    assert "report  [####################################]  2/2" in shown.decode()


def _read_terminal(leader: int) -> bytes:
    """What the terminal shows next; nothing once the program has gone (Linux says EIO then)."""
    try:
        return os.read(leader, 65536)
    except OSError:
        return b""
