"""CSV bytes (or a file, streamed) → batches of string columns, and the file's own problems.

The body is parsed by pyarrow with the dialect catalog.py reads (comma, '"' doubled inside
quotes, no escape character), which splits records and cells as Python's csv module does; the
parity test fuzzes that. Rows with too few or too many cells, which pyarrow skips, are read
again by Python's csv so they are checked like frictionless checks them. frictionless sniffs
its dialect from the first 100 lines; the one setting that can change a cell, a space skipped
after a comma, sends the table to Python's csv reader (logged), so cells stay frictionless's.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
from collections import deque
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from ..problems import Problem
from .fast_cells import arange

log = logging.getLogger(__name__)
BLOCK = 1 << 20
BOM = codecs.BOM_UTF8
FIELD_QUOTE = re.compile(rb'(?<![^,\r\n])"')  # a quote at the start of a cell opens quoting
QUOTED = re.compile(rb'"[^"]*(?:""[^"]*)*"(?!")')  # a quoted cell up to its closing quote
EOL = re.compile(rb"[\r\n]")
SAMPLE_LINES = 100  # frictionless sniffs its dialect from this many lines


class Source:
    """The CSV as bytes in memory, or a file read a block at a time."""

    def __init__(self, data: bytes | str | PathLike):
        self.data = bytes(data) if isinstance(data, (bytearray, memoryview)) else data
        self.path = None if isinstance(data, (bytes, bytearray, memoryview)) else Path(data)

    @property
    def size(self) -> int:
        return len(self.data) if self.path is None else self.path.stat().st_size

    def read(self, start: int = 0, size: int | None = None) -> bytes:
        stop = None if size is None else start + size
        if self.path is None:
            return self.data[start:stop]
        with open(self.path, "rb") as f:
            f.seek(start)
            return f.read(-1 if size is None else size)

    def chunks(self, size: int = BLOCK):
        if self.path is None:
            view = memoryview(self.data)
            yield from (view[i:i + size] for i in range(0, len(view), size))
            return
        with open(self.path, "rb") as f:
            while chunk := f.read(size):
                yield chunk

    def stream(self, start: int):
        if self.path is None:
            return pa.BufferReader(pa.py_buffer(self.data).slice(start))
        f = pa.OSFile(str(self.path))
        f.seek(start)
        return f

    def text(self, start: int) -> io.TextIOWrapper:
        """The text from `start` on; closing it closes the file."""
        raw = io.BytesIO(self.data) if self.path is None else open(self.path, "rb")  # noqa: SIM115
        raw.seek(start)
        return io.TextIOWrapper(raw, encoding="utf-8", newline="")


@dataclass(frozen=True)
class Facts:
    """What one pass over the bytes tells, so the cell rules skip what the file cannot hold:
    a control character; 16 digits in a row once spaces and dots are dropped (a NIK may be
    there)."""

    controls: bool = True
    long_numbers: bool = True


def _scan_table() -> bytes:
    table = bytearray(b"x" * 256)
    for byte in range(0x20, 0x7F):
        table[byte] = ord("a")
    for byte in b"0123456789":
        table[byte] = ord("0")
    for byte in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]:
        table[byte] = ord("C")
    for byte in b"\t\n\r,":
        table[byte] = ord(",")
    for byte in range(0x80, 0x100):
        table[byte] = ord("x")
    for byte in range(0x80, 0xA0):  # continuation bytes; after 0xc2 they make a C1 control
        table[byte] = ord("c")
    table[0xC2] = ord("L")
    return bytes(table)


SCAN = _scan_table()


def scan(source: Source, file: str) -> tuple[Problem | None, Facts]:
    """csv_not_utf8 (with the decoder's own words, as catalog.py gives them) or None, and
    the file's Facts."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    controls = long_numbers = False
    carry = b""
    try:
        for chunk in source.chunks():
            decoder.decode(chunk)
            mapped = carry + bytes(chunk).translate(SCAN, b" .")
            controls = controls or b"C" in mapped or b"Lc" in mapped
            long_numbers = long_numbers or b"0" * 16 in mapped
            carry = mapped[-16:]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        try:
            source.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            return Problem(file=file, code="csv_not_utf8", detail=str(error)), Facts()
    return None, Facts(controls, long_numbers)


@dataclass
class Head:
    """What the first record says: the labels, where the data starts, how to read it."""

    labels: list[str] | None
    offset: int
    python: bool = False  # read with Python's csv, skipping spaces after commas
    open_quote: int | None = None  # byte offset of a quote the header never closes


def read_head(source: Source) -> Head:
    start = len(BOM) if source.read(0, len(BOM)) == BOM else 0
    size = 1 << 16
    while True:
        buf = source.read(start, size)
        end, quote = record_end(buf)
        if end is not None or len(buf) < size:
            break
        size *= 4
    if quote is not None:
        return Head(None, start, open_quote=start + quote)
    end = len(buf) if end is None else end
    python = _sniffed_skip_space(source, start) and _space_after_comma(source, start)
    if python:
        log.warning("frictionless would skip spaces after commas: reading with Python's csv")
    text = buf[:end].decode("utf-8")
    records = list(csv.reader(io.StringIO(text, newline=""), skipinitialspace=python))
    return Head(records[0] if records else None, start + end, python)


def record_end(buf: bytes, pos: int = 0) -> tuple[int | None, int | None]:
    """(end of the first record in buf, None) or (None, offset of a quote never closed);
    (None, None) when buf ends inside the record."""
    while True:
        eol = EOL.search(buf, pos)
        quote = FIELD_QUOTE.search(buf, pos)
        if quote and (not eol or quote.start() < eol.start()):
            closed = QUOTED.match(buf, quote.start())
            if not closed:
                return None, quote.start()
            pos = closed.end()
            continue
        if not eol:
            return None, None
        end = eol.end()
        return (end + 1 if buf[eol.start():end + 1] == b"\r\n" else end), None


def open_quote(buf: bytes) -> int | None:
    """The offset of a quote that opens a cell and is never closed, or None."""
    pos = 0
    while quote := FIELD_QUOTE.search(buf, pos):
        closed = QUOTED.match(buf, quote.start())
        if not closed:
            return quote.start()
        pos = closed.end()
    return None


def line_of(buf: bytes, offset: int) -> int:
    """The 1-based line of a byte offset (lines end at \\n, \\r\\n or \\r, as csv reads them)."""
    head = buf[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def _sniffed_skip_space(source: Source, start: int) -> bool:
    """Whether frictionless's csv.Sniffer would read this file with skipinitialspace."""
    size = 1 << 16
    while True:
        buf = source.read(start, size)
        lines = io.StringIO(buf.decode("utf-8", errors="ignore"), newline="").readlines()
        if len(lines) > SAMPLE_LINES or len(buf) < size:
            break
        size *= 4
    try:
        return bool(csv.Sniffer().sniff("".join(lines[:SAMPLE_LINES]), ",").skipinitialspace)
    except csv.Error:
        return False


def _space_after_comma(source: Source, start: int) -> bool:
    """Whether a cell starts with a space: the only cells skipinitialspace changes."""
    if source.read(start, 1) == b" ":
        return True
    tail = b""
    for chunk in source.chunks():
        text = tail + bytes(chunk)
        if re.search(rb"[,\r\n] ", text):
            return True
        tail = text[-1:]
    return False


@dataclass
class Batch:
    """Records as string columns in schema order, their CSV row numbers, the cells rows lack
    (`absent`, per field) and have beyond the schema (`extras`: row, position, cell)."""

    raw: pa.RecordBatch
    rows: pa.Array
    absent: dict | None = None
    extras: list = field(default_factory=list)


def batch_of(records: list[list[str]], rows: list[int], names: list[str]) -> Batch:
    n = len(names)
    columns = [pa.array([r[i] if i < len(r) else "" for r in records], pa.string()) for i in range(n)]
    raw = pa.RecordBatch.from_arrays(columns, names=names)
    absent = None
    if any(len(r) < n for r in records):
        absent = {name: pa.array([i >= len(r) for r in records], pa.bool_())
                  for i, name in enumerate(names)}
    extras = [(row, k, cell) for row, r in zip(rows, records, strict=True)
              for k, cell in enumerate(r[n:], start=n + 1)]
    return Batch(raw, pa.array(rows, pa.int64()), absent, extras)


class Reader:
    """Batches of a table's body; `last` is the last cell of the last record once read."""

    def __init__(self, source: Source, head: Head, names: list[str], block: int | None = None):
        self.source, self.head, self.names = source, head, names
        self.block = block or BLOCK
        self.last: tuple[int, str] = (0, "")
        self.quote_line: int | None = None  # a quote that swallowed line ends: stop there

    def batches(self):
        if self.head.offset >= self.source.size:
            return iter(())
        return self._python() if self.head.python else self._arrow()

    def _arrow(self):
        texts: dict[int, str] = {}
        skips: deque[int] = deque()

        def invalid(row):
            texts[row.number] = row.text
            skips.append(row.number)
            return "skip"

        reader = pcsv.open_csv(self.source.stream(self.head.offset), read_options=pcsv.ReadOptions(
            column_names=self.names, use_threads=False, block_size=self.block),
            parse_options=pcsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                            invalid_row_handler=invalid),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.string() for n in self.names}, strings_can_be_null=False,
                quoted_strings_can_be_null=False, null_values=[]))
        number = 1  # the next data record (the header is record 0), numbered as pyarrow does
        for raw in reader:
            rows, number = _numbers(number, raw.num_rows, skips)
            if raw.num_rows:
                self._saw(rows[-1].as_py(), raw.column(len(self.names) - 1)[-1].as_py())
            yield _joined(Batch(raw, rows), self._irregular(texts, number))
        rest = self._irregular(texts, None)
        if rest:
            yield rest

    def _irregular(self, texts: dict[int, str], below: int | None) -> Batch | None:
        """The records pyarrow skipped (too few or too many cells) up to `below`, read by
        Python's csv."""
        numbers = sorted(n for n in texts if below is None or n < below)
        if not numbers:
            return None
        records = []
        for n in numbers:
            text = texts.pop(n)
            records.append(_cells(text))
            if self.quote_line is None:
                self.quote_line = self._swallowed(text, records[-1])
        rows = [n + 1 for n in numbers]
        self._saw(rows[-1], (records[-1] or [""])[-1])
        return batch_of(records, rows, self.names)

    def _python(self):
        records, row = [], 2
        with self.source.text(self.head.offset) as text:
            for record in csv.reader(text, skipinitialspace=True):
                records.append(record)
                if len(records) == 20_000:
                    yield self._python_batch(records, row)
                    row, records = row + len(records), []
        if records:
            yield self._python_batch(records, row)

    def _python_batch(self, records, row):
        rows = list(range(row, row + len(records)))
        self._saw(rows[-1], (records[-1] or [""])[-1])
        return batch_of(records, rows, self.names)

    def _swallowed(self, text: str, cells: list[str]) -> int | None:
        """The line of the quote that made this record swallow line ends, or None: a record
        of the wrong length, with a quoted cell spanning lines, whose lines read as records
        of the right length once that quote is taken as a plain character."""
        quote = _breaking_quote(text.encode(), len(self.names))
        if quote is None or not any("\n" in c or "\r" in c for c in cells):
            return None
        data = self.source.read()
        at = data.find(text.encode(), self.head.offset)
        return line_of(data, at + quote) if at >= 0 else None

    def _saw(self, row: int, cell: str) -> None:
        if row >= self.last[0]:
            self.last = (row, cell)


