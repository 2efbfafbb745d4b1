"""The diagrams real modelers made (tests/external, copied unchanged from the published sources), and the
minimal text edits that make the deployable ones ours: a form of ours attached, outside workers removed."""

from __future__ import annotations

import re
from pathlib import Path

EXTERNAL = Path(__file__).parent / "external"
APPROVE_FORM = b'{"type": "object", "properties": {"approved": {"type": "boolean"}}, "required": ["approved"], ' \
               b'"additionalProperties": false}'
NOTE_FORM = b'{"type": "object", "properties": {"note": {"type": "string", "maxLength": 500}}, ' \
            b'"additionalProperties": false}'


def external(name: str) -> bytes:
    """An external diagram exactly as published (``bpmn-miwg/A.1.0-bpmnio-export.bpmn``)."""
    return (EXTERNAL / name).read_bytes()


def edit(content: bytes, old: str, new: str, count: int = 1) -> bytes:
    """Replace text that must be there exactly ``count`` times (so a changed fixture fails loudly)."""
    text = content.decode()
    assert text.count(old) == count, f"expected {count} of {old!r}"
    return text.replace(old, new).encode()


def add_form(content: bytes, task_id: str, form: str) -> bytes:
    """Give a user task drawn without a form the form key of one of ours."""
    return edit(content, f'<bpmn:userTask id="{task_id}"', f'<bpmn:userTask id="{task_id}" camunda:formKey="{form}"')


def loan_approval() -> dict[str, bytes]:
    """loanApproval with its HTML task form replaced by a JSON Schema form of ours."""
    bpmn = edit(external("camunda-bpm-examples/loanApproval.bpmn"), 'camunda:formKey="embedded:app:task-form.html"',
                'camunda:formKey="approve_loan"')
    return {"loanApproval.bpmn": bpmn, "approve_loan.json": APPROVE_FORM}


def invoice_payment() -> dict[str, bytes]:
    """invoicePayment with forms of ours on its three user tasks."""
    bpmn = edit(external("camunda-bpm-examples/invoicePayment.bpmn"), 'camunda:formKey="embedded:app:task-form.html"',
                'camunda:formKey="note"')
    for task in ("Task_1a2twqz", "Task_0q869n2"):
        bpmn = add_form(bpmn, task, "note")
    return {"invoicePayment.bpmn": bpmn, "note.json": NOTE_FORM}


def document_request() -> dict[str, bytes]:
    """C.9.1 with its outside work removed: the e-mails an outside worker sent become script tasks noting them,
    no Camunda 8 job or correlation key; the user task gets a form of ours. The timers stay as drawn."""
    bpmn = external("bpmn-miwg/C.9.1-reference.bpmn")
    bpmn = edit(bpmn, ' camunda:type="external" camunda:topic="emailService"', "", count=2)
    bpmn = edit(bpmn, "<bpmn:sendTask ", "<bpmn:scriptTask ", count=2)
    bpmn = edit(bpmn, "</bpmn:sendTask>", "<bpmn:script>mail = 'sent'</bpmn:script></bpmn:scriptTask>", count=2)
    bpmn = re.sub(rb'\s*<zeebe:taskDefinition type="email" />', b"", bpmn)
    bpmn = edit(bpmn, '<zeebe:subscription correlationKey="= documentReferenceId" />', "")
    bpmn = add_form(bpmn, "UserTask_CallCustomer", "note")
    return {"C.9.1-reference.bpmn": bpmn, "note.json": NOTE_FORM}


VACATION_FORMS = {
    "handle-vacation-request.json": b'{"type": "object", "properties": {"vacationApproved": {"enum": ["Approve", '
                                    b'"Reject"]}}, "required": ["vacationApproved"], "additionalProperties": false}',
    "adjust-vacation-request.json": b'{"type": "object", "properties": {"resendRequest": {"enum": ["Yes", "No"]}}, '
                                    b'"required": ["resendRequest"], "additionalProperties": false}',
}


def vacation_request(hints: dict[str, str]) -> dict[str, bytes]:
    """Flowable's VacationRequest as a designer fixes it by following the validation report: each JUEL condition
    replaced by the plain expression its hint gives (``hints``: flow id → hint), a JSON Schema for each form key."""
    bpmn = external("flowable-examples/VacationRequest.bpmn20.xml")
    for found in re.finditer(rb"<!\[CDATA\[(\$\{[^]]*\})\]\]>", bpmn):
        flow = re.findall(rb'<sequenceFlow id="(\w+)"', bpmn[:found.start()])[-1].decode()
        bpmn = edit(bpmn, found[1].decode(), hints[flow].split("write the plain expression: ")[1])
    return {"VacationRequest.bpmn20.xml": bpmn, **VACATION_FORMS}
