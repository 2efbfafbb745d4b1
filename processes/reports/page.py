"""The readable report: one self-contained HTML file (inline SVG charts and CSS, no scripts, no network).

Callers are never in it: no name, phone, work unit or address of any caller, and for confidential cases
not even the subject. The page names Chinese-capable fonts; the browser draws whatever glyphs it has.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from jinja2 import Environment

from ..calendar import SHANGHAI
from ..departments import Directory
from . import charts
from .labels import CATEGORIES, STATUSES, TREATMENTS, department_name, name_of, pick
from .report import HOTSPOT_CONTEXT, Report
from .tables import RATES, tables
from .wording import number, percent, summary_sentences

TEXT = {
    "title": ("12345 政务服务热线工作报告", "12345 Government Service Hotline report"),
    "period": ("统计期间", "Period"), "generated": ("生成时间", "Generated"), "colon": ("：", ": "),
    "summary": ("概述", "Summary"), "charts": ("图表", "Charts"), "tables": ("分类统计", "Tables"),
    "overdue": ("超期办件", "Overdue cases"), "none_overdue": ("本期无超期办件。", "No overdue case in this period."),
    "more_overdue": ("另有 {n} 件超期办件未列出。", "{n} more overdue case(s) not listed."),
    "number": ("编号", "Number"), "category": ("类别", "Category"), "treatment": ("办理方式", "Treatment"),
    "departments": ("承办部门", "Departments"), "registered": ("登记时间", "Registered"),
    "due": ("办理时限", "Due"), "status": ("状态", "Status"), "subject": ("事项", "Subject"),
    "confidential": ("（保密）", "(confidential)"),
    "hotspots": ("热点预警", "Hot spots"),
    "none_hotspots": ("本期没有来电量明显高于平常的话题。", "No topic rose above its usual level in this period."),
    "hotspots_note": ("两日来电数按泊松分布与前 28 天日均比较，z ≥ 3 且不少于 5 件即预警。",
                      "Two days' calls against the mean of the 28 days before, as a Poisson z-score: raised at "
                      "z ≥ 3 with at least 5 calls."),
    "day": ("日期", "Day"), "topic": ("话题", "Topic"), "calls": ("来电数（两日）", "Calls (two days)"),
    "baseline": ("日均基线", "Baseline a day"), "score": ("z 值", "z-score"),
    "category_topic": ("类别", "Category"), "place_topic": ("地点", "Place"), "word_topic": ("关键词", "Word"),
    "notes": ("口径说明", "Definitions"),
    "definitions": (
        "期间按登记时间（北京时间）统计，办件状态截至生成时间。受理率＝受理件数÷登记件数；按期办结率＝在工作日时限内办理完毕的件数"
        "÷（按期件数＋超期件数）；回访率＝回访联系上的办结件÷办结件；满意率＝（满意＋基本满意）÷有满意度评价的件数；"
        "平均办理时长为办结件从登记日到办结日的工作日数（登记当日不计，节假日不计，调休上班日计入）。",
        "Cases count in the period by their registration time (Beijing time), as they stand when the report is "
        "made. Acceptance rate = accepted ÷ registered; on-time rate = cases handled within their working-day "
        "deadline ÷ (on time + overdue); callback rate = closed cases whose caller was reached ÷ closed cases; "
        "satisfaction rate = (satisfied + basically satisfied) ÷ cases with a satisfaction; average handling "
        "time = working days from the registration day to the closing day of closed cases (the registration "
        "day and holidays do not count, adjusted working weekends do)."),
}
STYLE = """
body { font-family: %(fonts)s; margin: 2em auto; max-width: 70em; color: #222; line-height: 1.5; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #1f77b4; padding-bottom: 0.2em; }
.meta { color: #555; } figure { margin: 1em 0; } figure svg { max-width: 100%%; height: auto; }
figure svg text { font-family: %(fonts)s !important; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; } caption { text-align: left; font-weight: bold; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; } th { background: #eef3f8; }
td.n { text-align: right; font-variant-numeric: tabular-nums; } .notes { color: #555; font-size: 0.9em; }
"""
TEMPLATE = """<!DOCTYPE html>
<html lang="{{ html_lang }}">
<head>
<meta charset="utf-8">
<title>{{ t.title }} {{ period }}</title>
<style>{{ style|safe }}</style>
</head>
<body>
<h1>{{ t.title }}</h1>
<p class="meta">{{ t.period }}{{ t.colon }}{{ period }} · {{ t.generated }}{{ t.colon }}{{ generated }}</p>
<h2>{{ t.summary }}</h2>
{% for sentence in sentences %}<p>{{ sentence }}</p>
{% endfor %}
{{ table(tables[0]) }}
<h2>{{ t.hotspots }}</h2>
{% if hotspots %}<figure class="chart">{{ hotspot_chart|safe }}</figure>
<table id="hotspots">
<tr>{% for h in hotspot_headers %}<th>{{ h }}</th>{% endfor %}</tr>
{% for row in hotspots %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</table>
<p class="notes">{{ t.hotspots_note }}</p>
{% else %}<p>{{ t.none_hotspots }}</p>{% endif %}
<h2>{{ t.charts }}</h2>
{% for chart in charts %}<figure class="chart">{{ chart|safe }}</figure>
{% endfor %}
<h2>{{ t.overdue }}</h2>
{% if overdue %}<table id="overdue">
<tr>{% for h in overdue_headers %}<th>{{ h }}</th>{% endfor %}</tr>
{% for row in overdue %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</table>
{% if more_overdue %}<p>{{ more_overdue }}</p>{% endif %}
{% else %}<p>{{ t.none_overdue }}</p>{% endif %}
<h2>{{ t.tables }}</h2>
{% for each in tables[1:] %}{{ table(each) }}
{% endfor %}
<h2>{{ t.notes }}</h2>
<p class="notes">{{ t.definitions }}</p>
</body>
</html>
"""
TABLE = """{% macro table(each) %}<table id="{{ each.key }}">
<caption>{{ each.title }}</caption>
<tr>{% for h in each.headers[1:] %}<th>{{ h }}</th>{% endfor %}</tr>
{% for row in each.rows %}<tr>{% for text, numeric in cells(each, row) %}
<td{% if numeric %} class="n"{% endif %}>{{ text }}</td>{% endfor %}</tr>
{% endfor %}</table>{% endmacro %}"""
_environment = Environment(autoescape=True, trim_blocks=False)
_template = _environment.from_string(TABLE + TEMPLATE)


def cells(table, row) -> list[tuple[str, bool]]:
    """A table row as (text, is a number) cells, without the code column; rates read as percentages."""
    code = row[0]
    cells = []
    for column, value in zip(table.columns[1:], row[1:], strict=True):
        if column == "name":
            cells.append((value, False))
        elif column == "on_time_rate" or (column == "value" and code in RATES):
            cells.append((percent(value), True))
        else:
            cells.append((number(value), True))
    return cells


def local_time(moment: datetime | None) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else "—"


def overdue_rows(report: Report, directory: Directory, lang: str) -> list[list[str]]:
    return [[case.number, name_of(CATEGORIES, case.category, lang), name_of(TREATMENTS, case.treatment, lang),
             "、".join(department_name(directory, code, lang) for code in case.departments) or "—",
             local_time(case.registered_at), local_time(case.due_at), name_of(STATUSES, case.status, lang),
             pick(TEXT["confidential"], lang) if case.confidential else case.subject]
            for case in report.overdue]


def topic_label(kind: str, value: str, lang: str) -> str:
    """地点：人民路 — what a topic is (a category by its name)."""
    shown = name_of(CATEGORIES, value, lang) if kind == "category" else value
    return f"{pick(TEXT[kind + '_topic'], lang)}{pick(TEXT['colon'], lang)}{shown}"


def hotspot_rows(report: Report, lang: str) -> list[list[str]]:
    """Each raised topic: its day, what it is, its calls, baseline and score."""
    return [[rise.day.isoformat(), topic_label(rise.kind, rise.value, lang), number(rise.count),
             f"{rise.baseline:.2f}", f"{rise.score:.1f}"] for rise in report.hotspots]


def hotspot_chart(report: Report, lang: str) -> str:
    """The raised topics' calls a day, highest score first, from before the period to its end ('' if none)."""
    if not report.hotspots:
        return ""
    ranked = dict.fromkeys((r.kind, r.value) for r in sorted(report.hotspots, key=lambda r: -r.score))
    series = {topic_label(kind, value, lang): report.hotspot_days.get((kind, value), {}) for kind, value in ranked}
    first = report.figures.period.first_day - HOTSPOT_CONTEXT
    days = [first + timedelta(days=n) for n in range((report.figures.period.last_day - first).days + 1)]
    return charts.hotspot_days(series, days, lang)


def render_html(report: Report, directory: Directory, lang: str) -> str:
    """The whole report as one HTML document in ``lang`` (``zh`` or ``en``)."""
    figures = report.figures
    t = {key: pick(value, lang) for key, value in TEXT.items()}
    more = figures.overdue - len(report.overdue)
    return _template.render(
        html_lang="en" if lang == "en" else "zh-CN", t=t, style=STYLE % {"fonts": charts.FONT_STACK},
        period=figures.period.label(), generated=local_time(figures.generated_at),
        sentences=summary_sentences(figures, directory, lang), tables=tables(figures, directory, lang),
        cells=cells, charts=charts.svg_charts(figures, directory, lang),
        overdue_headers=[t[k] for k in ("number", "category", "treatment", "departments", "registered", "due",
                                        "status", "subject")],
        overdue=overdue_rows(report, directory, lang), more_overdue=t["more_overdue"].format(n=more) if more else "",
        hotspot_headers=[t[k] for k in ("day", "topic", "calls", "baseline", "score")],
        hotspots=hotspot_rows(report, lang), hotspot_chart=hotspot_chart(report, lang))
