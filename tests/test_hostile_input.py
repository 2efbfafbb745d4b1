"""Input that must get a clear 4xx problem, never a 500, and change nothing (both databases).

Each request here is what a careless or hostile client, or a modeler's odd file, sends: bodies nested
50,000 deep, NUL characters, dates at the ends of the calendar, ``1`` for ``true``, files named as
modelers save them, forms or decision tables deployed alone, DTDs hidden in UTF-16.
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from engine.store import connect
from tests.api_helpers import Api
from tests.conftest import DIAGRAMS
from tests.hotline_helpers import CALLER, intake

ROOT = Path(__file__).parent.parent
DEEP_ARRAY = "[" * 50_000 + "]" * 50_000
DEEP_OBJECT = '{"":' * 50_000 + "1" + "}" * 50_000


def state(api: Api) -> dict:
    """What a refused request must leave as it was: cases, versions, the clock."""
    processes = api.get("designer", "/processes").get_json()
    return {"cases": api.get("supervisor", "/cases").get_json()["total"], "processes": processes,
            "now": api.clock.now()}


def assert_refused(response, status: int = 400) -> dict:
    """A problem document with the status; returns it."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["detail"]
    return body


def upload(api: Api, files: dict[str, bytes], user: str = "designer", path: str = "/deployments"):
    data = {"files": [(io.BytesIO(content), name) for name, content in files.items()]}
    return api.post(user, path, data=data, content_type="multipart/form-data")


# -- bodies nested 50,000 deep ----------------------------------------------------------------------------------
@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT], ids=["array", "object"])
@pytest.mark.parametrize(("user", "path"), [
    ("operator", "/cases"), ("admin", "/admin/clock"), ("operator", "/cases/X/withdraw"),
    ("water", "/tasks/X/complete"), ("admin", "/processes/hotline_case/migrations")])
def test_json_nested_50000_deep_gets_400(api, body, user, path):
    before = state(api)
    problem = assert_refused(api.post(user, path, data=body, content_type="application/json"))
    assert "32" in problem["detail"]
    assert state(api) == before


def test_a_json_body_sent_without_a_length_is_measured_too(api):
    """Chunked transfer declares no length; the body is still bounded before anything parses it."""
    before = state(api)
    body = ("[" * 500_000 + "]" * 500_000).encode()
    response = api.client.post("/api/v1/cases", input_stream=io.BytesIO(body), headers={
        "Authorization": f"Bearer {api.tokens['operator']}", "Content-Type": "application/json",
        "Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True})
    assert_refused(response, 413)
    assert state(api) == before


def test_json_as_deep_as_allowed_is_read(api):
    """32 levels are fine: the request gets past the check to the schema, which refuses the odd field."""
    nested = "[" * 31 + "]" * 31
    problem = assert_refused(api.post("operator", "/cases", data=f'{{"x": {nested}}}', content_type="application/json"))
    assert "x" in problem["errors"]


# -- NUL characters ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("body", [
    intake(caller={**CALLER, "name": "张\u0000三"}), intake(subject="停水\u0000"),
    {**intake(), "content\u0000": "x"}], ids=["caller", "subject", "key"])
def test_nul_in_a_body_gets_400_and_registers_nothing(api, body):
    before = state(api)
    assert "NUL" in assert_refused(api.post("operator", "/cases", json=body))["detail"]
    assert state(api) == before


def test_an_escaped_backslash_before_u0000_is_no_nul(api):
    case = api.register(subject="路径 C:\\u0000 无误")
    assert case["subject"] == "路径 C:\\u0000 无误"


@pytest.mark.parametrize(("user", "path"), [
    ("supervisor", "/cases/12%00"), ("supervisor", "/cases?department=wa%00ter"), ("supervisor", "/cases?x%00=1"),
    ("supervisor", "/tasks?case=%00"), ("designer", "/processes/hotline%00/versions"),
    ("designer", "/processes/hotline_case/versions/1/files/intake%00.json"), ("auditor", "/cases/%00/history")])
def test_nul_in_a_path_or_query_gets_400(api, user, path):
    assert "NUL" in assert_refused(api.get(user, path))["detail"]


def test_an_unexpected_error_logs_where_it_happened_but_not_the_callers_data(api, caplog):
    app = api.client.application

    def failing():
        raise RuntimeError(f"could not handle {CALLER['name']} {CALLER['phone']}")

    app.add_url_rule("/api/v1/boom", "boom", failing)
    with caplog.at_level(logging.ERROR, logger="hotline.api"):
        assert_refused(api.get("operator", "/boom"), 500)
    assert "RuntimeError" in caplog.text and "/api/v1/boom" in caplog.text and "failing" in caplog.text
    assert CALLER["name"] not in caplog.text and CALLER["phone"] not in caplog.text


