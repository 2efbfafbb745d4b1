"""The few sentences that open a report, and how figures read in them, in Chinese or English."""

from __future__ import annotations

from ..departments import Directory
from .figures import Figures
from .labels import department_name


def percent(value: float | None) -> str:
    """0.6667 → ``66.7%``; a rate with nothing to divide by reads as a dash."""
    return "—" if value is None else f"{value * 100:.1f}%"


def number(value: float | int | None) -> str:
    return "—" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def summary_sentences(figures: Figures, directory: Directory, lang: str) -> list[str]:
    """A short text summary of the period, the way a report to the county government opens."""
    f, period = figures, figures.period.label()
    days = number(f.average_handling_days)
    busiest = max((d for d in f.by_department if d.returns), key=lambda d: (d.returns, d.code), default=None)
    if lang == "en":
        returned = (f"Departments returned cases {f.returns} time(s); most often "
                    f"{department_name(directory, busiest.code, lang)} ({busiest.returns})."
                    if busiest else "No department returned a case.")
        return [f"{period}: {f.registered} call(s) registered, {f.acceptance.numerator} accepted "
                f"(acceptance rate {percent(f.acceptance.value)}).",
                f"Of the cases judged against their working-day deadline, {f.on_time.numerator} were handled on "
                f"time and {f.overdue} overdue (on-time rate {percent(f.on_time.value)}).",
                f"{f.callback.denominator} case(s) closed; callers reached on callback: {f.callback.numerator} "
                f"(callback rate {percent(f.callback.value)}); satisfaction rate {percent(f.satisfaction.value)} "
                f"of {f.satisfaction.denominator} rated; average handling time {days} working day(s).",
                returned]
    returned = (f"部门退回 {f.returns} 次，最多的是{department_name(directory, busiest.code, lang)}"
                f"（{busiest.returns} 次）。" if busiest else "本期无部门退回。")
    return [f"{period} 共登记来电 {f.registered} 件，受理 {f.acceptance.numerator} 件，"
            f"受理率 {percent(f.acceptance.value)}。",
            f"按工作日时限考核的办件中，按期办结 {f.on_time.numerator} 件，超期 {f.overdue} 件，"
            f"按期办结率 {percent(f.on_time.value)}。",
            f"办结 {f.callback.denominator} 件，回访联系上 {f.callback.numerator} 件，"
            f"回访率 {percent(f.callback.value)}；"
            f"{f.satisfaction.denominator} 件有满意度评价，满意率 {percent(f.satisfaction.value)}；"
            f"平均办理时长 {days} 个工作日。",
            returned]
