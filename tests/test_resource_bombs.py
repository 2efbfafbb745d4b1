"""A gallery of resource bombs a designer could deploy: each is refused at deploy, or bounded at run time
within a few seconds (the case becomes an incident, nothing of the step is saved), while ``/health`` and
another case's commands keep answering.
"""

from __future__ import annotations

import io
import threading
import time
from dataclasses import dataclass, field

import pytest

from tests.api_helpers import Api
from tests.design_helpers import HEAD, diagram, flows, task, timer_event

TRIAGE = {"treatment": "assignment", "complexity": "general", "departments": ["water"]}
BOUNDED_SECONDS = 10  # the step budget (2 s) and the request around it, on a busy two-core machine
ANSWER_SECONDS = 1


def after_a_task(work: str, extra_flows: tuple[str, ...] = (), tail: str = "work") -> dict[str, bytes]:
    """Start, a user task ``go``, then ``work`` (elements whose first is ``work``), then the end."""
    body = '<bpmn:startEvent id="start"/>' + task("go") + work + '<bpmn:endEvent id="end"/>'
    return diagram(body + flows("start>go", "go>work", f"{tail}>end", *extra_flows), process_id="bomb")


def script(text: str) -> dict[str, bytes]:
    return after_a_task(f'<bpmn:scriptTask id="work"><bpmn:script>{text}</bpmn:script></bpmn:scriptTask>')


def condition(text: str) -> dict[str, bytes]:
    """An exclusive gateway whose first flow's condition is ``text``."""
    gateway = ('<bpmn:exclusiveGateway id="work" default="work_other"/><bpmn:endEvent id="other"/>'
               f'<bpmn:sequenceFlow id="work_end2" sourceRef="work" targetRef="end">'
               f'<bpmn:conditionExpression>{text}</bpmn:conditionExpression></bpmn:sequenceFlow>'
               '<bpmn:sequenceFlow id="work_other" sourceRef="work" targetRef="other"/>')
    body = '<bpmn:startEvent id="start"/>' + task("go") + gateway + '<bpmn:endEvent id="end"/>'
    return diagram(body + flows("start>go", "go>work"), process_id="bomb")


def boundary_timer(definition: str, interrupting: bool = True) -> dict[str, bytes]:
    return after_a_task(task("work") + timer_event("late", "work", definition, interrupting) + task("chase"),
                        ("late>chase", "chase>end"))


def cardinality(value: str) -> dict[str, bytes]:
    loop = (f'<bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>{value}</bpmn:loopCardinality>'
            "</bpmn:multiInstanceLoopCharacteristics>")
    return after_a_task(f'<bpmn:userTask id="work" camunda:formKey="note">{loop}</bpmn:userTask>')


def with_form(form: str) -> dict[str, bytes]:
    return {**after_a_task(task("work")), "note.json": form.encode()}


def nested_diagram(depth: int) -> dict[str, bytes]:
    inner = "<bpmn:documentation>x</bpmn:documentation>"
    for _ in range(depth):
        inner = f"<bpmn:extensionElements>{inner}</bpmn:extensionElements>"
    text = f'{HEAD}<bpmn:process id="bomb" isExecutable="true">{inner}</bpmn:process></bpmn:definitions>'
    return {"bomb.bpmn": text.encode()}


@dataclass
class Bomb:
    files: dict[str, bytes]
    data: dict = field(default_factory=dict)
    answers: list[dict] = field(default_factory=lambda: [{}])  # what the person submits at ``go`` (then ``work``)