def test_database_errors_keep_statement_parameters_out_of_their_message(db):
    from sqlalchemy import text
    from sqlalchemy.exc import StatementError

    engine = connect(db.url.render_as_string(hide_password=False))
    with pytest.raises(StatementError) as raised, engine.connect() as conn:
        conn.execute(text("SELECT :name, :bad"), {"name": CALLER["name"], "bad": object()})
    assert CALLER["name"] not in str(raised.value)
    engine.dispose()


# -- dates at the ends of the calendar and a clock moved for ever ---------------------------------------------
@pytest.mark.parametrize("path", [
    "/cases?from=9999-12-31T23:59:59-23:59", "/cases?to=0001-01-01T00:00:00%2B01:00",
    "/cases?from=0001-01-01T00:00:00-00:01", "/cases?to=9999-12-31T23:59:59%2B00:00",
    "/reports/summary?from=9999-12-31T23:59:59-23:59", "/reports/summary?to=0001-01-01T00:00:00%2B01:00"])
def test_dates_out_of_range_get_400(api, path):
    problem = assert_refused(api.get("leader", path))
    assert set(problem["errors"]) <= {"from", "to"}


@pytest.mark.parametrize("body", [
    {"advance": "P9999Y"}, {"advance": "P11Y"}, {"advance": "P99999D"}, {"advance": "P530W"}, {"advance": "P9999M"},
    {"set": "9999-12-31T23:59:59-23:59"}, {"set": "0001-01-01T00:00:00+01:00"}])
def test_the_clock_refuses_moves_beyond_the_horizon(api, body):
    before = state(api)
    assert_refused(api.post("admin", "/admin/clock", json=body))
    assert state(api) == before


def test_the_clock_still_moves_within_the_horizon(api):
    assert api.post("admin", "/admin/clock", json={"advance": "P10Y"}).status_code == 200


# -- wrong types, and masking that reveals nothing of short values ----------------------------------------------
@pytest.mark.parametrize("confidential", [1, 0, "true", "yes", None, [True]])
def test_confidential_must_be_a_real_boolean(api, confidential):
    before = state(api)
    problem = assert_refused(api.post("operator", "/cases", json=intake(confidential=confidential)))
    assert "confidential" in problem["errors"]
    assert state(api) == before


@pytest.mark.parametrize("dry_run", [0, 1])
def test_a_migration_is_a_dry_run_only_by_a_real_boolean(api, dry_run):
    body = {"from": 1, "to": 1, "dry_run": dry_run}
    problem = assert_refused(api.post("admin", "/processes/hotline_case/migrations", json=body))
    assert "dry_run" in problem["errors"]


@pytest.mark.parametrize(("name", "phone"), [("李", "1234"), (" 李 ", "110"), ("欧", "12345678")])
def test_short_names_and_phones_of_confidential_callers_are_masked_whole(api, name, phone):
    case = api.register(caller={**CALLER, "name": name, "phone": phone}, confidential=True)
    shown = api.get("dispatcher", f"/cases/{case['number']}").get_json()["caller"]
    assert (shown["name"], shown["phone"]) == ("***", "***")


# -- files named as modelers save them --------------------------------------------------------------------------
def hotline_files() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for folder in ("bpmn", "forms") for path in sorted((ROOT / folder).iterdir())}


@pytest.mark.parametrize(("diagram", "decisions"), [
    ("hotline_case.bpmn20.xml", "treatment_suggestion.dmn11.xml"), ("hotline_case.BPMN", "treatment_suggestion.DMN"),
    ("Hotline_Case.Bpmn20.XML", "treatment_suggestion.dmn")])
def test_files_named_as_modelers_save_them_deploy(api, diagram, decisions):
    files = hotline_files()
    files[diagram] = files.pop("hotline_case.bpmn")
    files[decisions] = files.pop("treatment_suggestion.dmn")
    response = upload(api, files)
    assert response.status_code == 201, response.get_json()
    assert {diagram, decisions} <= set(response.get_json()["files"])
    assert upload(api, files, path="/deployments/validate").get_json()["valid"] is True


@pytest.mark.parametrize("name", ["hotline_case.xml", "hotline_case.bpmn.txt", "hotline_case"])
def test_other_names_are_refused_with_a_hint(api, name):
    files = hotline_files()
    files[name] = files.pop("hotline_case.bpmn")
    before = state(api)
    problem = assert_refused(upload(api, files))
    assert any(p["file"] == name and ".bpmn20.xml" in p["hint"] for p in problem["problems"])
    assert state(api) == before


