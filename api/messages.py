"""Messages from the layers below — the engine, the hotline's domain, marshmallow — in the reader's language.

Those layers speak English. Each message of theirs a person may read is listed here once, as its English
template with ``{named}`` parts beside its Chinese phrasing; the parts are carried over, and phrased too
where they are words of a small vocabulary (a case's status). A message written ``中文 / English`` is given
by halves. Any other message stays as it was: ``tests/test_messages.py`` reads every message raised in
``engine/`` and ``processes/`` and fails on one this module cannot phrase in Chinese.
"""

from __future__ import annotations

import functools
import itertools
import re

from marshmallow import fields

from . import design_messages
from .i18n import language

CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_PART = re.compile(r"\{(\w+)\}")

ENGINE = {
    "no case {case}": "没有案件 {case}",
    "no task {task}": "没有任务 {task}",
    "no open task {task}": "没有待办任务 {task}",
    "no process '{process}' is deployed": "流程“{process}”尚未部署",
    "process '{process}' has no version {version}": "流程“{process}”没有第 {version} 版",
    "the task is held by {holder}": "该任务已由 {holder} 签收",
    "the task is no longer open": "该任务已不在待办中",
    "the task is no longer open: a timer that fell due closed it": "该任务已不在待办中：到期的计时器已将其关闭",
    "the task is already completed": "该任务已办结",
    "the case is {status}": "案件{status}",
    "the case is {status}, not an incident": "案件{status}，并非故障案件",
    "the case is already on version {version}": "案件已在第 {version} 版",
    "the case was changed by another command; reload and try again": "案件已被其他操作修改，请刷新后重试",
    "the case is not waiting for '{name}'": "案件未在等待“{name}”",
    "the case is not waiting for '{name}' (messages and signals it waits for: {waiting})":
        "案件未在等待“{name}”（它在等待的消息和信号：{waiting}）",
    "no boundary event of this task catches {kind} '{code}' (it catches: {codes})":
        "该任务没有捕获{kind}“{code}”的边界事件（它捕获：{codes}）",
    "only {kinds} can be raised from a task": "任务只能抛出 {kinds}",
    "the task's form cannot be checked ({reason}); ask its designer":
        "该任务的表单无法校验（{reason}），请联系表单设计人员",
    "the two versions are the same": "两个版本相同",
    "not an ISO 8601 duration: {text}": "不是 ISO 8601 时长：{text}",
    "timer duration '{text}' is longer than {limit}": "时长“{text}”超过上限 {limit}",
    "{count} problem(s) in the deployment": "部署中有 {count} 个问题",
    "{moment} is in the past of the simulated clock": "{moment} 早于模拟时钟的当前时间",
    "the simulated clock only moves forward": "模拟时钟只能向前拨",
    "a timezone-aware moment is required": "须给出带时区的时间",
    "the simulated clock needs a timezone-aware start": "模拟时钟须从带时区的时间开始",
    "the case state format '{state_format}' cannot be loaded: {why}":
        "无法读取该案件保存的状态格式“{state_format}”：{why}",
    "not a case state format this engine knows (it writes {format})":
        "本引擎不认识这种案件状态格式（本引擎写的是 {format}）",
    "written by a newer SpiffWorkflow (serializer {version}; this one reads up to {supported})":
        "由更新的 SpiffWorkflow 写入（序列化格式 {version}；本版最多读到 {supported}），请由新版本的节点办理",
    "SpiffWorkflow serializer {version} has no migration for states saved without their spec (the oldest migrated "
    "is {oldest})":
        "SpiffWorkflow 序列化格式 {version} 没有适用于不含流程定义的状态的迁移（可迁移的最早格式为 {oldest}）",
}
HOTLINE = {
    "the hotline process is not deployed (run: hotline deploy bpmn forms)":
        "热线流程尚未部署（请运行：hotline deploy bpmn forms）",
    "the case is no longer among those you may see": "该案件已不在您可查看的范围内",
    "a signal carries no data; send it with an empty body": "信号不携带数据，请以空请求体发送",
    "a user named {name} already exists": "已有名为 {name} 的用户",
    "a user needs a name": "用户须有名称",
    "a user name has at most {count} characters": "用户名最多 {count} 个字符",
    "a user name must not start or end with spaces or contain control characters":
        "用户名首尾不能有空格，也不能含控制字符",
    "unknown role {role} (one of: {roles})": "未知角色 {role}（可选：{roles}）",
    "a user with role 'department' needs a department code": "角色为 department 的用户须指定部门代码",
    "only role 'department' has a department (role {role} was given {department})":
        "只有 department 角色的用户才有部门（角色 {role} 被指定了部门 {department}）",
    "unknown department {department}": "未知部门 {department}",
    "{name} is {role}{department}, not {asked}{asked_department}":
        "{name} 的角色是 {role}{department}，不是 {asked}{asked_department}",
    "department codes must be unique": "部门代码不能重复",
    "{code}: deadline_days must be 5-10 (the working rules)": "{code}：办理时限须为 5 至 10 个工作日（工作规则）",
    "'{text}' is not a whole number of working days": "“{text}”不是整数个工作日",
    "give between 1 and {count} working days": "请给出 1 至 {count} 个工作日",
    "your department is not handling the case now": "贵单位目前未承办该案件",
    "the deadline has passed; an extension must be asked for before it": "办理时限已过，延期须在时限届满前申请",
    "an extension request of the case is waiting for a decision": "该案件已有延期申请等待审批",
    "at most {count} more working days can be granted to the case": "该案件最多还可延期 {count} 个工作日",
}
MARSHMALLOW = {
    "Missing data for required field.": "此项为必填项",
    "Unknown field.": "不允许的字段",
    "Field may not be null.": "不能为 null",
    "Invalid input type.": "须为 JSON 对象",
    "Invalid type.": "类型不正确",
    "Invalid value.": "值无效",
    "Not a valid string.": "须为文本",
    "Not a valid integer.": "须为整数",
    "Not a valid number.": "须为数字",
    "Number too large.": "数字过大",
    "Not a valid boolean.": "须为 true 或 false",
    "Not a valid list.": "须为列表",
    "Not a valid mapping type.": "须为 JSON 对象",
    "Not a valid {obj_type}.": "不是有效的{obj_type}",
    "Not a valid {awareness} {obj_type}.": "须为{awareness}{obj_type}",
    "Not a valid date.": "不是有效的日期",
    "Not a valid email address.": "不是有效的电子邮件地址",
    "Not a valid URL.": "不是有效的网址",
    "Not a valid UUID.": "不是有效的 UUID",
    "Must be one of: {choices}.": "须为以下之一：{choices}",
    "Shorter than minimum length {min}.": "长度不能少于 {min}",
    "Longer than maximum length {max}.": "长度不能超过 {max}",
    "Length must be between {min} and {max}.": "长度须在 {min} 到 {max} 之间",
    "Length must be {equal}.": "长度须为 {equal}",
    "Must be {min_op} {min}.": "须{min_op} {min}",
    "Must be {max_op} {max}.": "须{max_op} {max}",
    "Must be {min_op} {min} and {max_op} {max}.": "须{min_op} {min} 且{max_op} {max}",
    "String does not match expected pattern.": "格式不正确",
    "must fall in the years {years}": "须在 {years} 年之间",
}
WORDS = {
    "status": {"running": "正在办理", "completed": "已办结", "cancelled": "已取消", "incident": "处于故障状态"},
    "kind": {"error": "错误", "escalation": "升级"},
    "obj_type": {"datetime": "日期时间", "date": "日期", "time": "时间"},
    "awareness": {"aware": "带时区的", "naive": "不带时区的"},
    "min_op": {"greater than or equal to": "不小于", "greater than": "大于"},
    "max_op": {"less than or equal to": "不大于", "less than": "小于"},
}
for _part_name, _words in design_messages.WORDS.items():
    WORDS[_part_name] = {**WORDS.get(_part_name, {}), **_words}
