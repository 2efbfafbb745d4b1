"""Process-mining logs of the demo fortnight: XES valid against the IEEE 1849 schema, OCEL 2.0 valid against its
JSON schema, both read back to give the four treatments as distinct paths; no person's name, no caller's data;
the same over HTTP (auditors and administrators only) and from ``hotline export``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from lxml import etree

from api.cli import main
from engine.clock import SimulatedClock
from engine.store import connect
from processes import demo
from processes.database import upgrade
from processes.desk import Desk
from processes.exports.logs import export
from processes.exports.ocel import document as ocel_document
from processes.exports.source import Event, Trace
from processes.exports.xes import document as xes_document
from processes.reports.period import Period
from processes.service import Hotline
from processes.users import ROLES

SCHEMAS = Path(__file__).parent / "schemas"
FORTNIGHT = Period.of_days(date(2026, 11, 30), date(2026, 12, 13))
MARKERS = {"immediate": {"immediate_reply"}, "assignment": {"handle"}, "direct": {"direct_handling"},
           "submission": {"leader_instructions", "handle"}}
"""The tasks that tell each treatment's path from the others' (a submission's instructions lead to handling)."""
PERSONAL = ["王芳", "13700000001", "张三", "13800138000", "刘强", "吴婷", "13100000008", "郑海", "13000000009",
            "县第二小学"]  # callers' names and phones; the confidential case's subject
ACTORS = {"li", "zhao", "qian", "wang", "county", "staff"}  # the people who worked the demo's cases


@pytest.fixture(scope="module")
def fortnight(tmp_path_factory) -> Hotline:
    """The hotline after ``hotline demo``'s fortnight, on a database of its own."""
    url = f"sqlite:///{tmp_path_factory.mktemp('exports') / 'demo.db'}"
    upgrade(connect(url))
    demo.run(Desk(Hotline.open(url, SimulatedClock(demo.START))), lambda _: None)
    return Hotline.open(url, SimulatedClock(demo.START))


@pytest.fixture(scope="module")
def xes(fortnight) -> str:
    return "".join(export(fortnight, "xes", FORTNIGHT))


@pytest.fixture(scope="module")
def ocel(fortnight) -> dict:
    return json.loads("".join(export(fortnight, "ocel", FORTNIGHT)))


def xes_traces(text: str) -> dict[str, dict]:
    """Each trace of an XES log by case: its attributes and its completed activities in order."""
    traces = {}
    for trace in etree.fromstring(text.encode()).iter("trace"):
        attributes = {a.get("key"): a.get("value") for a in trace if a.tag != "event"}
        events = [{a.get("key"): a.get("value") for a in event} for event in trace.iter("event")]
        traces[attributes["concept:name"]] = {**attributes, "events": events, "path": [
            e["concept:name"] for e in events if e["lifecycle:transition"] == "complete"]}
    return traces


def ocel_paths(log: dict) -> dict[str, list[str]]:
    """The log flattened on its case objects: each case's event types in time order."""
    paths: dict[str, list[tuple[str, str]]] = {}
    for event in log["events"]:
        for relation in event["relationships"]:
            if relation["qualifier"] == "case":
                paths.setdefault(relation["objectId"].removeprefix("case:"), []).append((event["time"], event["type"]))
    return {case: [kind for _, kind in sorted(events, key=lambda e: e[0])] for case, events in paths.items()}


def test_the_xes_log_is_valid_against_the_ieee_1849_schema(xes):
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "xes-ieee-1849-2016.xsd")))
    assert schema.validate(etree.fromstring(xes.encode())), schema.error_log


def test_the_xes_log_has_a_trace_per_case_with_its_attributes(xes):
    traces = xes_traces(xes)
    assert len(traces) == 8
    immediate = traces["12345-20261130-0001"]
    assert (immediate["category"], immediate["treatment"], immediate["complexity"], immediate["overdue"]) == (
        "departmental_policy", "immediate", "general", "false")
    assert traces["12345-20261130-0005"]["overdue"] == "true"
    assert "subject" not in traces["12345-20261130-0008"]  # confidential: the subject is dropped
    event = traces["12345-20261130-0002"]["events"][2]
    assert (event["concept:name"], event["org:resource"], event["org:role"]) == ("handle", "housing", "department")
    assert event["time:timestamp"].endswith("+08:00")


