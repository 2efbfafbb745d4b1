"""What one request costs the database, held to a budget: a regression that adds a session or a round trip
to the common path fails here (counts of statements, never timings)."""

from __future__ import annotations

from tests.statements import counted

TRIAGE = {"treatment": "assignment", "complexity": "general", "departments": ["water"]}
COMPLETION_STATEMENTS = 10
"""A completion over HTTP, all in the command's one session: the candidate check (1); the command's read of the
task, its holder and the case row (1); its writes: open tasks, case, audit event, the hotline row (6); the
read-back of the case and its open tasks (2). It was 16 (and 5 sessions) when the check, the case number and the
answer each opened their own session, and 12 while the task, its case and its holder were read one by one."""


def test_completing_a_task_costs_one_unit_of_work(api):
    number = api.register()["number"]
    task = api.task("dispatcher", number, "triage")["id"]  # the dispatcher's token is verified (and kept) here
    with counted(api.hotline.engine.db) as cost:
        response = api.post("dispatcher", f"/tasks/{task}/complete", json=TRIAGE)
    assert response.status_code == 200 and response.get_json()["status"] == "in_progress"
    assert len(cost.statements) <= COMPLETION_STATEMENTS, "\n".join(cost.statements)
    assert len(cost.sessions) == 1  # the command checks, acts and answers in its own session
    assert len(cost.reads("WHERE open_tasks.id =")) <= 2  # the task's row: the check, then the engine's one read
    assert cost.reads("FROM hotline_users") == []  # the token was verified on the request before


def test_a_claim_answers_from_the_command_transaction(api):
    number = api.register()["number"]
    task = api.task("dispatcher", number, "triage")["id"]
    with counted(api.hotline.engine.db) as cost:
        response = api.post("dispatcher", f"/tasks/{task}/claim")
    assert response.status_code == 200 and response.get_json()["assignee"] == "dispatcher"
    assert len(cost.sessions) == 1


def test_looking_up_the_open_task_of_a_case_is_one_statement(api):
    number = api.register()["number"]
    api.task("dispatcher", number, "triage")  # the dispatcher's token is verified (and kept) here
    with counted(api.hotline.engine.db) as cost:
        listed = api.get("dispatcher", f"/tasks?case={number}&name=triage").get_json()
    assert (len(listed["items"]), listed["total"]) == (1, 1)
    assert len(cost.statements) == 1, "\n".join(cost.statements)  # a first page with room to spare is the total
