"""The summary's tables as files people open elsewhere: CSV (one figure a line) and an Excel workbook.

The CSV is UTF-8 with a byte order mark and CRLF line ends (Python's ``excel`` dialect): Excel on Windows
reads a CSV without the mark in the system's code page, and the Chinese names come out garbled.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .tables import RATES, Table

CSV_COLUMNS = ("table", "code", "name", "measure", "value")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT = "0.0%"
CSV_ENCODING = "utf-8-sig"  # UTF-8 starting with a byte order mark, which tells Excel the encoding


def to_csv(tables: list[Table]) -> bytes:
    """Every figure on its own line (``table,code,name,measure,value``), so one file holds every table and
    stays easy to filter or pivot; an empty value is a rate with nothing to divide by."""
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel")
    writer.writerow(CSV_COLUMNS)
    for table in tables:
        for code, name, *values in table.rows:
            for measure, value in zip(table.columns[2:], values, strict=True):
                writer.writerow((table.key, "" if code is None else code, name, measure,
                                 "" if value is None else value))
    return out.getvalue().encode(CSV_ENCODING)


def to_xlsx(tables: list[Table], title: str, generated_at: datetime) -> bytes:
    """One sheet per table, headers in the reader's language, rates formatted as percentages."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = title
    workbook.properties.created = generated_at.replace(tzinfo=None)
    for table in tables:
        sheet = workbook.create_sheet(table.title[:31])
        sheet.append(table.headers)
        for row in table.rows:
            sheet.append(list(row))
        _format(sheet, table)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _format(sheet, table: Table) -> None:
    sheet.freeze_panes = "A2"
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        width = max(len(str(cell.value or "")) for cell in sheet[letter])
        sheet.column_dimensions[letter].width = min(max(10, width * 1.6), 60)
        for cell in sheet[letter][1:]:
            code = sheet.cell(cell.row, 1).value
            if column == "on_time_rate" or (column == "value" and code in RATES):
                cell.number_format = PERCENT
