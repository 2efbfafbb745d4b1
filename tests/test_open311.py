"""Open311 GeoReport v2 at /open311/v2: every resource in JSON (checked against schemas written from the
specification) and XML (well-formed, the same fields), posting with an api_key, the spec's errors, privacy."""

from __future__ import annotations

from xml.etree import ElementTree

import jsonschema
import pytest
from click.testing import CliRunner

from api.cli import main
from engine.store import connect
from processes.database import upgrade
from processes.open311.clients import Clients
from tests import open311_schemas as schemas
from tests.api_helpers import Api

BASE = "/open311/v2"
LISTS = {"services", "attributes", "values", "endpoints", "formats", "service_requests", "errors"}
REQUEST = {"service_code": "livelihood", "lat": "30.2741", "long": "120.1551", "address_string": "城关镇人民路1号",
           "description": "人民路路灯连续一周不亮。", "first_name": "三", "last_name": "张", "phone": "13800138000",
           "email": "zhang@example.cn"}


@pytest.fixture
def key(api):
    return Clients(api.hotline.engine).add("citizen-app")


def post(api, key, fmt="json", **changes):
    data = {**REQUEST, "api_key": key, **changes}
    return api.client.post(f"{BASE}/requests.{fmt}", data={k: v for k, v in data.items() if v is not None})


def created(api, key, **changes) -> str:
    response = post(api, key, **changes)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()[0]["service_request_id"]


def from_xml(element: ElementTree.Element):
    """The Spark convention's JSON for an element: lists by their plural names, texts as strings."""
    if element.tag in LISTS:
        return [from_xml(child) for child in element]
    if len(element) == 0:
        return element.text
    return {child.tag: from_xml(child) for child in element}


def as_text(document):
    """A JSON document with every scalar written as XML writes it."""
    if isinstance(document, list):
        return [as_text(item) for item in document]
    if isinstance(document, dict):
        return {key: as_text(value) for key, value in document.items()}
    if isinstance(document, bool):
        return "true" if document else "false"
    return None if document is None else str(document)


def both(api, path: str, schema: dict, root: str, method: str = "GET", **kwargs):
    """The JSON answer (valid against ``schema``) after checking the XML answer says the same."""
    answers = {fmt: api.client.open(f"{BASE}/{path}.{fmt}", method=method, **kwargs) for fmt in ("json", "xml")}
    assert answers["json"].content_type == "application/json; charset=utf-8"
    assert answers["xml"].content_type == "text/xml; charset=utf-8"
    assert answers["xml"].get_data(as_text=True).startswith('<?xml version="1.0" encoding="UTF-8"?>')
    document = answers["json"].get_json()
    jsonschema.validate(document, schema)
    tree = ElementTree.fromstring(answers["xml"].get_data())
    assert tree.tag == root
    assert from_xml(tree) == as_text(document)
    assert answers["json"].status_code == answers["xml"].status_code
    return answers["json"].status_code, document


def cases(api) -> int:
    return api.get("admin", "/cases").get_json()["total"]


def test_discovery_names_this_endpoint_its_formats_and_how_to_get_a_key(api):
    status, document = both(api, "discovery", schemas.DISCOVERY, "discovery")
    [endpoint] = document["endpoints"]
    assert status == 200 and endpoint["url"] == "http://localhost/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["text/xml", "application/json"] and "hotline open311 add" in document["key_service"]


def test_the_services_are_the_five_acceptance_categories(api):
    status, services = both(api, "services", schemas.SERVICES, "services")
    assert status == 200
    assert [s["service_code"] for s in services] == ["government_work", "development", "departmental_policy",
                                                      "livelihood", "social_affairs"]
    assert all(s["metadata"] is True and s["type"] == "realtime" for s in services)