def treatment_paths(cases: list[tuple[dict, list[str]]]) -> dict[str, list[str]]:
    """The shortest path of a closed case of each treatment: a process model's simplest route for it."""
    shortest: dict[str, list[str]] = {}
    for attributes, path in cases:
        treatment = attributes.get("treatment")
        if attributes.get("status") == "closed" and treatment and len(path) < len(shortest.get(treatment, path + [0])):
            shortest[treatment] = path
    return shortest


def assert_four_distinct_treatment_paths(cases: list[tuple[dict, list[str]]]) -> None:
    paths = treatment_paths(cases)
    assert set(paths) == set(MARKERS) and len({tuple(path) for path in paths.values()}) == 4
    every_marker = set().union(*MARKERS.values())
    for treatment, path in paths.items():
        assert path[:2] == ["case_started", "triage"] and path[-1] == "callback"
        assert set(path) & every_marker == MARKERS[treatment], (treatment, path)


def test_the_four_treatments_are_distinct_paths_in_xes(xes):
    traces = xes_traces(xes)
    assert_four_distinct_treatment_paths([(trace, trace["path"]) for trace in traces.values()])
    follows_triage = {path[i + 1] for trace in traces.values() for path in [trace["path"]]
                      for i, step in enumerate(path[:-1]) if step == "triage"}
    assert {"immediate_reply", "handle", "direct_handling", "draft_special_report"} <= follows_triage


