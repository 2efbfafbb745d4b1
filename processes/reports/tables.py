"""The figures laid out once, in the reader's language, for every format: JSON, CSV, XLSX, HTML and PDF."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..departments import Directory
from . import labels
from .figures import Figures, Ratio
from .labels import department_name, name_of, pick


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[str, ...]
    """codes of the columns (CSV measures, JSON keys)"""
    rows: list[tuple[Any, ...]]
    lang: str

    @property
    def headers(self) -> list[str]:
        return [pick(labels.COLUMNS[column], self.lang) for column in self.columns]


TITLES = {
    "indicators": ("主要指标", "Indicators"), "by_category": ("按类别", "By category"),
    "by_treatment": ("按办理方式", "By treatment"), "by_status": ("按状态", "By status"),
    "by_department": ("按部门", "By department"),
}
DEPARTMENT_COLUMNS = ("code", "name", "cases", "on_time", "overdue", "on_time_rate", "returns", "returns_upheld",
                      "returns_counted", "extensions", "extension_days")
RATES = frozenset({"acceptance_rate", "on_time_rate", "callback_rate", "satisfaction_rate"})


def indicator_rows(figures: Figures) -> list[tuple[str, float | int | None, int | None, int | None]]:
    """(indicator, value, numerator, denominator); plain counts have no numerator or denominator."""

    def ratio(code: str, of: Ratio) -> tuple[str, float | None, int, int]:
        return code, of.value, of.numerator, of.denominator

    days, closed = figures.handling
    return [("registered", figures.registered, None, None), ratio("acceptance_rate", figures.acceptance),
            ratio("on_time_rate", figures.on_time), ("overdue", figures.overdue, None, None),
            ratio("callback_rate", figures.callback), ratio("satisfaction_rate", figures.satisfaction),
            ("average_handling_days", figures.average_handling_days, days, closed),
            ("returns", figures.returns, None, None), ("returned_cases", figures.returned_cases, None, None),
            ("upheld_returns", figures.upheld_returns, None, None),
            ("extended_cases", figures.extended_cases, None, None), ("extensions", figures.extensions, None, None),
            ("extension_days", figures.extension_days, None, None)]


def tables(figures: Figures, directory: Directory, lang: str) -> list[Table]:
    """Every table of the summary, in the order people read them."""

    def counts(key: str, names: dict, found: dict) -> Table:
        rows = [(code, name_of(names, code, lang), n) for code, n in found.items()]
        return Table(key, pick(TITLES[key], lang), ("code", "name", "count"), rows, lang)

    indicators = [(code, pick(labels.INDICATORS[code], lang), value, numerator, denominator)
                  for code, value, numerator, denominator in indicator_rows(figures)]
    departments = [(d.code, department_name(directory, d.code, lang), d.cases, d.on_time, d.overdue,
                    d.on_time_rate.value, d.returns, d.returns_upheld, d.returns_counted, d.extensions,
                    d.extension_days) for d in figures.by_department]
    return [
        Table("indicators", pick(TITLES["indicators"], lang),
              ("code", "name", "value", "numerator", "denominator"), indicators, lang),
        counts("by_category", labels.CATEGORIES, figures.by_category),
        counts("by_treatment", labels.TREATMENTS, figures.by_treatment),
        counts("by_status", labels.STATUSES, figures.by_status),
        Table("by_department", pick(TITLES["by_department"], lang),
              DEPARTMENT_COLUMNS, departments, lang),
    ]


def summary_document(figures: Figures, directory: Directory, lang: str) -> dict[str, Any]:
    """The summary as the JSON answer of ``GET /reports/summary``."""
    laid_out = tables(figures, directory, lang)
    days, closed = figures.handling
    return {
        "period": {"start": figures.period.start, "end": figures.period.end,
                   "first_day": figures.period.first_day, "last_day": figures.period.last_day},
        "generated_at": figures.generated_at,
        "indicators": {
            "registered": figures.registered, "accepted": figures.acceptance.numerator,
            "acceptance_rate": figures.acceptance.value,
            "on_time": figures.on_time.numerator, "overdue": figures.overdue, "on_time_rate": figures.on_time.value,
            "closed": figures.callback.denominator, "called_back": figures.callback.numerator,
            "callback_rate": figures.callback.value,
            "rated": figures.satisfaction.denominator, "satisfied": figures.satisfaction.numerator,
            "satisfaction_rate": figures.satisfaction.value,
            "handling_working_days": days, "average_handling_days": figures.average_handling_days,
            "returns": figures.returns, "returned_cases": figures.returned_cases,
            "upheld_returns": figures.upheld_returns, "extended_cases": figures.extended_cases,
            "extensions": figures.extensions, "extension_days": figures.extension_days,
        },
        **{table.key: [dict(zip(table.columns, row, strict=True)) for row in table.rows] for table in laid_out[1:]},
    }