def test_a_service_definition_lists_what_intake_needs_beyond_the_standard_fields(api):
    status, definition = both(api, "services/livelihood", schemas.SERVICE_DEFINITION, "service_definition")
    assert status == 200 and definition["service_code"] == "livelihood"
    assert [a["code"] for a in definition["attributes"]] == ["subject", "confidential", "work_unit"]
    assert [v["key"] for v in definition["attributes"][1]["values"]] == ["false", "true"]


def test_english_on_request(api):
    services = api.client.get(f"{BASE}/services.json", headers={"Accept-Language": "en"}).get_json()
    assert services[3]["service_name"] == "Daily life and emergencies"


def test_posting_a_request_registers_a_case_on_the_web_channel(api, key):
    response = post(api, key)
    assert response.status_code == 201
    jsonschema.validate(response.get_json(), schemas.CREATED)
    number = response.get_json()[0]["service_request_id"]
    case = api.get("operator", f"/cases/{number}").get_json()
    assert (case["channel"], case["category"], case["status"]) == ("web", "livelihood", "triage")
    assert case["caller"] == {"name": "张三", "phone": "13800138000"}
    assert case["subject"] == "城关镇人民路1号" and case["content"].startswith("人民路路灯连续一周不亮。")
    actor = api.get("auditor", f"/cases/{number}/history").get_json()[0]["actor"]
    assert actor == "open311:citizen-app"


def test_posting_answers_in_xml_too(api, key):
    response = post(api, key, fmt="xml", **{"attribute[subject]": "人民路路灯", "attribute[confidential]": "true"})
    assert response.status_code == 201
    [request] = from_xml(ElementTree.fromstring(response.get_data()))
    case = api.get("operator", f"/cases/{request['service_request_id']}").get_json()
    assert (case["subject"], case["confidential"]) == ("人民路路灯", True)


def test_reading_a_request_shows_no_personal_data(api, key):
    number = created(api, key)
    status, [request] = both(api, f"requests/{number}", schemas.SERVICE_REQUESTS, "service_requests")
    assert status == 200
    assert (request["status"], request["service_code"], request["address"]) == ("open", "livelihood", "城关镇人民路1号")
    assert (request["lat"], request["long"], request["requested_datetime"]) == (30.2741, 120.1551,
                                                                               "2026-11-30T09:00:00+08:00")
    shown = api.client.get(f"{BASE}/requests.json").get_data(as_text=True)
    assert not any(personal in shown for personal in ("张三", "13800138000", "zhang@example.cn"))


def test_a_confidential_request_appears_without_description_or_location(api, key):
    number = created(api, key, **{"attribute[confidential]": "true"})
    [request] = api.client.get(f"{BASE}/requests/{number}.json").get_json()
    assert request["description"] is None and request["address"] is None and request["lat"] is None


def test_a_closed_case_shows_its_public_reply_and_an_assigned_one_its_agency_and_deadline(api, key):
    reply, assigned = created(api, key), created(api, key)
    api.complete("dispatcher", reply, "triage", {"treatment": "immediate", "complexity": "general", "departments": []})
    api.complete("operator", reply, "immediate_reply", {"mode": "direct", "reply": "已报修，三日内修复。"})
    api.complete("operator", reply, "callback", {"reached": True, "satisfaction": "satisfied"})
    api.complete("dispatcher", assigned, "triage", {"treatment": "assignment", "complexity": "general",
                                                    "departments": ["water"]})
    status, requests = both(api, "requests", schemas.SERVICE_REQUESTS, "service_requests")
    by_id = {r["service_request_id"]: r for r in requests}
    assert (by_id[reply]["status"], by_id[reply]["status_notes"]) == ("closed", "已报修，三日内修复。")
    case = api.get("operator", f"/cases/{assigned}").get_json()
    assert (by_id[assigned]["status"], by_id[assigned]["agency_responsible"]) == ("open", "县水务局")
    assert by_id[assigned]["expected_datetime"] is not None and by_id[assigned]["status_notes"] is None
    assert case["due_at"].startswith(by_id[assigned]["expected_datetime"][:10])