def _breaking_quote(text: bytes, width: int) -> int | None:
    pos = 0
    while quote := FIELD_QUOTE.search(text, pos):
        closed = QUOTED.match(text, quote.start())
        end = closed.end() if closed else len(text)
        if EOL.search(text, quote.start(), end):
            plain = (text[:quote.start()] + text[quote.start() + 1:]).decode()
            records = list(csv.reader(io.StringIO(plain, newline="")))
            return quote.start() if len(records) > 1 and all(len(r) == width for r in records) \
                else None
        pos = end
    return None


def _cells(text: str) -> list[str]:
    records = list(csv.reader(io.StringIO(text, newline="")))
    return records[0] if records else []


def _numbers(start: int, n: int, skips: deque) -> tuple[pa.Array, int]:
    """CSV row numbers of n records read from data record `start` on, passing over the
    records pyarrow skipped; and the next record's number."""
    passed = []
    while skips and skips[0] < start + n + len(passed):
        passed.append(skips.popleft())
    end = start + n + len(passed)
    numbers = pc.add(arange(end - start), start + 1)
    if passed:
        numbers = pc.filter(numbers, pc.invert(pc.is_in(
            numbers, value_set=pa.array([p + 1 for p in passed], pa.int64()))))
    return numbers, end


def _joined(batch: Batch, other: Batch | None) -> Batch:
    """Two batches as one, in row order (the checks cost per call as much as per row)."""
    if other is None:
        return batch
    rows = pa.concat_arrays([batch.rows, other.rows])
    order = pc.sort_indices(rows)
    raw = pa.RecordBatch.from_arrays(
        [pa.concat_arrays([a, b]).take(order)
         for a, b in zip(batch.raw.columns, other.raw.columns, strict=True)],
        names=batch.raw.schema.names)
    absent = None
    if other.absent:
        none = pa.array([False] * len(batch.rows), pa.bool_())
        absent = {name: pa.concat_arrays([none, mask]).take(order) for name, mask in other.absent.items()}
    return Batch(raw, rows.take(order), absent, other.extras)


def unterminated(source: Source, last_cell: str) -> int | None:
    """The line of a quote opened in the last record and never closed, or None.

    Only such a quote lets a record run to the end of the file; then the file ends with the
    quote and the last cell, its quotes doubled. That cheap test comes first; the scan over
    every quoted cell runs only when it holds."""
    written = b'"' + last_cell.replace('"', '""').encode().rstrip(b"\r\n")
    if not _ends_with(source, written):
        return None
    buf = source.read()
    start = len(BOM) if buf.startswith(BOM) else 0
    quote = open_quote(buf[start:])
    return None if quote is None else line_of(buf, start + quote)


def _ends_with(source: Source, written: bytes) -> bool:
    """Whether the file, less the line ends it finishes with, ends with `written`."""
    size = len(written) + 4096
    while True:
        start = max(0, source.size - size)
        tail = source.read(start).rstrip(b"\r\n")
        if len(tail) >= len(written) or start == 0:
            return tail.endswith(written)
        size *= 4
