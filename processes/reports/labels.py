"""Short Chinese and English names for what reports show: categories, treatments, statuses, indicators.

Codes stay English in every format (CSV columns, JSON keys); these names are for people reading a table.
"""

from __future__ import annotations

from ..departments import Directory

CATEGORIES = {
    "government_work": ("政府工作", "Government work"),
    "development": ("改革发展", "Development"),
    "departmental_policy": ("部门政策", "Departmental policy"),
    "livelihood": ("民生问题", "Livelihood"),
    "social_affairs": ("社会事务", "Social affairs"),
    "out_of_scope": ("不属受理范围", "Out of scope"),
}
TREATMENTS = {
    "immediate": ("即时办理", "Immediate"),
    "assignment": ("交办", "Assignment"),
    "direct": ("直办", "Direct handling"),
    "submission": ("呈报", "Submission"),
    None: ("未分流", "Not triaged"),
}
STATUSES = {
    "registered": ("已登记", "Registered"),
    "not_accepted": ("不予受理", "Not accepted"),
    "triage": ("待分流", "Awaiting triage"),
    "in_progress": ("办理中", "In progress"),
    "awaiting_instructions": ("待领导批示", "Awaiting instructions"),
    "review": ("待审核", "In review"),
    "feedback": ("待回访", "Awaiting callback"),
    "closed": ("已办结", "Closed"),
    "withdrawn": ("已撤回", "Withdrawn"),
}
INDICATORS = {
    "registered": ("登记来电", "Calls registered"),
    "acceptance_rate": ("受理率", "Acceptance rate"),
    "on_time_rate": ("按期办结率", "On-time rate"),
    "overdue": ("超期件数", "Overdue cases"),
    "callback_rate": ("回访率", "Callback rate"),
    "satisfaction_rate": ("满意率", "Satisfaction rate"),
    "average_handling_days": ("平均办理工作日", "Average handling (working days)"),
    "returns": ("部门退回次数", "Returns by departments"),
    "returned_cases": ("被退回办件", "Cases returned"),
    "upheld_returns": ("退回理由成立", "Returns upheld"),
    "extended_cases": ("延期办件", "Cases extended"),
    "extensions": ("准予延期次数", "Extensions granted"),
    "extension_days": ("准予延期工作日", "Extension days granted"),
}
COLUMNS = {
    "code": ("代码", "Code"), "name": ("名称", "Name"), "count": ("件数", "Cases"),
    "cases": ("件数", "Cases"), "on_time": ("按期", "On time"), "overdue": ("超期", "Overdue"),
    "on_time_rate": ("按期办结率", "On-time rate"), "returns": ("退回", "Returns"),
    "returns_upheld": ("退回成立", "Returns upheld"), "returns_counted": ("计入考核的退回", "Returns counted"),
    "extensions": ("延期", "Extensions"), "extension_days": ("延期工作日", "Extension days"),
    "value": ("数值", "Value"), "numerator": ("分子", "Numerator"),
    "denominator": ("分母", "Denominator"),
}


def pick(names: tuple[str, str], lang: str) -> str:
    """The name in ``lang`` (Chinese unless English is asked for)."""
    return names[1] if lang == "en" else names[0]


def name_of(kind: dict, code: str | None, lang: str) -> str:
    """A code's name, or the code itself when it is not one we know (old data, a renamed code)."""
    return pick(kind[code], lang) if code in kind else str(code)


def department_name(directory: Directory, code: str, lang: str) -> str:
    department = directory.by_code.get(code)
    if department is None:
        return code
    return department.name_en if lang == "en" else department.name
