"""Diagrams made by real modelers (tests/external): each gets the verdict its README gives, in one run;
the deployable ones (once a form of ours is attached) deploy, run and come back byte for byte."""

from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from api.cli import main
from engine.deployment import DeploymentRefused
from engine.firing import FIRING_DELAY
from engine.models import ProcessVersion
from engine.replay import Replayer
from processes.service import INTAKE_DEFAULTS
from tests.external_helpers import (
    EXTERNAL,
    document_request,
    external,
    invoice_payment,
    loan_approval,
    vacation_request,
)
from tests.hotline_helpers import intake
from tests.test_commands import events, open_task

B2_UNSUPPORTED = [  # data stores, service tasks without a handler, conditional and link events, a global task
    "DS1373638079677", "_b9385abf-d293-40b7-848b-8add4db48415", "_3bfec246-ab94-4807-a79a-3df91ac13800",
    "_ac1fde31-c0cd-4a8a-9728-a5fb49602de7", "_6936f794-7bbb-4aa1-ae48-3a35bab4e2f4",
    "_fa90f891-fc07-463a-97c9-2ee0812351e1", "_cba8fbed-2bb6-40a9-8ac5-83e827ce9d9f",
    "_732c0641-b12f-448b-b9f8-a68b355782e3", "_c9cb2415-6a2e-49d6-84b9-27babcde4088",
    "_68ca1f8b-5028-4079-9e35-619b529f4d71", "_f27040d5-765c-493c-bbe7-9fb6ad04cbdc",
    "_4f5e6e50-d9d0-4f97-959a-d1b8e1e32788", "_a74c1d4d-db90-43ff-8920-139a300b39a5"]
B2_WITHOUT_MESSAGE = [  # message events and a receive task that name no message
    "_86b052b4-225c-424e-b900-bb94bdd77cec", "_e369fd30-1a71-4d0e-b4d7-2174dd5ba388",
    "_f2081fdb-3b8a-480b-9f61-fbf683e2018c", "_05c6bc89-5265-435c-8a9e-533c44a6888b",
    "_f07e4bd2-768d-42c6-a8d5-24d1c3bfa3cb"]
B2_USER_TASKS = ["_c57a5344-213f-4834-a6c3-94ce878b413c", "_7f4fe4ea-901f-4c74-bcd4-e933495712fd",
                 "_c9870992-6643-4094-acfd-d76e5e37941b", "_0e87da16-736e-45b2-95e5-8f45940f3adf",
                 "_b9343536-6490-4559-8365-71d5c4cbb7cb"]
VERDICTS = {
    "bpmn-miwg/A.1.0-bpmnio-export.bpmn": [("no_executable_process", "Process_1")],
    "bpmn-miwg/B.2.0-reference.bpmn": [
        ("no_executable_process", None), *[("unsupported", i) for i in B2_UNSUPPORTED],
        *[("no_form", i) for i in B2_USER_TASKS], *[("incomplete", i) for i in B2_WITHOUT_MESSAGE],
        ("timer", "_4e71bf73-1719-401e-a9a2-85dc89fc1150"), ("timer", "_5a6baa94-303a-4750-bde2-e1cd6edace37"),
        ("timer", "_79341f54-50d4-4c60-85f3-fe8839a7554b"), ("timer", "_034907bf-d3d7-4629-818c-14c3e69d5bc6"),
        ("loop", "_c57a5344-213f-4834-a6c3-94ce878b413c"), ("loop", "_149a6e1d-0385-4d0f-a90c-c2150a291a67"),
        ("loop", "_6936f794-7bbb-4aa1-ae48-3a35bab4e2f4"), ("loop", "_b9343536-6490-4559-8365-71d5c4cbb7cb"),
        ("structure", "_149a6e1d-0385-4d0f-a90c-c2150a291a67"), ("structure", "_0263ca9e-2ca0-4f4e-b7dd-86e15dcf2447"),
        ("called_process", "_1237e756-d53c-4591-a731-dafffbf0b3f9"),
        ("called_process", "_ba16239e-181e-4b9f-bc5b-0bb2ee973450"),
        ("gateway", "_dec393e7-f182-4d31-b05f-e33ac3a5e35f"), ("gateway", "_49e94b5f-ce21-4c2b-b78d-3cde5c09c15e"),
        ("gateway", "_84918a6a-5e98-40c6-9155-c081bb5bdee8"), ("gateway", "_84918a6a-5e98-40c6-9155-c081bb5bdee8")],
    "bpmn-miwg/C.9.1-reference.bpmn": [("foreign_expression", "Message_1"), ("unsupported", "SendTask_RequestDocument"),
                                       ("unsupported", "SendTask_SendReminderEmail"),
                                       ("no_form", "UserTask_CallCustomer")],
    "camunda-bpm-examples/loanApproval.bpmn": [("foreign_form", "UserTask_1")],
    "camunda-bpm-examples/invoicePayment.bpmn": [("foreign_form", "Task_16y91ka"), ("no_form", "Task_1a2twqz"),
                                                 ("no_form", "Task_0q869n2")],
    "flowable-examples/VacationRequest.bpmn20.xml": [
        ("no_form", "handleRequest"), ("no_form", "adjustVacationRequestTask"),
        *[("foreign_expression", f"flow{i}") for i in (3, 5, 7, 8)]],
}
DEPLOYABLE = {"loanApproval": loan_approval, "invoicePayment": invoice_payment, "C.9.1": document_request}


