"""Deploying diagrams: validation finds every problem, versions are content-hashed, XML is read safely."""

import pytest

from engine.deployment import DeploymentRefused
from engine.errors import NotFound
from tests.conftest import diagram_files

BASIC = ("basic.bpmn", "request.json", "review.json")


def _edit(files: dict[str, bytes], name: str, old: str, new: str) -> dict[str, bytes]:
    text = files[name].decode()
    assert old in text, f"fixture {name} no longer contains {old!r}"
    return {**files, name: text.replace(old, new).encode()}


def _refusal(engine, files) -> list:
    with pytest.raises(DeploymentRefused) as refused:
        engine.deploy(files)
    return refused.value.problems


def test_a_valid_bundle_deploys_as_version_one_and_identical_files_give_the_same_version(engine):
    first = engine.deploy(diagram_files(*BASIC))
    again = engine.deploy(diagram_files(*reversed(BASIC)))
    assert (first.process_id, first.version, first.created) == ("basic", 1, True)
    assert (again.version, again.version_id, again.created) == (1, first.version_id, False)


def test_changed_files_give_a_new_version_and_running_cases_stay_on_theirs(engine):
    engine.deploy(diagram_files(*BASIC))
    old_case = engine.start("basic", {}, "alice")
    second = engine.deploy(_edit(diagram_files(*BASIC), "basic.bpmn", "Review the request", "Review it"))
    new_case = engine.start("basic", {}, "alice")
    assert second.version == 2
    assert engine.snapshot(old_case)["version"] == 1
    assert engine.snapshot(new_case)["version"] == 2


def test_starting_an_undeployed_process_is_not_found(engine):
    with pytest.raises(NotFound):
        engine.start("nothing", {}, "alice")


def test_every_problem_is_reported_at_once_with_element_and_line(engine):
    files = _edit(diagram_files(*BASIC), "basic.bpmn", 'camunda:formKey="review"', 'camunda:formKey="missing"')
    files = _edit(files, "basic.bpmn", "size == 'big'", "size.__class__")
    files = _edit(files, "basic.bpmn", ' default="to_done"', "")
    problems = _refusal(engine, files)
    by_element = {(p.element_id, p.message.split(":")[0]) for p in problems}
    assert ("review", "user task names form 'missing', which is not among the deployed files") in by_element
    assert ("to_review", "expression refused") in by_element
    assert any(p.element_id == "gw" and "to_done" in p.message for p in problems)
    assert all(p.file == "basic.bpmn" and p.line for p in problems)


def test_a_user_task_without_a_form_is_refused_with_a_hint(engine):
    files = _edit(diagram_files(*BASIC), "basic.bpmn", ' camunda:formKey="request"', "")
    [problem] = _refusal(engine, files)
    assert (problem.element_id, problem.message) == ("fill", "user task names no form")
    assert "formKey" in problem.hint


@pytest.mark.parametrize(("old", "new", "element"), [
    ("<bpmn:timeDuration>PT2H</bpmn:timeDuration>", "<bpmn:timeDuration>PT2X</bpmn:timeDuration>", "remind"),
    ("<bpmn:timeDuration>'P1D'</bpmn:timeDuration>", "<bpmn:timeDuration>__import__('os')</bpmn:timeDuration>",
     "timeout"),
    ("<bpmn:script>reminded = True</bpmn:script>", "<bpmn:script>import os</bpmn:script>", "note_reminder"),
])
def test_bad_timers_and_scripts_are_refused_with_their_element(engine, old, new, element):
    problems = _refusal(engine, _edit(diagram_files("timers.bpmn", "review.json"), "timers.bpmn", old, new))
    assert {p.element_id for p in problems} == {element}


def test_foreign_expression_languages_get_a_hint(engine):
    files = _edit(diagram_files(*BASIC), "basic.bpmn", "size == 'big'", "${size == 'big'}")
    [problem] = _refusal(engine, files)
    assert "JUEL" in problem.hint


def test_a_missing_called_process_is_refused(engine):
    problems = _refusal(engine, diagram_files("parent.bpmn", "review.json"))
    assert any("'child'" in p.message for p in problems)


def test_a_dmn_cell_outside_the_sandbox_is_refused(engine):
    files = _edit(diagram_files("decision.bpmn", "decision.dmn", "review.json"), "decision.dmn",
                  "<text>&gt; 2</text>", "<text>().__class__</text>")
    [problem] = _refusal(engine, files)
    assert (problem.file, problem.element_id) == ("decision.dmn", "r2_count")


def test_a_non_executable_process_is_refused(engine):
    files = _edit(diagram_files(*BASIC), "basic.bpmn", 'isExecutable="true"', 'isExecutable="false"')
    assert any("no executable process" in p.message for p in _refusal(engine, files))


EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s" name="&xxe;"/></bpmn:process>
</bpmn:definitions>"""
BILLION_LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><l>&b;</l>"""


@pytest.mark.parametrize("content", [EXTERNAL_ENTITY, BILLION_LAUGHS])
def test_xml_with_entities_is_refused_and_nothing_is_stored(engine, content):
    [problem] = _refusal(engine, {"evil.bpmn": content})
    assert "DOCTYPE" in problem.message
    with pytest.raises(NotFound):
        engine.start("p", {}, "alice")


@pytest.mark.parametrize(("files", "message"), [
    ({}, "no files were given"),
    ({"../x.bpmn": b"<a/>"}, "unsupported file name"),
    ({"x.exe": b"MZ"}, "unsupported file name"),
    ({"x.bpmn": b"<not closed"}, "not well-formed XML"),
    ({"x.json": b"{nope"}, "not valid JSON"),
    ({"x.bpmn": b"<a>" + b" " * (3 * 1024 * 1024) + b"</a>"}, "larger than"),
])
def test_malformed_uploads_are_refused(engine, files, message):
    assert any(message in p.message for p in engine.validate(files))