BOMBS = {
    # written in the diagram, so refused at deploy
    "a timer 99,999,999 years ahead": Bomb(boundary_timer("<bpmn:timeDuration>P99999999Y</bpmn:timeDuration>")),
    "a cycle with no count and no interval": Bomb(boundary_timer("<bpmn:timeCycle>R/PT0S</bpmn:timeCycle>", False)),
    "a cycle firing every second for ever": Bomb(boundary_timer("<bpmn:timeCycle>R/PT1S</bpmn:timeCycle>", False)),
    "8,000 instances": Bomb(cardinality("8000")),
    "a form fetching a schema from the network": Bomb(with_form('{"$ref": "http://169.254.169.254/latest"}')),
    "a form reading a file": Bomb(with_form('{"$ref": "file:///etc/passwd"}')),
    "a form nested 10,000 deep": Bomb(with_form('{"items": ' * 10000 + "{}" + "}" * 10000)),
    "a diagram nested 5,000 deep": Bomb(nested_diagram(5000)),
    # computed from the case's data when it runs, so bounded at run time
    "squaring a power fourteen times": Bomb(script("a = 9**999" + "&#10;a = a*a" * 14)),
    "a 1.5 GB format width in a script": Bomb(script('n = len("%1500000000d" % 0)')),
    "a 1.5 GB format width in a condition": Bomb(condition('len("%1500000000d" % 0) &gt; 0')),
    "a 100 MB f-string width": Bomb(script('a = f"{1:&gt;100000000}"')),
    "a 20 MB string of a list": Bomb(script('a = str(["x"*100000]*200)')),
    "a quadratic sum": Bomb(script("a = sum([[0]*100000]*100, [])")),
    "a timer length taken from the data": Bomb(boundary_timer("<bpmn:timeDuration>length</bpmn:timeDuration>"),
                                               {"length": "P99999999Y"}),
    "a cardinality taken from the data": Bomb(cardinality("count"), {"count": 8000}),
    "a catastrophic pattern": Bomb(with_form('{"type": "object", "properties": {"note": '
                                             '{"type": "string", "pattern": "^(a+)+$"}}}'),
                                   answers=[{}, {"note": "a" * 27 + "!"}]),
}


class Watch:
    """Meanwhile, in another thread: ``/health`` over and over, and one command on another case."""

    def __init__(self, api: Api, other_task: str):
        self.api, self.other_task = api, other_task
        self.health: list[tuple[float, int]] = []
        self.command: tuple[float, int] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        client = self.api.client.application.test_client()
        headers = {"Authorization": f"Bearer {self.api.tokens['dispatcher']}"}
        while not self._stop.is_set():
            self.health.append(_timed(lambda: client.get("/api/v1/health")))
            if self.command is None:
                self.command = _timed(lambda: client.post(f"/api/v1/tasks/{self.other_task}/complete",
                                                          json=TRIAGE, headers=headers))
            time.sleep(0.02)


def _timed(request) -> tuple[float, int]:
    began = time.monotonic()
    status = request().status_code
    return time.monotonic() - began, status


def detonate(api: Api, bomb: Bomb) -> str:
    """Deploy, start, and work the bomb's case; what became of it."""
    deployed = api.client.post("/api/v1/deployments", headers={"Authorization": f"Bearer {api.tokens['designer']}"},
                               data={"files": [(io.BytesIO(content), name) for name, content in bomb.files.items()]})
    if deployed.status_code == 400:
        assert deployed.get_json()["errors"], deployed.get_json()
        return "refused at deploy"
    assert deployed.status_code == 201, deployed.get_json()
    started = api.post("designer", "/processes/bomb/cases", json={"data": bomb.data})
    assert started.status_code == 201, started.get_json()
    number = started.get_json()["number"]
    for answer in bomb.answers:
        task = api.get("designer", f"/tasks?case={number}").get_json()["items"][0]["id"]
        done = api.post("designer", f"/tasks/{task}/complete", json=answer)
        assert done.status_code in (200, 400, 409), done.get_json()
        if done.status_code != 200:
            incidents = [i["case"] for i in api.get("admin", "/incidents").get_json()]
            return "an incident" if number in incidents else f"refused with {done.status_code}"
    return "ran within bounds"


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_a_resource_bomb_is_refused_or_bounded_while_the_service_answers(api, name):
    other = api.register()["number"]
    other_task = api.task("dispatcher", other, "triage")["id"]
    began = time.monotonic()
    with Watch(api, other_task) as watch:
        outcome = detonate(api, BOMBS[name])
        while watch.command is None:
            time.sleep(0.01)
    took = time.monotonic() - began
    assert outcome in ("refused at deploy", "an incident", "refused with 400", "ran within bounds"), outcome
    assert took < BOUNDED_SECONDS, f"{name}: {outcome} after {took:.1f} s"
    assert watch.health and all(status == 200 and seconds < ANSWER_SECONDS for seconds, status in watch.health)
    assert watch.command[1] == 200 and watch.command[0] < ANSWER_SECONDS, watch.command