def as_upload(name: str) -> dict[str, bytes]:
    return {Path(name).name: external(name)}


def errors_of(problems) -> list[tuple]:
    return sorted(((p.rule, p.element_id) for p in problems if p.severity == "error"), key=str)


def test_every_external_file_is_covered():
    diagrams = [*EXTERNAL.rglob("*.bpmn"), *EXTERNAL.rglob("*.bpmn20.xml")]
    assert sorted(str(p.relative_to(EXTERNAL)) for p in diagrams) == sorted(VERDICTS)


@pytest.mark.parametrize("name", VERDICTS)
def test_each_external_diagram_gets_its_verdict_in_one_run_and_is_refused(engine, name):
    problems = engine.validate(as_upload(name))
    assert errors_of(problems) == sorted(VERDICTS[name], key=str)
    assert all(p.file == Path(name).name and p.hint for p in problems)
    assert all(p.line for p in problems if p.element_id)
    with pytest.raises(DeploymentRefused) as refused:
        engine.deploy(as_upload(name))
    assert errors_of(refused.value.problems) == errors_of(problems)
    with engine.session() as session:
        assert session.scalar(select(func.count()).select_from(ProcessVersion)) == 0


def test_a_process_drawn_but_not_executable_is_refused_with_the_one_clear_message(engine):
    problems = engine.validate(as_upload("bpmn-miwg/A.1.0-bpmnio-export.bpmn"))
    [problem] = [p for p in problems if p.severity == "error"]
    assert problem.message == 'no executable process: every process has isExecutable="false"'
    assert (problem.element_id, problem.line) == ("Process_1", 3)
    assert "Executable" in problem.hint


def test_c91_bare_iso_timers_are_understood_and_outside_work_is_named(engine):
    problems = engine.validate(as_upload("bpmn-miwg/C.9.1-reference.bpmn"))
    by_element = {p.element_id: p for p in problems if p.severity == "error"}
    assert not any(p.rule == "timer" for p in problems)
    assert by_element["Message_1"].message == (
        "FEEL correlation key '= documentReferenceId' (Camunda 8) is not supported")
    assert by_element["SendTask_RequestDocument"].message == (
        "external task (topic 'emailService') needs an outside worker, which the engine does not have")
    assert "script task" in by_element["SendTask_SendReminderEmail"].hint


def test_invoice_payment_names_each_user_task_without_a_form_of_ours_and_how_to_attach_one(engine):
    problems = {p.element_id: p for p in engine.validate(as_upload("camunda-bpm-examples/invoicePayment.bpmn"))
                if p.severity == "error"}
    assert problems["Task_16y91ka"].message == (
        "user task's form 'embedded:app:task-form.html' is a Camunda HTML form, not a form of ours")
    for task, form in (("Task_16y91ka", "pay_invoice"), ("Task_1a2twqz", "archive_invoice"),
                       ("Task_0q869n2", "inform_supervisor")):
        assert f'camunda:formKey="{form}"' in problems[task].hint and f"{form}.json" in problems[task].hint


