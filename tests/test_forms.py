"""Task forms a designer deploys and clients answer, over HTTP on both databases: ``$ref`` stays inside the
deployment (never the network or a file), patterns run in linear time, and a form that cannot be run safely
is refused at deploy with a clear problem while nothing is deployed."""

from __future__ import annotations

import http.server
import io
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from engine.errors import InvalidData
from engine.forms import check_form
from tests.api_helpers import Api
from tests.hotline_helpers import CALLER

ROOT = Path(__file__).parent.parent
PHONE = "^(1[3-9]\\d{9}|0\\d{2,3}-?\\d{7,8}|\\d{3,8})$"
EVIL = "^(a+)+$"  # exponential on a backtracking engine: 7.7 s for 27 characters, doubling with each one
EVIL_ANSWER = "a" * 40 + "!"


def form(name: str) -> dict[str, Any]:
    return json.loads((ROOT / "forms" / f"{name}.json").read_text(encoding="utf-8"))


def hotline_files(**forms: dict) -> dict[str, bytes]:
    """The hotline's diagram, decisions and forms, with some forms replaced or added."""
    files = {path.name: path.read_bytes() for folder in ("bpmn", "forms") for path in sorted((ROOT / folder).iterdir())}
    return {**files, **{f"{name}.json": json.dumps(content).encode() for name, content in forms.items()}}


def deploy(api: Api, files: dict[str, bytes], path: str = "/deployments"):
    data = {"files": [(io.BytesIO(content), name) for name, content in files.items()]}
    return api.post("designer", path, data=data, content_type="multipart/form-data")


def versions(api: Api) -> list[int]:
    return [v["version"] for v in api.get("designer", "/processes/hotline_case/versions").get_json()]


def refused(api: Api, files: dict[str, bytes], rule: str, file: str = "intake.json") -> list[dict]:
    """Deploying the files is refused with problems of the rule in the file, and nothing is deployed."""
    before = versions(api)
    response = deploy(api, files)
    assert response.status_code == 400, response.get_json()
    found = [p for p in response.get_json()["problems"] if p.get("rule") == rule and p["file"] == file]
    assert found, response.get_json()["problems"]
    assert versions(api) == before
    return found


def with_caller_name(schema: dict) -> dict:
    """The intake form with the caller's name checked by ``schema``."""
    intake = form("intake")
    intake["properties"]["caller"]["properties"]["name"] = schema
    return intake


def register(api: Api, **changes: Any):
    body = {"caller": CALLER, "confidential": False, "category": "livelihood", "subject": "人民路供水",
            "content": "人民路一带连续三天停水。", **changes}
    return api.post("operator", "/cases", json=body)


# -- $ref: inside the deployment only --------------------------------------------------------------------------
@pytest.fixture
def listener():
    """A web server on loopback that records every request it gets (none must come)."""
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"type": "string"}')

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()


@pytest.mark.parametrize("target", ["{web}/name.json", "{web}/name.json#/x", "file:///etc/passwd", "/etc/passwd",
                                    "#/$defs/missing", "triage.json#/properties/nothing", "other.json"])
def test_a_reference_outside_the_deployment_is_refused_and_never_fetched(api, listener, target):
    web, requests = listener
    files = hotline_files(intake=with_caller_name({"$ref": target.format(web=web)}))
    [problem] = refused(api, files, "form_reference")
    assert "在本次部署中无法解析" in problem["message"] and "other.json#" in problem["hint"]
    response = deploy(api, files, "/deployments/validate")
    assert response.status_code == 200 and response.get_json()["valid"] is False
    assert requests == []


def test_a_form_refers_to_another_form_of_the_deployment_by_file_name(api):
    common = {"$defs": {"name": {"type": "string", "minLength": 1, "maxLength": 4}}}
    intake = with_caller_name({"$ref": "common.json#/$defs/name"})
    response = deploy(api, hotline_files(intake=intake, common=common))
    assert response.status_code == 201, response.get_json()
    problem = register(api, caller={**CALLER, "name": "欧阳诸葛长"}).get_json()
    assert (problem["status"], list(problem["errors"])) == (400, ["caller.name"])
    assert register(api, caller={**CALLER, "name": "欧阳"}).status_code == 201


def test_a_form_that_refers_to_itself_without_end_is_refused(api):
    intake = {**form("intake"), "$defs": {"loop": {"$ref": "#/$defs/loop"}}, "allOf": [{"$ref": "#/$defs/loop"}]}
    [problem] = refused(api, hotline_files(intake=intake), "form_reference")
    assert problem["message"] == "表单无休止地引用自身"