def test_the_ocel_log_is_valid_against_the_ocel_2_json_schema(ocel):
    schema = json.loads((SCHEMAS / "ocel20-schema-json.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(ocel)


def test_every_ocel_reference_is_declared(ocel):
    objects = {o["id"]: o["type"] for o in ocel["objects"]}
    assert len(objects) == len(ocel["objects"])  # each object once, callers who called twice too
    assert {t["name"] for t in ocel["objectTypes"]} == {"case", "department", "caller"} == set(objects.values())
    assert {e["type"] for e in ocel["events"]} == {t["name"] for t in ocel["eventTypes"]}
    related = [r["objectId"] for item in ocel["events"] + ocel["objects"] for r in item["relationships"]]
    assert set(related) <= set(objects)


def test_ocel_links_merges_and_returns_between_objects(ocel):
    cases = {o["id"]: o for o in ocel["objects"] if o["type"] == "case"}
    water = {(r["qualifier"], r["objectId"]) for r in cases["case:12345-20261130-0002"]["relationships"]}
    assert ("returned by", "department:housing") in water and ("handled by", "department:water") in water
    pothole = [r for r in cases["case:12345-20261130-0007"]["relationships"] if r["qualifier"] == "reported by"]
    assert len(pothole) == 2  # the caller and the repeat caller merged into the case


def test_the_four_treatments_are_distinct_paths_in_ocel(ocel):
    paths = ocel_paths(ocel)
    cases = {o["id"].removeprefix("case:"): {a["name"]: a["value"] for a in o["attributes"]}
             for o in ocel["objects"] if o["type"] == "case"}
    assert_four_distinct_treatment_paths([(cases[number], path) for number, path in paths.items()])


@pytest.mark.parametrize("kind", ["xes", "ocel"])
def test_no_person_and_no_callers_data_in_the_logs(xes, ocel, kind):
    text = xes if kind == "xes" else json.dumps(ocel, ensure_ascii=False)
    assert [personal for personal in PERSONAL if personal in text] == []
    resources = ({e["org:resource"] for t in xes_traces(xes).values() for e in t["events"]} if kind == "xes" else
                 {a["value"] for e in ocel["events"] for a in e["attributes"] if a["name"] == "org:resource"})
    assert resources and not resources & ACTORS
    assert resources <= set(ROLES) | {"system", "water", "housing", "power_supply", "education", "urban_management"}


def test_callers_are_pseudonyms_that_differ_between_exports(fortnight, ocel):
    callers = sorted(o["id"] for o in ocel["objects"] if o["type"] == "caller")
    again = json.loads("".join(export(fortnight, "ocel", FORTNIGHT)))
    assert len(callers) == 9 and all(c.startswith("caller:") for c in callers)
    assert not set(callers) & {o["id"] for o in again["objects"] if o["type"] == "caller"}


def test_an_empty_period_gives_empty_valid_logs(fortnight):
    empty = Period.of_days(date(2026, 10, 1), date(2026, 10, 2))
    assert xes_traces("".join(export(fortnight, "xes", empty))) == {}
    log = json.loads("".join(export(fortnight, "ocel", empty)))
    assert log["events"] == [] and {o["type"] for o in log["objects"]} == {"department"}


# -- over HTTP and from the command line --------------------------------------------------------
@pytest.mark.parametrize("user", ["auditor", "admin"])
def test_auditors_and_administrators_download_the_logs_streamed(api, user):
    api.register()
    xes_answer = api.get(user, "/exports/xes?from=2026-11-30&to=2026-11-30")
    assert xes_answer.status_code == 200 and xes_answer.is_streamed
    assert xes_answer.mimetype == "application/xml"
    assert xes_answer.headers["Content-Disposition"] == 'attachment; filename="hotline-2026-11-30.xes"'
    assert len(xes_traces(xes_answer.get_data(as_text=True))) == 1
    ocel_answer = api.get(user, "/exports/ocel?from=2026-11-30")
    assert ocel_answer.status_code == 200 and ocel_answer.mimetype == "application/json"
    assert len([o for o in ocel_answer.get_json()["objects"] if o["type"] == "case"]) == 1


@pytest.mark.parametrize("user", ["operator", "dispatcher", "water", "supervisor", "leader", "designer"])
def test_other_roles_may_not_export(api, user):
    for kind in ("xes", "ocel"):
        assert api.get(user, f"/exports/{kind}").status_code == 403


@pytest.mark.parametrize("query", ["from=2026-12-01&to=2026-11-30", "from=yesterday", "to=2026-11-30T09:00",
                                   "format=csv"])
def test_a_bad_period_is_400(api, query):
    answer = api.get("auditor", f"/exports/xes?{query}")
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json"


def test_hotline_export_writes_the_files(fortnight, tmp_path):
    url = fortnight.engine.db.url.render_as_string(hide_password=False)
    for kind, name in (("xes", "log.xes"), ("ocel", "log.json")):
        result = CliRunner().invoke(main, ["--database-url", url, "export", kind, "--from", "2026-11-30", "--to",
                                           "2026-12-13", "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    assert len(xes_traces((tmp_path / "log.xes").read_text(encoding="utf-8"))) == 8
    assert len(json.loads((tmp_path / "log.json").read_text(encoding="utf-8"))["events"]) > 40
    wrong = CliRunner().invoke(main, ["--database-url", url, "export", "xes", "--from", "2026-13-01", "--out",
                                      str(tmp_path / "x.xes")])
    assert wrong.exit_code == 2 and "--from" in wrong.output and not (tmp_path / "x.xes").exists()


@pytest.mark.parametrize("kind", ["xes", "ocel"])
def test_a_case_is_written_out_before_the_next_is_read(kind):
    """Streaming: each piece leaves as soon as its case is read, so no export holds all the cases at once."""
    read: list[str] = []

    def cases():
        for n in range(1, 4):
            read.append(f"12345-20261130-000{n}")
            yield Trace(read[-1], demo.START, {"category": "livelihood"}, ("water",), [
                Event(1, "case_started", demo.START, "complete", "operator", None)])

    document = xes_document(cases(), "log") if kind == "xes" else ocel_document(cases, {"water": "县水务局"})
    for piece in document:
        for number in {n for n in read if n in piece and ('"type":"case"' in piece or kind == "xes")}:
            assert read[-1] == number  # the case just read, no other one read ahead