def test_validate_on_the_shell_lists_every_problem_and_exits_non_zero(tmp_path):
    path = EXTERNAL / "bpmn-miwg/C.9.1-reference.bpmn"
    result = CliRunner().invoke(main, ["--database-url", f"sqlite:///{tmp_path / 'cli.db'}", "validate", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1] == "4 error(s), 1 warning(s)"
    assert [line.split(" ")[1] for line in lines[:-1]] == [
        "[Message_1", "[SendTask_RequestDocument", "[SendTask_SendReminderEmail", "[UserTask_CallCustomer",
        "[UserTask_CallCustomer"]


def upload(files: dict[str, bytes]) -> dict:
    return {"files": [(BytesIO(content), name) for name, content in files.items()]}


def test_the_validate_endpoint_reports_b20_completely(api):
    response = api.post("designer", "/deployments/validate", data=upload(as_upload("bpmn-miwg/B.2.0-reference.bpmn")),
                        content_type="multipart/form-data")
    report = response.get_json()
    assert (response.status_code, report["valid"]) == (200, False)
    assert sorted(((p["rule"], p.get("element_id")) for p in report["errors"]), key=str) == sorted(
        VERDICTS["bpmn-miwg/B.2.0-reference.bpmn"], key=str)
    warnings = {(w["rule"], w["element_id"]) for w in report["warnings"]}
    abstract = {(rule, element) for rule, element in warnings if rule == "abstract_task"}
    assert warnings - abstract == {*(("no_lane", i) for i in B2_USER_TASKS),
                                   ("no_reminder", "_79341f54-50d4-4c60-85f3-fe8839a7554b")}
    assert len(abstract) == external("bpmn-miwg/B.2.0-reference.bpmn").count(b"<semantic:task ") == 22


@pytest.mark.parametrize("files", DEPLOYABLE.values(), ids=DEPLOYABLE.keys())
def test_a_deployed_external_diagram_downloads_byte_for_byte(api, files):
    bundle = files()
    response = api.post("designer", "/deployments", data=upload(bundle), content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    deployed = response.get_json()
    for name, content in bundle.items():
        path = f"/processes/{deployed['process_id']}/versions/{deployed['version']}/files/{name}"
        assert api.get("auditor", path).data == content


def test_loan_approval_runs_once_a_form_is_attached(engine):
    engine.deploy(loan_approval())
    case = engine.start("embeddedFormsQuickstart", {"amount": 1000}, "clerk")
    task = open_task(engine, case)
    assert (task["name"], task["lane"]) == ("UserTask_1", None)
    engine.complete_task(task["id"], {"approved": True}, "demo")
    assert engine.snapshot(case)["status"] == "completed"
    assert Replayer(engine).verify(case).replay_matches


@pytest.mark.parametrize(("kind", "code", "path"), [("error", "invoice-error", "Task_1a2twqz"),
                                                    ("escalation", "invoice-escalate", "Task_0q869n2")])
def test_a_person_raises_invoice_payments_error_or_escalation_and_the_case_follows_the_boundary(engine, kind, code,
                                                                                                 path):
    engine.deploy(invoice_payment())
    case = engine.start("embeddedFormsBpmnEvents", {}, "clerk")
    engine.throw(open_task(engine, case)["id"], kind, code, "the amount is missing", "clerk")
    snapshot = engine.snapshot(case)
    assert [t["name"] for t in snapshot["open_tasks"]] == [path]
    assert snapshot["data"][kind] == {"code": code, "message": "the amount is missing"}
    assert [(e.type, e.task_name, e.data) for e in events(engine, case)][-1] == (
        f"{kind}_thrown", "Task_16y91ka", {"code": code, "message": "the amount is missing"})
    engine.complete_task(snapshot["open_tasks"][0]["id"], {"note": "done"}, "boss")
    assert engine.snapshot(case)["status"] == "completed"
    assert Replayer(engine).verify(case).replay_matches


def test_an_invoice_payment_case_follows_the_error_raised_through_the_api(api):
    api.post("designer", "/deployments", data=upload(invoice_payment()), content_type="multipart/form-data")
    # The API starts hotline cases only; the case is started below it, with a call's data, as a hotline case.
    instance = api.hotline.engine.start("embeddedFormsBpmnEvents", {**INTAKE_DEFAULTS, **intake()}, "operator")
    number = api.hotline.case(instance_id=instance).number
    [task] = api.get("admin", f"/cases/{number}").get_json()["open_tasks"]
    response = api.post("admin", f"/tasks/{task['id']}/error", json={"code": "invoice-error", "message": "金额缺失"})
    assert response.status_code == 200, response.get_json()
    assert [t["name"] for t in response.get_json()["open_tasks"]] == ["Task_1a2twqz"]


def test_c91_reminds_daily_six_times_then_times_out_after_a_week(engine, clock):
    engine.deploy(document_request())
    start = clock.now()
    case = engine.start("requestDocument_en", {}, "clerk")
    assert engine.snapshot(case)["next_due_at"] == start + timedelta(days=1)
    for day in range(1, 7):
        clock.set(start + timedelta(days=day))
        assert engine.fire_due() == []  # due is not yet past
        clock.set(start + timedelta(days=day, seconds=1))
        assert engine.fire_due() == [case]
        assert [t["name"] for t in engine.snapshot(case)["open_tasks"]] == []
    assert engine.snapshot(case)["next_due_at"] == start + timedelta(days=7)
    clock.set(start + timedelta(days=7, seconds=1))
    assert engine.fire_due() == [case]
    assert [t["name"] for t in engine.snapshot(case)["open_tasks"]] == ["UserTask_CallCustomer"]
    fired = [(e.at - start, [t["timer"] for t in e.data["timers"]]) for e in events(engine, case)
             if e.type == "timer_fired"]
    assert fired == [(timedelta(days=d) + FIRING_DELAY, ["BoundaryEvent_1"]) for d in range(1, 7)] + [
        (timedelta(days=7) + FIRING_DELAY, ["BoundaryEvent_2"])]  # each at its own moment, not when it was seen
    assert Replayer(engine).verify(case).replay_matches


def test_c91_ends_when_the_answer_arrives_before_the_week_is_out(engine, clock):
    engine.deploy(document_request())
    case = engine.start("requestDocument_en", {}, "clerk")
    clock.set(clock.now() + timedelta(days=2, hours=1))
    assert engine.fire_due() == [case]
    engine.send_message(case, "MESSAGE_documentReceived", {"document": "scan.pdf"}, "mailroom")
    snapshot = engine.snapshot(case)
    assert (snapshot["status"], snapshot["next_due_at"]) == ("completed", None)


def test_flowable_vacation_request_is_read_like_camunda_and_each_hint_is_built_from_its_expression(engine):
    problems = engine.validate(as_upload("flowable-examples/VacationRequest.bpmn20.xml"))
    by_element = {(p.element_id, p.severity): p for p in problems}
    assert by_element["flow5", "error"].hint == ("this is JUEL (Camunda 7, Activiti, Flowable); write the plain "
                                                 "expression: vacationApproved == 'Reject'")
    assert by_element["handleRequest", "error"].message == (
        "user task names form 'handle-vacation-request', which is not among the deployed files")
    assert [p.message for p in problems if p.element_id == "adjustVacationRequestTask" and p.rule == "ignored"] == [
        "flowable:assignee is not read: candidates come from the task's lane"]
    assert by_element["request", "warning"].hint == "remove flowable:formKey from the start event"


def test_flowable_vacation_request_runs_once_the_hints_are_followed(engine):
    hints = {p.element_id: p.hint for p in engine.validate(as_upload("flowable-examples/VacationRequest.bpmn20.xml"))
             if p.rule == "foreign_expression"}
    files = vacation_request(hints)
    assert errors_of(engine.validate(files)) == []
    engine.deploy(files)
    case = engine.start("vacationRequest", {"employeeName": "Li", "numberOfDays": 3}, "clerk")
    engine.complete_task(open_task(engine, case, "handleRequest")["id"], {"vacationApproved": "Reject"}, "boss")
    engine.complete_task(open_task(engine, case, "adjustVacationRequestTask")["id"], {"resendRequest": "No"}, "Li")
    assert engine.snapshot(case)["status"] == "completed"
    assert Replayer(engine).verify(case).replay_matches
