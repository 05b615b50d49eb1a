"""A dataset as an Excel workbook that opens well: typed cells (numbers, real booleans, real
dates), a frozen header row with filters, columns as wide as their content, and a
dictionary sheet in both languages. Text is always stored as text, so a cell like '=1+1'
stays the four characters (no live formula), and the bytes are the same for the same data
(fixed timestamps, fixed order).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from . import i18n, project
from .catalog import Dataset

FIXED_DATETIME = dt.datetime(1980, 1, 1)
WIDTH_SAMPLE = 2000          # rows looked at to size a column
MIN_WIDTH, MAX_WIDTH = 8, 60


def workbook(dataset: Dataset, normalise) -> bytes:
    book = Workbook()
    data = book.active
    data.title = "data"
    _sheet(data, list(dataset.header),
           ([_value(row.get(column)) for column in dataset.header] for row in dataset.records))
    about = book.create_sheet("kamus_data")
    heads = [i18n.t("readme.column", "id"), i18n.t("readme.type", "id"),
             i18n.t("readme.description", "id"), i18n.t("readme.description", "en")]
    _sheet(about, heads, ([f["name"], f.get("type", "string"), dataset.column_text(f["name"], "id"),
                           dataset.column_text(f["name"], "en")] for f in dataset.fields))
    book.properties.creator = project.active().config.name["id"]
    book.properties.created = book.properties.modified = FIXED_DATETIME
    buffer = io.BytesIO()
    book.save(buffer)
    return normalise(buffer.getvalue())


def _value(value):
    """A cell's typed value: int or float for a number, True/False, a date; text as text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 \
            else float(value)
    return value


def _sheet(sheet, header: list[str], rows) -> None:
    sheet.append(header)
    widths = [len(str(h)) for h in header]
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
        if count <= WIDTH_SAMPLE:
            widths = [max(w, len(_shown(v))) for w, v in zip(widths, row, strict=False)]
    for cells in sheet.iter_rows(min_row=1, max_row=count + 1):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"          # never "f": no live formula, whatever the text
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 2))


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return "0000-00-00"
    return str(value)
