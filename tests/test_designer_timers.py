"""Timers as designers set them: plain ISO 8601 date-times, and deadlines in working days without code
(the ``hotline:working_days`` extension property, or ``add_working_days(now(), n)``)."""

from datetime import timedelta

import pytest

from engine.errors import StepFailed
from engine.models import DeployedFile
from engine.runtime import Engine, Hooks
from processes.calendar import WorkingCalendar
from processes.departments import Directory
from processes.diagram_functions import diagram_functions
from processes.engine_hooks import WORKING_DAYS, working_days_timer
from tests.design_helpers import diagram, flows, problems_by_rule, task, timer_event
from tests.hotline_helpers import shanghai
from tests.test_commands import open_task


@pytest.fixture
def hotline_engine(db, clock):
    """A generic engine with the hotline's functions and its working-day timer property, as processes/ wires it."""
    clock.set(shanghai(2026, 11, 30, 9))  # a Monday
    return Engine(db, clock, functions=diagram_functions(WorkingCalendar(), Directory.load()),
                  hooks=Hooks(timer_properties={WORKING_DAYS: working_days_timer}))


def deadline(timer: str, properties: dict[str, str] | None = None) -> dict[str, bytes]:
    """A task with a non-interrupting reminder an hour in, and an interrupting deadline set as given."""
    body = ('<bpmn:startEvent id="start"/>' + task("handle") + task("late")
            + timer_event("remind", "handle", "<bpmn:timeDuration>PT1H</bpmn:timeDuration>", interrupting=False)
            + timer_event("deadline", "handle", timer, properties=properties)
            + '<bpmn:endEvent id="end"/><bpmn:endEvent id="reminded"/>'
            + flows("start>handle", "handle>end", "remind>reminded", "deadline>late", "late>end"))
    return diagram(body)


@pytest.mark.parametrize("files", [
    deadline("", {WORKING_DAYS: "10"}),
    deadline("<bpmn:timeDate>add_working_days(now(), 10)</bpmn:timeDate>"),
], ids=["extension property", "expression"])
def test_a_deadline_in_working_days_falls_at_the_end_of_the_tenth_working_day(hotline_engine, clock, files):
    assert problems_by_rule(hotline_engine.validate(files)) == []
    hotline_engine.deploy(files)
    case = hotline_engine.start("p", {}, "clerk")
    clock.set(shanghai(2026, 11, 30, 10, 0, 1))
    assert hotline_engine.fire_due() == [case]  # the reminder
    due = shanghai(2026, 12, 14, 23, 59, 59)  # Dec 1–4 and 7–11 are 9 working days, Monday the 14th the 10th
    assert hotline_engine.snapshot(case)["next_due_at"] == due
    clock.set(due)
    assert hotline_engine.fire_due() == []
    clock.set(due + timedelta(seconds=1))
    assert hotline_engine.fire_due() == [case]
    assert [t["name"] for t in hotline_engine.snapshot(case)["open_tasks"]] == ["late"]


def test_the_stored_file_keeps_the_property_as_the_designer_drew_it(hotline_engine):
    files = deadline("", {WORKING_DAYS: "10"})
    deployed = hotline_engine.deploy(files)
    with hotline_engine.session() as session:
        stored = session.query(DeployedFile).filter_by(version_id=deployed.version_id, name="p.bpmn").one()
    assert stored.content == files["p.bpmn"]


@pytest.mark.parametrize(("value", "message"), [
    ("ten", "property 'hotline:working_days' has a value the engine cannot use: 'ten' is not a whole number of "
            "working days"),
    ("0", "property 'hotline:working_days' has a value the engine cannot use: give between 1 and 250 working days"),
])
def test_a_working_day_property_the_engine_cannot_use_is_reported_once_at_its_event(hotline_engine, value, message):
    problems = [p for p in hotline_engine.validate(deadline("", {WORKING_DAYS: value})) if p.severity == "error"]
    assert [(p.element_id, p.message) for p in problems] == [("deadline", message)]


def test_a_timer_with_both_a_value_and_a_working_day_property_is_refused(hotline_engine):
    files = deadline("<bpmn:timeDuration>P3D</bpmn:timeDuration>", {WORKING_DAYS: "3"})
    [problem] = [p for p in hotline_engine.validate(files) if p.severity == "error"]
    assert (problem.element_id, problem.message) == ("deadline", "the timer has both a value and the property "
                                                                 "'hotline:working_days'")


def test_without_the_domain_the_property_means_nothing_and_the_timer_has_no_value(engine):
    [problem] = [p for p in engine.validate(deadline("", {WORKING_DAYS: "10"})) if p.severity == "error"]
    assert (problem.element_id, problem.message, problem.rule) == ("deadline", "the timer has no value", "timer")


