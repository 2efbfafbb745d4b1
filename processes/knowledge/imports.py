"""Articles imported from the spreadsheets counties keep them in (CSV or XLSX), every row checked first.

The first row names the columns, in Chinese or English (标题/title, 内容/body, 分类/category, 相关部门/departments,
关键词/keywords, 政策依据/policy_source, 政策日期/policy_date, 有效期至/valid_until, 状态/status). Lists are separated
by commas, semicolons or 、; departments by code or by name; dates as 2026-12-01 or 2026/12/01 (or date cells).
Status defaults to ``published``. One bad row refuses the whole file with every problem named by row number (as
the spreadsheet numbers it) and field, so an editor fixes the file and imports it again; nothing is half-done.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from engine.errors import InvalidData

from ..departments import Directory
from ..users import User
from . import articles
from .articles import DATES, DEFAULTS, STATUSES, add, checked

if TYPE_CHECKING:  # the service imports the engine hooks, which record citations from here
    from ..service import Hotline

MAX_ROWS = 10000
HEADERS = {
    "title": ("title", "标题"), "body": ("body", "内容", "正文", "答复口径"), "category": ("category", "分类", "类别"),
    "departments": ("departments", "相关部门", "部门"), "keywords": ("keywords", "关键词"),
    "policy_source": ("policy_source", "政策依据", "政策来源"), "policy_date": ("policy_date", "政策日期"),
    "valid_until": ("valid_until", "有效期至", "有效期"), "status": ("status", "状态"),
}
REQUIRED = ("title", "body", "category")
LIMITS = {"title": articles.MAX_TITLE, "body": articles.MAX_BODY, "category": articles.MAX_CATEGORY,
          "policy_source": articles.MAX_SOURCE}
STATUS_WORDS = {"草稿": "draft", "已发布": "published", "发布": "published", "已失效": "expired", "失效": "expired"}
_LIST = re.compile(r"[,，;；、|\n]+")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def import_file(hotline: Hotline, user: User, filename: str, content: bytes) -> list[int]:
    """Check every row of the file, then store each as a new article (one transaction); the new articles' ids."""
    rows = read_rows(filename, content)
    documents = checked_rows(rows, hotline.directory)
    with hotline.engine.session.begin() as session:
        now = hotline.engine.now()
        return [add(session, document, user.name, now).id for document in documents]


def read_rows(filename: str, content: bytes) -> list[dict[str, Any]]:
    """The data rows as ``{field: cell}``, by the header row's names (unknown columns are refused)."""
    if filename.lower().endswith(".xlsx"):
        table = _xlsx(content)
    elif filename.lower().endswith(".csv"):
        table = list(csv.reader(io.StringIO(_decoded(content))))
    else:
        raise InvalidData({"file": ["只接受 .csv 或 .xlsx 文件 / only .csv and .xlsx files are imported"]})
    if not table:
        raise InvalidData({"file": ["文件为空 / the file is empty"]})
    names = [_field(str(cell or "").strip()) for cell in table[0]]
    missing = [field for field in REQUIRED if field not in names]
    if None in names or missing:
        unknown = [str(cell) for cell, name in zip(table[0], names, strict=True) if name is None]
        raise InvalidData({"file": [f"表头须含 标题、内容、分类，不认识：{', '.join(unknown) or '无'} / the header "
                                    f"needs title, body, category; unknown columns: {', '.join(unknown) or 'none'}"]})
    rows = [dict(zip(names, row, strict=False)) for row in table[1:] if any(str(c or "").strip() for c in row)]
    if len(rows) > MAX_ROWS:
        raise InvalidData({"file": [f"一次最多导入 {MAX_ROWS} 行 / at most {MAX_ROWS} rows at once"]})
    return rows


def checked_rows(rows: list[dict[str, Any]], directory: Directory) -> list[dict[str, Any]]:
    """Each row as a checked article document, or ``InvalidData`` with every problem as ``rows.N.field``."""
    documents, errors = [], {}
    for number, row in enumerate(rows, start=2):
        try:
            documents.append(_document(row, directory))
        except InvalidData as error:
            errors.update({f"rows.{number}.{field}": messages for field, messages in error.errors.items()})
    if errors:
        raise InvalidData(errors)
    return documents


def _document(row: dict[str, Any], directory: Directory) -> dict[str, Any]:
    """A row as an article document, or ``InvalidData`` with every problem it has (not only the first)."""
    errors: dict[str, list[str]] = {}
    text = {field: str(row.get(field) or "").strip() for field in HEADERS if field not in DATES}
    for field in REQUIRED:
        if not text[field]:
            errors[field] = ["不能为空 / required"]
    for field, limit in LIMITS.items():
        if len(text[field]) > limit:
            errors[field] = [f"超过 {limit} 个字符 / longer than {limit} characters"]
    keywords = _split(text["keywords"])
    longest = articles.MAX_KEYWORD
    if any(len(word) > longest for word in keywords):
        errors["keywords"] = [f"关键词超过 {longest} 个字符 / a keyword is longer than {longest} characters"]
    document = {**DEFAULTS, **{f: text[f] for f in (*REQUIRED, "policy_source")}, "keywords": keywords,
                "departments": [_department_code(name, directory) for name in _split(text["departments"])],
                "status": STATUS_WORDS.get(text["status"], text["status"] or "published")}
    document["policy_source"] = document["policy_source"] or None
    for field in DATES:
        try:
            document[field] = _date(row.get(field))
        except ValueError:
            errors[field] = ["日期格式应为 2026-12-01 / a date such as 2026-12-01"]
    if document["status"] not in STATUSES:
        errors["status"] = [f"状态须为 草稿、已发布 或 已失效 / status must be one of {', '.join(STATUSES)}"]
    try:
        checked(document, directory)
    except InvalidData as error:
        errors = {**error.errors, **errors}
    if errors:
        raise InvalidData(errors)
    return document


def _xlsx(content: bytes) -> list[tuple]:
    """The first sheet's rows (openpyxl is imported only here: serving never needs it otherwise)."""
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        return list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise InvalidData({"file": ["不是有效的 XLSX 文件 / not a valid XLSX workbook"]}) from error


def _decoded(content: bytes) -> str:
    """UTF-8 (with or without Excel's byte order mark), else GB18030, as Chinese Excel saves CSV."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("gb18030")
        except UnicodeDecodeError as error:
            raise InvalidData({"file": ["文件编码无法识别（请用 UTF-8） / unreadable encoding (use UTF-8)"]}) from error


def _field(header: str) -> str | None:
    return next((field for field, names in HEADERS.items() if header.lower() in names), None)


def _split(text: str) -> list[str]:
    return [part.strip() for part in _LIST.split(text) if part.strip()]


def _department_code(name: str, directory: Directory) -> str:
    """A department by code or by its Chinese or English name (an unknown one is kept, for ``checked`` to name)."""
    return next((d.code for d in directory.by_code.values() if name in (d.code, d.name, d.name_en)), name)


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    match = _DATE.match(text)
    if not match:
        raise ValueError(text)
    return date(*map(int, match.groups()))