def test_status_notes_are_the_reply_meant_for_the_caller_never_a_departments_notes(api, key):
    told, untold = created(api, key), created(api, key)
    for number, review in ((told, {"adequate": True, "reply": "管道已抢修，恢复供水。"}), (untold, {"adequate": True})):
        api.complete("dispatcher", number, "triage", {"treatment": "assignment", "complexity": "general",
                                                      "departments": ["water"]})
        api.complete("water", number, "handle", {"outcome": "handled", "summary": "内部记录：班组已处理"})
        api.complete("dispatcher", number, "review_result", review)
        api.complete("operator", number, "callback", {"reached": True, "satisfaction": "satisfied"})
    notes = {r["service_request_id"]: r["status_notes"] for r in api.client.get(f"{BASE}/requests.json").get_json()}
    assert notes == {told: "管道已抢修，恢复供水。", untold: None}


def test_requests_are_filtered_by_id_code_status_and_dates(api, key):
    first, second = created(api, key), created(api, key, service_code="social_affairs")
    api.complete("dispatcher", first, "triage", {"treatment": "immediate", "complexity": "general", "departments": []})
    api.complete("operator", first, "immediate_reply", {"mode": "direct", "reply": "已答复"})
    api.complete("operator", first, "callback", {"reached": True, "satisfaction": "satisfied"})

    def ids(query: str) -> list[str]:
        answer = api.client.get(f"{BASE}/requests.json?{query}")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return sorted(r["service_request_id"] for r in answer.get_json())

    assert ids("") == sorted([first, second])
    assert ids("status=closed") == [first] and ids("status=open") == [second] and ids("status=open,closed") == ids("")
    assert ids("service_code=social_affairs") == [second] and ids("service_code=livelihood,social_affairs") == ids("")
    assert ids(f"service_request_id={second}&status=closed") == [second]  # the ids override every other filter
    assert ids("start_date=2026-11-30T10:00:00%2B08:00") == [] and ids("end_date=2026-11-30T00:00:00Z") == []
    assert ids("start_date=2026-11-01T00:00:00Z&end_date=2026-12-01T00:00:00Z") == ids("")
    assert ids("jurisdiction_id=county.gov.cn") == ids("")  # one jurisdiction: the parameter is optional


@pytest.mark.parametrize(("query", "field"), [
    ("status=pending", "status"), ("start_date=2026-11-30", "start_date"), ("end_date=yesterday", "end_date"),
    ("start_date=2026-01-01T00:00:00Z&end_date=2026-12-01T00:00:00Z", "90 days"),
    ("start_date=2026-12-01T00:00:00Z&end_date=2026-11-01T00:00:00Z", "end_date"),
])
def test_bad_filters_are_400_in_the_specifications_error_format(api, query, field):
    for fmt in ("json", "xml"):
        response = api.client.get(f"{BASE}/requests.{fmt}?{query}", headers={"Accept-Language": "en"})
        assert response.status_code == 400
        errors = response.get_json() if fmt == "json" else from_xml(ElementTree.fromstring(response.get_data()))
        assert str(errors[0]["code"]) == "400" and field in errors[0]["description"]


def test_errors_in_json_match_the_schema(api):
    response = api.client.get(f"{BASE}/requests.json?status=pending")
    jsonschema.validate(response.get_json(), schemas.ERRORS)
    assert response.get_json()[0]["code"] == 400


@pytest.mark.parametrize(("path", "status"), [
    ("services/out_of_scope", 404), ("services/nothing", 404), ("requests/12345-20261130-9999", 404),
    ("tokens/42", 404), ("nothing", 404), ("requests?service_code=nothing", 404),
])
def test_what_does_not_exist_is_404_in_both_formats(api, path, status):
    base, _, query = path.partition("?")
    for fmt in ("json", "xml"):
        response = api.client.get(f"{BASE}/{base}.{fmt}" + (f"?{query}" if query else ""))
        assert response.status_code == status
        document = response.get_json() if fmt == "json" else from_xml(ElementTree.fromstring(response.get_data()))
        assert str(document[0]["code"]) == str(status)