# -- patterns in linear time -------------------------------------------------------------------------------------
def test_a_catastrophic_pattern_answers_at_once(api):
    assert deploy(api, hotline_files(intake=with_caller_name({"type": "string", "pattern": EVIL}))).status_code == 201
    started = time.perf_counter()
    problem = register(api, caller={**CALLER, "name": EVIL_ANSWER}).get_json()
    assert time.perf_counter() - started < 5  # a backtracking engine would take days
    assert (problem["status"], list(problem["errors"])) == (400, ["caller.name"])
    assert register(api, caller={**CALLER, "name": "aaa"}).status_code == 201


def test_a_catastrophic_property_name_pattern_answers_at_once(api):
    triage = {**form("triage"), "patternProperties": {EVIL: {"type": "string"}}}
    assert deploy(api, hotline_files(triage=triage)).status_code == 201
    number = register(api).get_json()["number"]
    task = api.task("dispatcher", number, "triage")
    answer = {"treatment": "immediate", "complexity": "general", "departments": [], EVIL_ANSWER: "x"}
    started = time.perf_counter()
    response = api.post("dispatcher", f"/tasks/{task['id']}/complete", json=answer)
    assert time.perf_counter() - started < 5
    assert response.status_code == 400 and EVIL_ANSWER in response.get_json()["errors"]
    assert api.task("dispatcher", number, "triage")["id"] == task["id"]  # still open: nothing was done


def test_the_phone_pattern_of_the_hotline_reads_digits_as_json_schema_does(api):
    """``\\d`` is an ASCII digit in JSON Schema's (ECMA-262) patterns and on RE2; Python's re took any script's."""
    assert form("intake")["properties"]["caller"]["properties"]["phone"]["pattern"] == PHONE
    assert register(api, caller={**CALLER, "phone": "0571-88886666"}).status_code == 201
    problem = register(api, caller={**CALLER, "phone": "138٠٠١٣٨٠٠٠"}).get_json()  # Arabic-Indic digits
    assert list(problem["errors"]) == ["caller.phone"]


@pytest.mark.parametrize("pattern", ["^(a)\\1$", "^(?=a)a$", "^(?!b).$", "(?<=a)b", "a{1001}", "a" * 2_000_000])
def test_a_pattern_that_cannot_run_in_linear_time_is_refused(api, pattern):
    [problem] = refused(api, hotline_files(intake=with_caller_name({"type": "string", "pattern": pattern})),
                        "form_pattern")
    assert "cannot run in linear time" in problem["message"] and "lookaround" in problem["hint"]


def test_a_property_name_pattern_that_cannot_run_in_linear_time_is_refused(api):
    intake = {**form("intake"), "patternProperties": {"^(?<=x)y": {}}}
    refused(api, hotline_files(intake=intake), "form_pattern")


@pytest.mark.parametrize(("note", "status"), [("(" * 5000 + ")" * 5000, 200), ("(" * 5000, 400)])
def test_a_regex_answer_is_checked_on_re2(api, note, status):
    """Python's re parses nested groups recursively: 5,000 of them were a 500."""
    triage = form("triage")
    triage["properties"]["note"] = {"type": "string", "format": "regex"}
    assert deploy(api, hotline_files(triage=triage)).status_code == 201
    number = register(api).get_json()["number"]
    task = api.task("dispatcher", number, "triage")
    answer = {"treatment": "immediate", "complexity": "general", "departments": [], "note": note}
    response = api.post("dispatcher", f"/tasks/{task['id']}/complete", json=answer)
    assert response.status_code == status
    assert status == 200 or list(response.get_json()["errors"]) == ["note"]


@pytest.mark.parametrize(("change", "message"), [
    ({"unevaluatedProperties": False, "patternProperties": {"^x_": {}}}, "unevaluatedProperties"),
    ({"$defs": {"n": {"$schema": "https://json-schema.org/draft/2020-12/schema", "pattern": EVIL}}}, "$schema"),
    ({"$schema": "http://json-schema.org/draft-07/schema#"}, "2020-12")])
def test_what_jsonschema_would_run_on_a_backtracking_engine_is_refused(api, change, message):
    [problem] = refused(api, hotline_files(intake={**form("intake"), **change}), "form")
    assert message in problem["message"]


@pytest.mark.parametrize("schema", [
    {"properties": {"a": {"$ref": "http://127.0.0.1:9/name.json"}}},
    {"properties": {"a": {"$schema": "https://json-schema.org/draft/2020-12/schema", "pattern": EVIL}}},
    {"properties": {"a": {"pattern": "^(a)\\1$"}}}, {"$ref": "#"}])
def test_a_form_stored_before_these_checks_refuses_the_answers_it_cannot_check_safely(schema):
    """Versions deployed earlier were not checked: their forms refuse answers rather than fetch, backtrack or
    recurse for ever."""
    with pytest.raises(InvalidData) as raised:
        check_form(schema, {"a": EVIL_ANSWER})
    assert "cannot be checked" in raised.value.errors["_"][0]