def test_a_plain_iso_date_time_fires_once_that_moment_has_passed(engine, clock):
    files = deadline("<bpmn:timeDate>2026-11-04T09:00:00+08:00</bpmn:timeDate>")
    engine.deploy(files)
    case = engine.start("p", {}, "clerk")
    moment = shanghai(2026, 11, 4, 9)
    clock.set(moment)
    engine.fire_due()  # the reminder, long due
    assert engine.snapshot(case)["next_due_at"] == moment
    assert [t["name"] for t in engine.snapshot(case)["open_tasks"]] == ["handle"]
    clock.set(moment + timedelta(seconds=1))
    assert engine.fire_due() == [case]
    engine.complete_task(open_task(engine, case, "late")["id"], {}, "clerk")
    assert engine.snapshot(case)["status"] == "completed"


def waiting(tag: str, value: str) -> dict[str, bytes]:
    """A user task, then an intermediate timer whose value is ``value`` (ISO text or an expression)."""
    body = ('<bpmn:startEvent id="start"/>' + task("fill") + f'<bpmn:intermediateCatchEvent id="wait">'
            f"<bpmn:timerEventDefinition><bpmn:{tag}>{value}</bpmn:{tag}></bpmn:timerEventDefinition>"
            '</bpmn:intermediateCatchEvent><bpmn:endEvent id="end"/>' + flows("start>fill", "fill>wait", "wait>end"))
    return diagram(body)


OUT_OF_BOUNDS = [  # (timer type, value, what the designer is told); every one of these was accepted
    ("timeDuration", "P99999999Y", "timer duration 'P99999999Y' is longer than 3660 days"),
    ("timeDuration", "'P99999999Y'", "timer duration 'P99999999Y' is longer than 3660 days"),
    ("timeDuration", "PT99999999999H", "timer duration 'PT99999999999H' is longer than 3660 days"),
    ("timeDate", "9999-12-31T23:59:59Z", "timer date '9999-12-31T23:59:59Z' is more than 3660 days ahead"),
    ("timeCycle", "R/PT0S", "timer cycle 'R/PT0S' repeats for ever: give the number of repetitions (R<count>/…), "
                            "at most 1000"),
    ("timeCycle", "R/PT1S", "timer cycle 'R/PT1S' repeats for ever: give the number of repetitions (R<count>/…), "
                            "at most 1000"),
    ("timeCycle", "R5/PT1S", "timer cycle 'R5/PT1S' repeats more often than every 1 minute"),
    ("timeCycle", "R5000/P1D", "timer cycle 'R5000/P1D' repeats 5000 times; at most 1000"),
    ("timeCycle", "R3/9999-01-01T00:00:00Z/P1D", "timer date '9999-01-01T00:00:00Z' is more than 3660 days ahead"),
    ("timeDate", "P3D", "timer date 'P3D' is not an ISO 8601 date-time"),
    ("timeDuration", "'P'", "timer duration 'P' is not an ISO 8601 duration such as P10D or PT4H"),
]


@pytest.mark.parametrize(("tag", "value", "message"), OUT_OF_BOUNDS, ids=[v for _, v, _ in OUT_OF_BOUNDS])
def test_a_timer_value_out_of_bounds_is_refused_at_deploy_with_the_limit(engine, tag, value, message):
    problems = [p for p in engine.validate(waiting(tag, value)) if p.severity == "error"]
    assert [(p.element_id, p.rule, p.message) for p in problems] == [("wait", "timer", message)]
    assert "at most 1000" in problems[0].hint


@pytest.mark.parametrize(("tag", "value"), [("timeCycle", "R1000/PT1M"), ("timeDuration", "P10Y"),
                                            ("timeDate", "2036-01-01T00:00:00+08:00"), ("timeCycle", "R3/P1D"),
                                            ("timeCycle", "R3/2026-12-01T09:00:00+08:00/P1D")])
def test_timer_values_within_bounds_are_accepted(engine, tag, value):
    assert problems_by_rule(engine.validate(waiting(tag, value))) == []


@pytest.mark.parametrize(("tag", "value", "message"), [
    ("timeDuration", "P99999999Y", "timer duration 'P99999999Y' is longer than 3660 days"),
    ("timeDate", "9999-12-31T23:59:59Z", "timer date '9999-12-31T23:59:59Z' is more than 3660 days ahead"),
    ("timeCycle", "R/PT0S", "timer cycle 'R/PT0S' repeats for ever"),
    ("timeCycle", "R/PT1S", "timer cycle 'R/PT1S' repeats for ever"),
    ("timeCycle", "R5/PT1S", "timer cycle 'R5/PT1S' repeats more often than every 1 minute"),
], ids=["huge duration", "far date", "zero cycle", "endless cycle", "short interval"])
def test_a_computed_timer_value_out_of_bounds_fails_its_step_and_the_case_becomes_an_incident(engine, tag, value,
                                                                                              message):
    engine.deploy(waiting(tag, "note"))  # the value is the answer given in the form, known only at run time
    case = engine.start("p", {}, "clerk")
    with pytest.raises(StepFailed) as failed:
        engine.complete_task(open_task(engine, case, "fill")["id"], {"note": value}, "clerk")
    assert (failed.value.task, str(failed.value).startswith(message)) == ("wait", True)
    snapshot = engine.snapshot(case)
    assert (snapshot["status"], [t["name"] for t in snapshot["open_tasks"]]) == ("incident", ["fill"])
    [incident] = engine.incidents()
    assert (incident.id, incident.error_task) == (case, "wait")