"""Words inside a message (by the name of their part) and their Chinese."""
CATALOGUE = {**ENGINE, **HOTLINE, **MARSHMALLOW, **design_messages.DESIGN, **design_messages.MIGRATION}


def phrase(message: str, lang: str | None = None) -> str:
    """``message`` in the reader's language (Chinese when the catalogue has it, else as it was)."""
    lang = lang or language()
    zh, sep, en = message.partition(" / ")
    if sep and CJK.search(zh) and not CJK.search(en):
        return en if lang == "en" else zh
    if lang == "en":
        return message
    found = _phrased(message)
    if found is None and "; " in message:  # several reasons joined (a case's obstacles to a move): each phrased
        clauses = [_phrased(clause) for clause in message.split("; ")]
        found = None if None in clauses else "；".join(clauses)
    return message if found is None else found


def _phrased(message: str) -> str | None:
    """The Chinese of a message the catalogue has (None when it has not)."""
    for pattern, template in _patterns():
        found = pattern.fullmatch(message)
        if found:
            return template.format(**{part: _inner(part, value) for part, value in found.groupdict().items()})
    return None


def _inner(part: str, value: str) -> str:
    """A part's Chinese: a word of its vocabulary, or a message of the catalogue (a refused value's reason)."""
    if part in WORDS:
        return WORDS[part].get(value, value)
    return _phrased(value) or value


def phrased_problem(problem: dict) -> dict:
    """A design problem with its ``message`` and ``hint`` in the reader's language (where it is, unchanged)."""
    return {key: phrase(value) if key in ("message", "hint") else value for key, value in problem.items()}


class Phrased(fields.String):
    """A response field whose English text is given in the reader's language (a design problem, a refusal)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else phrase(str(value))


@functools.cache
def _patterns() -> list[tuple[re.Pattern, str]]:
    """Each English template as a pattern capturing its parts, with its Chinese; the most specific first (the
    most fixed text), so "the case is {status}" never takes "the case is already on version 2"."""
    ordered = sorted(CATALOGUE, key=lambda template: -len(_PART.sub("", template)))
    return [(_pattern(template), CATALOGUE[template]) for template in ordered]


def _pattern(template: str) -> re.Pattern:
    """A template's fixed text as it is, each part as any text, or as one of its words for a part of ``WORDS``."""
    pieces = _PART.split(template)  # fixed text, a part's name, fixed text, ...
    return re.compile("".join(_part(piece) if odd else re.escape(piece)
                              for odd, piece in zip(itertools.cycle((False, True)), pieces)), re.S)


def _part(name: str) -> str:
    words = sorted(WORDS.get(name, ()), key=len, reverse=True)
    return f"(?P<{name}>{'|'.join(map(re.escape, words)) or '.+?'})"
