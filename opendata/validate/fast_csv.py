"""CSV bytes (or a file, streamed) → batches of string columns, and what of them is kept.

The body is parsed by pyarrow with the dialect catalog.py reads (comma, '"' doubled inside
quotes, no escape character), which splits records and cells as Python's csv module does; the
parity test fuzzes that. Rows with too few or too many cells, which pyarrow skips, are read
again by Python's csv so they are checked like frictionless checks them. When frictionless
would sniff a dialect that skips spaces after commas (fast_structure.read_head), the whole
body is read by Python's csv that way instead, so cells stay frictionless's.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from .fast_cells import arange, with_nulls
from .fast_structure import Head, breaking_quote, line_of
from .fast_types import Spec

BLOCK = 1 << 20


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
            for record in csv.reader(text, skipinitialspace=self.head.skip_space):
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
        quote = breaking_quote(text.encode(), len(self.names))
        if quote is None or not any("\n" in c or "\r" in c for c in cells):
            return None
        data = self.source.read()
        at = data.find(text.encode(), self.head.offset)
        return line_of(data, at + quote) if at >= 0 else None

    def _saw(self, row: int, cell: str) -> None:
        if row >= self.last[0]:
            self.last = (row, cell)


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
    """Two batches as one, rows not in order (the checks cost per call as much as per row;
    Kept puts what it keeps in order)."""
    if other is None:
        return batch
    raw = pa.RecordBatch.from_arrays(
        [pa.concat_arrays([a, b]) for a, b in zip(batch.raw.columns, other.raw.columns, strict=True)],
        names=batch.raw.schema.names)
    absent = None
    if other.absent:
        none = pa.array([False] * len(batch.rows), pa.bool_())
        absent = {name: pa.concat_arrays([none, mask]) for name, mask in other.absent.items()}
    return Batch(raw, pa.concat_arrays([batch.rows, other.rows]), absent, other.extras)


class Kept:
    """The batches' rows, raw and typed columns (every field, or only the key fields). With
    `compact`, every COMPACT rows are copied into one chunk, so the batches they came from
    are freed whole and memory stays near what is kept."""

    COMPACT = 1 << 18

    def __init__(self, fields: list[Spec], compact: bool):
        self.fields, self.compact = fields, compact
        self.names = [f.name for f in fields]
        self.pending, self.chunks = [], []

    def add(self, rows: pa.Array, raw: pa.RecordBatch, typed: pa.RecordBatch) -> None:
        raw, typed = raw.select(self.names), typed.select(self.names)
        if not _increasing(rows):  # a batch joined with the rows pyarrow skipped
            rows, raw, typed = self._sorted(rows, raw, typed)
        self.pending.append((rows, raw, typed))

    def _sorted(self, rows, raw, typed):
        """In row order; text columns keep sharing the raw column's text."""
        order = pc.sort_indices(rows)
        raw = raw.take(order)
        columns = [with_nulls(raw.column(f.name), pc.is_valid(typed.column(f.name)).take(order))
                   if f.arrow == pa.string() else typed.column(f.name).take(order)
                   for f in self.fields]
        return rows.take(order), raw, pa.RecordBatch.from_arrays(columns, names=self.names)
        if self.compact and sum(len(r) for r, _, _ in self.pending) >= self.COMPACT:
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        rows = pa.concat_arrays([r for r, _, _ in self.pending])
        raw = pa.Table.from_batches([b for _, b, _ in self.pending])
        typed = pa.Table.from_batches([t for _, _, t in self.pending])
        if self.compact:
            raw = raw.combine_chunks()
            typed = pa.table({f.name: _compact(f, raw[f.name], typed[f.name]) for f in self.fields})
        self.chunks.append((rows, raw, typed))
        self.pending = []
        pa.default_memory_pool().release_unused()

    def tables(self) -> tuple[pa.Array, pa.Table, pa.Table]:
        """Rows, raw and typed tables in record order."""
        self._flush()
        if not self.chunks:
            return (pa.array([], pa.int64()),
                    pa.table({n: pa.array([], pa.string()) for n in self.names}),
                    pa.table({f.name: pa.array([], f.arrow) for f in self.fields}))
        rows = pa.chunked_array([r for r, _, _ in self.chunks]).combine_chunks()
        raw = pa.concat_tables([t for _, t, _ in self.chunks])
        typed = pa.concat_tables([t for _, _, t in self.chunks])
        return rows, raw, typed


def _increasing(rows: pa.Array) -> bool:
    return len(rows) < 2 or pc.all(pc.greater(rows.slice(1), rows.slice(0, len(rows) - 1))).as_py()


def _compact(spec: Spec, raw: pa.ChunkedArray, typed: pa.ChunkedArray) -> pa.Array:
    """One chunk; a text column shares the raw column's text instead of copying it."""
    if spec.arrow != pa.string():
        return typed.combine_chunks()
    return with_nulls(raw.chunk(0), pc.is_valid(typed).combine_chunks())