def test_an_unknown_format_is_400_in_xml(api):
    response = api.client.get(f"{BASE}/services.html")
    assert response.status_code == 400 and response.content_type.startswith("text/xml")
    assert ".html" in from_xml(ElementTree.fromstring(response.get_data()))[0]["description"]


@pytest.mark.parametrize("api_key", [None, "", "o311_not-a-key", "hl_a-staff-token"])
def test_a_missing_or_bad_api_key_is_403_and_creates_nothing(api, key, api_key):
    before = cases(api)
    for fmt in ("json", "xml"):
        response = post(api, api_key, fmt=fmt)
        assert response.status_code == 403
        document = response.get_json() if fmt == "json" else from_xml(ElementTree.fromstring(response.get_data()))
        assert str(document[0]["code"]) == "403" and "api_key" in document[0]["description"]
    assert cases(api) == before


def test_a_revoked_key_is_refused_at_once(api, key):
    created(api, key)
    Clients(api.hotline.engine).revoke("citizen-app")
    assert post(api, key).status_code == 403


@pytest.mark.parametrize(("changes", "status", "field"), [
    ({"service_code": None}, 400, "service_code"), ({"service_code": "out_of_scope"}, 404, "out_of_scope"),
    ({"lat": None, "long": None, "address_string": None}, 400, "lat"), ({"long": None}, 400, "long"),
    ({"lat": "91"}, 400, "lat"), ({"long": "east"}, 400, "long"), ({"description": None}, 400, "description"),
    ({"description": "x" * 4001}, 400, "description"), ({"first_name": None, "last_name": None}, 400, "last_name"),
    ({"phone": None}, 400, "phone"), ({"phone": "12"}, 400, "phone"),
    ({"attribute[confidential]": "maybe"}, 400, "attribute[confidential]"),
    ({"attribute[subject]": "x" * 201}, 400, "attribute[subject]"),
    ({"address_string": "x" * 301}, 400, "address_string"),
    ({"email": "x" * 255}, 400, "email"), ({"media_url": "http://x/" + "x" * 1000}, 400, "media_url"),
])
def test_a_bad_request_is_refused_naming_its_parameter_and_creates_nothing(api, key, changes, status, field):
    before = cases(api)
    response = post(api, key, **changes)
    assert response.status_code == status, response.get_data(as_text=True)
    jsonschema.validate(response.get_json(), schemas.ERRORS)
    assert any(field in error["description"] for error in response.get_json())
    assert cases(api) == before


def test_keys_are_issued_listed_and_revoked_from_the_command_line(api, db):
    url = db.url.render_as_string(hide_password=False)
    run = lambda *args: CliRunner().invoke(main, ["--database-url", url, "open311", *args])  # noqa: E731
    issued = run("add", "city-app")
    assert issued.exit_code == 0, issued.output
    key = issued.output.strip().splitlines()[-1]
    assert created(api, key)
    assert "city-app\tactive" in run("list").output
    assert run("add", "city-app").exit_code == 1  # one active key per application
    assert run("revoke", "city-app").exit_code == 0 and post(api, key).status_code == 403
    assert "city-app\trevoked" in run("list").output and run("revoke", "city-app").exit_code == 1
    again = run("add", "city-app").output.strip().splitlines()[-1]
    assert again != key and created(api, again)


def test_a_database_out_of_reach_is_the_specifications_general_service_error(tmp_path):
    path = tmp_path / "gone.db"
    upgrade(connect(f"sqlite:///{path}"))
    served = Api(f"sqlite:///{path}")
    served.hotline.engine.db.dispose()
    path.unlink()  # the next connection finds an empty database: every query fails
    response = served.client.get(f"{BASE}/requests.json", headers={"Accept-Language": "en"})
    assert response.status_code == 400 and response.headers["Retry-After"] == "5"
    assert "general service error" in response.get_json()[0]["description"]