def test_validate_reads_a_folder_of_bpmn20_xml_files(tmp_path):
    (tmp_path / "timers.bpmn20.xml").write_bytes((DIAGRAMS / "timers.bpmn").read_bytes())
    (tmp_path / "review.JSON").write_bytes((DIAGRAMS / "review.json").read_bytes())
    (tmp_path / "notes.txt").write_text("not a diagram")
    result = CliRunner().invoke(main, ["--database-url", f"sqlite:///{tmp_path / 'cli.db'}", "validate", "--format",
                                       "json", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert [p["file"] for p in json.loads(result.output)["problems"]] == ["timers.bpmn20.xml"] * 2


# -- forms or decision tables deployed alone --------------------------------------------------------------------
def test_a_form_deployed_alone_becomes_the_next_version_of_its_process(api):
    triage = (ROOT / "forms" / "triage.json").read_bytes().replace(b'"title": "', b'"title": "v2 ', 1)
    response = upload(api, {"triage.json": triage})
    assert response.status_code == 201, response.get_json()
    deployed = response.get_json()
    assert (deployed["process_id"], deployed["version"]) == ("hotline_case", 2)
    assert set(deployed["files"]) == set(hotline_files())
    served = api.get("designer", "/processes/hotline_case/versions/2/files/triage.json")
    assert served.data == triage
    assert api.register()["version"] == 2


def test_a_decision_table_deployed_alone_becomes_the_next_version_of_its_process(api):
    dmn = (ROOT / "bpmn" / "treatment_suggestion.dmn").read_bytes() + b"\n<!-- v2 -->\n"
    response = upload(api, {"treatment_suggestion.dmn": dmn})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["version"] == 2


@pytest.mark.parametrize("files", [
    {"orphan.json": b'{"type": "object"}'},
    {"decision.dmn": (DIAGRAMS / "decision.dmn").read_bytes()}], ids=["form", "dmn"])
def test_files_of_no_deployed_process_are_refused_with_what_to_send(api, files):
    before = state(api)
    problem = assert_refused(upload(api, files))
    [found] = problem["problems"]
    assert found["rule"] == "no_diagram" and ".bpmn" in found["hint"]
    assert state(api) == before


def test_the_cli_says_what_to_send_with_a_form_alone(tmp_path):
    form = tmp_path / "orphan.json"
    form.write_text('{"type": "object"}')
    result = CliRunner().invoke(main, ["--database-url", f"sqlite:///{tmp_path / 'cli.db'}", "deploy", str(form)])
    assert result.exit_code == 1
    assert "belong to no deployed process" in result.output and "not deployed: 1 problem(s)" in result.output


# -- XML and forms that nest too deep, DTDs in any encoding ------------------------------------------------------
DOCTYPE = '<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE d [<!ENTITY x "y">]>'


@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16", "UTF-16LE", "UTF-16BE", "UTF-32", "UTF-32LE"])
def test_a_doctype_is_refused_in_any_encoding(api, encoding):
    text = (ROOT / "bpmn" / "hotline_case.bpmn").read_text(encoding="utf-8")
    body = text.split("?>", 1)[1]
    content = (DOCTYPE.format(encoding=encoding) + body).encode(encoding.lower())
    if encoding in ("UTF-16", "UTF-32"):  # with a byte order mark, as editors write them
        assert content[:2] in (b"\xff\xfe", b"\xfe\xff")
    files = {**hotline_files(), "hotline_case.bpmn": content}
    before = state(api)
    problem = assert_refused(upload(api, files))
    assert any("DOCTYPE" in p["message"] and p["file"] == "hotline_case.bpmn" for p in problem["problems"])
    assert state(api) == before


@pytest.mark.parametrize("depth", [65, 250, 50_000])
def test_a_diagram_nested_too_deep_is_refused(api, depth):
    text = (ROOT / "bpmn" / "hotline_case.bpmn").read_text(encoding="utf-8")
    deep = "<x:a xmlns:x='urn:x'>" * depth + "</x:a>" * depth
    content = text.replace("<bpmn:process ", f"<bpmn:extensionElements>{deep}</bpmn:extensionElements>"
                           "<bpmn:process ", 1).encode()
    before = state(api)
    problem = assert_refused(upload(api, {**hotline_files(), "hotline_case.bpmn": content}))
    assert any(p["file"] == "hotline_case.bpmn" and ("deeper" in p["message"] or "depth" in p["message"])
               for p in problem["problems"])
    assert state(api) == before


@pytest.mark.parametrize("content", [DEEP_ARRAY, DEEP_OBJECT, '{"type": "object", "$defs": ' + '{"a": ' * 40 + "{}"
                                     + "}" * 40 + "}"], ids=["array", "object", "schema"])
def test_a_form_nested_too_deep_is_refused(api, content):
    before = state(api)
    problem = assert_refused(upload(api, {**hotline_files(), "triage.json": content.encode()}))
    assert any(p["file"] == "triage.json" and p.get("rule") == "nesting" for p in problem["problems"])
    assert state(api) == before


def test_deep_json_is_refused_by_validate_too(api):
    response = upload(api, {"triage.json": DEEP_ARRAY.encode()}, path="/deployments/validate")
    assert response.status_code == 200 and response.get_json()["valid"] is False
