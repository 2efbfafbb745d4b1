"""What a designer reads about a diagram, and why a case cannot move to a version, follow Accept-Language: the
common problems are told in Chinese by default and in English on request; where each problem is stays as it was."""

from __future__ import annotations

import io

import pytest

from api.design_messages import DESIGN, MIGRATION
from api.messages import CJK, phrase
from engine.bundle import read_paths
from processes.service import DIAGRAMS
from tests.design_helpers import diagram, flows, task, timer_event
from tests.external_helpers import edit

EN = {"Accept-Language": "en"}
WHERE = ("rule", "element_id", "file", "line", "severity")
EVERY_COMMON_RULE = (
    '<bpmn:startEvent id="start"/><bpmn:userTask id="fill"/>' + task("check")
    + timer_event("late", "check", "<bpmn:timeDuration>PT2X</bpmn:timeDuration>")
    + '<bpmn:exclusiveGateway id="gw"/><bpmn:endEvent id="done"/><bpmn:endEvent id="other"/>'
    + '<bpmn:sequenceFlow id="gw_other" sourceRef="gw" targetRef="other">'
      "<bpmn:conditionExpression>__import__('os')</bpmn:conditionExpression></bpmn:sequenceFlow>"
    + '<bpmn:complexGateway id="cg"/>' + task("orphan") + '<bpmn:task id="bad" unknownAttr="1"/>'
    + flows("start>fill", "fill>check", "check>gw", "gw>done", "late>done", "orphan>done", "cg>done"))
"""One problem (at least) of each common rule: no_form, unsupported, unreachable, gateway, timer, expression,
schema; and warnings (no_lane, abstract_task, no_reminder)."""
RULES = {"no_form", "unsupported", "unreachable", "gateway", "timer", "expression", "schema"}


def upload(api, files: dict[str, bytes], path: str, headers: dict | None = None):
    data = {"files": [(io.BytesIO(content), name) for name, content in files.items()]}
    return api.post("designer", path, data=data, content_type="multipart/form-data", headers=headers or {})


def _told(problems: list[dict], lang: str) -> list[dict]:
    """Each problem's rule and place, and whether its words are Chinese."""
    return [{**{k: p.get(k) for k in WHERE}, "zh": [bool(CJK.search(p.get(k) or "中")) for k in ("message", "hint")]}
            for p in problems]


def test_a_validation_report_is_in_chinese_by_default_and_in_english_on_request(api):
    zh = upload(api, diagram(EVERY_COMMON_RULE), "/deployments/validate").get_json()
    en = upload(api, diagram(EVERY_COMMON_RULE), "/deployments/validate", EN).get_json()
    assert {p["rule"] for p in zh["errors"]} == RULES
    for kind in ("errors", "warnings"):
        assert [{k: p.get(k) for k in WHERE} for p in zh[kind]] == [{k: p.get(k) for k in WHERE} for p in en[kind]]
        assert [p for p in zh[kind] if not CJK.search(p["message"] + p.get("hint", "中"))] == []
        assert [p for p in en[kind] if CJK.search(p["message"] + p.get("hint", ""))] == []
    by_rule = {(p["rule"], p.get("element_id")): p for p in zh["errors"]}
    assert by_rule["no_form", "fill"]["message"] == "用户任务未指定表单"
    assert by_rule["no_form", "fill"]["hint"].startswith('请在任务上设置 camunda:formKey="fill"')
    assert by_rule["gateway", "gw"]["message"] == "从该排他网关流出的顺序流“gw_done”没有条件，也不是默认流"
    assert by_rule["timer", "late"]["message"] == "定时器时长“PT2X”不是 ISO 8601 时长（如 P10D 或 PT4H）"
    assert by_rule["unreachable", "orphan"]["message"] == "没有从开始事件到达该元素的路径"
    assert by_rule["unsupported", "cg"]["message"] == "不支持复杂网关"
    assert by_rule["schema", None]["message"].startswith("不符合 BPMN 规范：Element ")
    assert by_rule["expression", "gw_other"]["message"].startswith("表达式被拒绝：")


