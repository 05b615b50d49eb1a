"""What a CSV's bytes say before and after its cells are read: UTF-8 or not, its header and
where the data starts, the dialect frictionless would sniff, which cell rules the file can
break at all (one byte scan), and a quote that is never closed where its cell ends.

Quotes are followed the way Python's csv module (and pyarrow) reads them: a quote opens a
cell only at its start; inside, a doubled quote is a quote and a lone one closes it.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..problems import Problem

if TYPE_CHECKING:
    from .fast_csv import Source

log = logging.getLogger(__name__)
BOM = codecs.BOM_UTF8

FIELD_QUOTE = re.compile(rb'(?<![^,\r\n])"')  # a quote at the start of a cell opens quoting
QUOTED = re.compile(rb'"[^"]*(?:""[^"]*)*"(?!")')  # a quoted cell up to its closing quote
EOL = re.compile(rb"[\r\n]")
SAMPLE_LINES = 100  # frictionless sniffs its dialect from this many lines

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
    python: bool = False  # read with Python's csv (as frictionless does), not pyarrow
    skip_space: bool = False  # as frictionless sniffed: spaces after commas are skipped
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
    skip = _sniffed_skip_space(source, start) and _space_after_comma(source, start)
    if skip:
        log.warning("frictionless would skip spaces after commas: reading with Python's csv")
    text = buf[:end].decode("utf-8")
    records = list(csv.reader(io.StringIO(text, newline=""), skipinitialspace=skip))
    return Head(records[0] if records else None, start + end, skip, skip)


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



def breaking_quote(text: bytes, width: int) -> int | None:
    """In a record of the wrong length: the offset of a quote whose cell spans a line end,
    when the record's lines read as records of `width` cells once that quote is taken as a
    plain character; else None."""
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
