"""The `hotline` command as a designer uses it from the shell."""

import json

import pytest
from click.testing import CliRunner

from api.cli import main
from tests.conftest import DIAGRAMS


@pytest.fixture
def run(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def invoke(*args):
        return CliRunner().invoke(main, ["--database-url", url, *args])

    return invoke


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
    assert run("deploy", *files).output.strip() == "timers: already deployed as version 1 (2 files)"


def test_deploy_refuses_a_broken_bundle(run):
    result = run("deploy", str(DIAGRAMS / "basic.bpmn"))
    assert result.exit_code == 1
    assert "not deployed: 2 problem(s)" in result.output


def test_db_upgrade_is_idempotent(run):
    assert run("db", "upgrade").exit_code == 0
    assert run("db", "upgrade").output.strip() == "database is up to date"


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


def test_serve_refuses_a_simulated_clock_across_several_worker_processes(run):
    result = run("serve", "--workers", "2", "--simulated-clock", "2026-11-30T09:00:00+08:00")
    assert result.exit_code == 2
    assert "--workers 1" in result.output


def test_serve_with_worker_processes_answers(tmp_path):
    import socket
    import subprocess
    import sys
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
