"""The hotline's acceptance scope: the five kinds of call the working rules accept, and their codes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    name_en: str


CATEGORIES = (
    Category("government_work", "对政府工作和工作人员的批评、意见和建议",
             "Criticism, opinions and suggestions on government work and staff"),
    Category("development", "对改革开放、经济建设和社会发展的意见和建议",
             "Opinions on reform, opening up, economic construction and social development"),
    Category("departmental_policy", "对政府部门职责、办事程序和政策的咨询、意见和建议",
             "Questions and opinions on departments' responsibilities, procedures and policies"),
    Category("livelihood", "对直接影响群众生活的问题和突发事件的意见和建议",
             "Issues and emergencies that directly affect people's lives"),
    Category("social_affairs", "社会生活中需要政府解决的其他问题",
             "Other problems in social life that need the government"),
)
OUT_OF_SCOPE = "out_of_scope"
ACCEPTED = frozenset(c.code for c in CATEGORIES)
INTAKE_CODES = (*[c.code for c in CATEGORIES], OUT_OF_SCOPE)


def in_acceptance_scope(category: str) -> bool:
    """Whether a call of this category is accepted (the diagram's acceptance gateway asks this)."""
    return category in ACCEPTED