def test_a_refused_deployment_lists_its_problems_in_the_readers_language(api):
    files = diagram(EVERY_COMMON_RULE)
    zh, en = upload(api, files, "/deployments"), upload(api, files, "/deployments", EN)
    assert (zh.status_code, en.status_code) == (400, 400)
    assert zh.get_json()["detail"] == f"部署中有 {len(zh.get_json()['problems'])} 个问题"
    problems = {p["rule"]: p for p in zh.get_json()["problems"]}
    assert (problems["unsupported"]["message"], problems["unsupported"]["hint"]) == (
        "不支持复杂网关", "请使用排他、包容或并行网关")
    english = {p["rule"]: p for p in en.get_json()["problems"]}
    assert (english["unsupported"]["message"], english["unsupported"]["hint"]) == (
        "complex gateways are not supported", "use an exclusive, inclusive or parallel gateway")
    assert [{k: p.get(k) for k in WHERE} for p in zh.get_json()["problems"]] == [
        {k: p.get(k) for k in WHERE} for p in en.get_json()["problems"]]
    assert [v["version"] for v in api.get("designer", "/processes/hotline_case/versions").get_json()] == [1]


def test_why_a_case_cannot_move_is_told_in_the_readers_language(api):
    number = api.register()["number"]
    api.complete("dispatcher", number, "triage",
                 {"treatment": "assignment", "complexity": "general", "departments": ["water", "housing"]})
    files = read_paths(list(DIAGRAMS))
    files["hotline_case.bpmn"] = edit(files["hotline_case.bpmn"], "回访来电人 Call the caller back", "回访 Call back")
    assert upload(api, files, "/deployments").status_code == 201
    path, body = "/processes/hotline_case/migrations", {"from": 1, "to": 2, "dry_run": True}
    zh = api.post("admin", path, json=body).get_json()["refused"]
    en = api.post("admin", path, json=body, headers=EN).get_json()["refused"]
    assert zh == [{"case": number, "reasons": ["多实例任务“handle”正在进行；请在其完成后再迁移案件"]}]
    assert en == [{"case": number, "reasons": ["multi-instance task 'handle' is running; move the case once it "
                                               "has finished"]}]
    diff = api.get("admin", "/processes/hotline_case/versions/1/diff/2").get_json()["cases"]
    assert diff == [{"case": number, "can_move": False, "reasons": zh[0]["reasons"]}]


# -- the templates covered -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("message", "zh"), [
    ("user task names form 'handle', which is not among the deployed files",
     "用户任务指定的表单“handle”不在部署的文件中"),
    ("flow 'f' out of this inclusive gateway has no condition and is not its default",
     "从该包容网关流出的顺序流“f”没有条件，也不是默认流"),
    ("timer cycle 'R5000/P1D' repeats 5000 times; at most 1000", "定时器周期“R5000/P1D”重复 5000 次；最多 1000 次"),
    ("refers to error 'nowhere', which no diagram defines", "引用的错误“nowhere”没有任何流程图定义"),
    ("choose a defined error in the properties panel, or define it; no error is defined",
     "请在属性面板中选择已定义的错误，或定义它；目前没有定义任何错误"),
    ("property 'hotline:working_days' has a value the engine cannot use: 'ten' is not a whole number of working days",
     "属性“hotline:working_days”的值引擎无法使用：“ten”不是整数个工作日"),
    ("camunda:assignee is not read: candidates come from the task's lane",
     "不读取 camunda:assignee：办理人由任务所在泳道决定"),
    ("task 'review' (READY) does not exist in the new version; running subprocess 'sub' does not exist in the new "
     "version", "任务“review”（待办）在新版本中不存在；正在运行的子流程“sub”在新版本中不存在"),
])
def test_a_design_message_is_phrased_with_its_parts(message, zh):
    assert (phrase(message, "zh"), phrase(message, "en")) == (zh, message)


@pytest.mark.parametrize("template", [*DESIGN, *MIGRATION])
def test_every_template_covered_has_chinese_with_the_same_parts(template):
    chinese = {**DESIGN, **MIGRATION}[template]
    assert CJK.search(chinese)
    assert _parts(chinese) == _parts(template)


def _parts(text: str) -> set[str]:
    return {piece.partition("}")[0] for piece in text.split("{")[1:]}


def test_a_problem_without_chinese_stays_in_english():
    """SpiffWorkflow's own parser errors are not in the catalogue: they are shown as the engine gave them."""
    assert phrase("A Service Task must have an operator.", "zh") == "A Service Task must have an operator."
