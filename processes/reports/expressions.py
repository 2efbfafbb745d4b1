"""SQL the two databases spell differently: a registration's Shanghai calendar day, and a case's departments.

Asia/Shanghai has kept UTC+8 without daylight saving since 1991, and times are stored as UTC, so the local
day is the UTC time plus eight hours, cut to a date. Both spellings give the day as ``YYYY-MM-DD`` text.
"""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement, func

from ..models import HotlineCase


class shanghai_day(FunctionElement):  # noqa: N801 - reads like the SQL function it stands for
    """``YYYY-MM-DD`` of a stored UTC time, in Asia/Shanghai."""

    type = String()
    name = "shanghai_day"
    inherit_cache = True


@compiles(shanghai_day, "sqlite")
def _sqlite_day(element, compiler, **kw) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(shanghai_day, "postgresql")
def _postgresql_day(element, compiler, **kw) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)} + interval '8 hours', 'YYYY-MM-DD')"


def case_departments(dialect: str):
    """A table-valued function giving one row (column ``value``) per department code a case names."""
    if dialect == "postgresql":
        return func.json_array_elements_text(HotlineCase.departments).table_valued("value").render_derived()
    return func.json_each(HotlineCase.departments).table_valued("value")
