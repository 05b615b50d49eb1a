"""A column's constraints, vectorised, with frictionless's results.

Where pyarrow could disagree with Python, the vectorised test only sorts cells into "surely
fine", "surely broken" and "ask Python": a number equal in float to a bound or to an enum
value is compared again as a Decimal; a pattern is matched by RE2 only on printable ASCII
cells and only when it uses syntax both engines read alike, every other cell by Python's re
(frictionless compiles '^' + pattern + '$' and calls match()).
"""

from __future__ import annotations

import operator
import re

import pyarrow as pa
import pyarrow.compute as pc

from .fast_cells import INT64, Parsed, mask
from .fast_types import BAD, Spec, reader

# the test that fails a cell (arrow) and the test a cell passes (Python, frictionless's)
BOUND_TESTS = {
    "minimum": (pc.less, operator.ge),
    "maximum": (pc.greater, operator.le),
    "exclusiveMinimum": (pc.less_equal, operator.gt),
    "exclusiveMaximum": (pc.greater_equal, operator.lt),
}
NOT_PRINTABLE_ASCII = r"[^\x20-\x7e]"
# pattern syntax RE2 and Python's re read differently, or RE2 lacks: Python's re decides
RE2_UNSAFE = re.compile(r"\{,|\(\?(?!:)|\\[^dDwWsSbB.\\/()\[\]{}*+?|^$tnr-]|\[:|\[\[")


def failures(spec: Spec, parsed: Parsed, raw: pa.Array, facts) -> list[tuple[str, pa.BooleanArray]]:
    """(constraint, cells that break it) in the order frictionless checks them. `facts`: what
    the file holds (fast_csv.Facts): a file of printable ASCII needs no pattern rechecked."""
    valid = parsed.valid
    found = []
    for name in spec.order:
        value = spec.constraints.get(name)
        if value is None:
            continue
        if name == "required":
            failed = parsed.none if value else None
        else:
            failed = pc.and_(valid, CHECKS[name](spec, value, parsed, raw, valid, facts))
        if failed is not None and pc.any(failed).as_py():
            found.append((name, failed))
    return found


def _min_length(spec, value, parsed, raw, valid, facts):
    return pc.less(pc.utf8_length(raw), value)


def _max_length(spec, value, parsed, raw, valid, facts):
    return pc.greater(pc.utf8_length(raw), value)


def _pattern(spec, value, parsed, raw, valid, facts):
    compiled = re.compile(f"^{value}$")
    ask_python = valid
    broken = pc.invert(valid)
    if not RE2_UNSAFE.search(value):
        try:
            broken = pc.invert(pc.match_substring_regex(raw, f"^(?:^{value}$)"))
            ask_python = pc.and_(valid, _not_printable_ascii(raw, facts))
        except pa.ArrowInvalid:  # RE2 cannot compile it: Python reads every cell
            pass
    return _recheck(broken, ask_python, raw, lambda text: compiled.match(text) is None)


def _not_printable_ascii(raw, facts) -> pa.BooleanArray:
    """Cells where RE2 and Python's re may disagree: beyond ASCII, or with a control
    character (a line end too: Python's '$' matches before a final newline)."""
    odd = pc.invert(pc.string_is_ascii(raw))
    for char in "\t\n\r":
        odd = pc.or_(odd, pc.match_substring(raw, char))
    if facts.controls:
        odd = pc.or_(odd, pc.match_substring_regex(raw, NOT_PRINTABLE_ASCII))
    return odd


def _enum(spec, value, parsed, raw, valid, facts):
    read = reader(spec)
    allowed = [v for v in map(read, value) if v is not BAD and v is not None]
    if spec.type == "string":
        return pc.invert(pc.is_in(raw, value_set=pa.array([v for v in allowed if isinstance(v, str)],
                                                          pa.string())))
    if spec.type == "number":  # equal as Decimals ⇒ equal as floats: ask Python only then
        floats = pa.array([float(v) for v in allowed], pa.float64())
        candidates = pc.fill_null(pc.is_in(parsed.typed, value_set=floats), False)
        return _recheck(pc.invert(candidates), pc.and_(valid, candidates), raw,
                        lambda text: read(text) not in allowed)
    values = pa.array([v for v in allowed if _fits(spec, v)], parsed.typed.type)
    broken = pc.invert(pc.fill_null(pc.is_in(parsed.typed, value_set=values), False))
    return _exact_recheck(spec, broken, parsed, lambda v: v not in allowed)


def _bound(name):
    arrow_fails, python_passes = BOUND_TESTS[name]

    def check(spec, value, parsed, raw, valid, facts):
        read = reader(spec)
        bound = read(value)
        if spec.type == "number":
            limit = float(bound)
            broken = pc.fill_null(arrow_fails(parsed.typed, limit), False)
            tie = pc.and_(valid, pc.fill_null(pc.equal(parsed.typed, limit), False))
            return _recheck(broken, tie, raw, lambda text: not python_passes(read(text), bound))
        if spec.type == "date":
            limit = pa.scalar(bound, pa.date32())
        elif not _fits(spec, bound):
            return _recheck(pc.invert(valid), valid, raw,
                            lambda text: not python_passes(read(text), bound))
        else:
            limit = bound
        broken = pc.fill_null(arrow_fails(parsed.typed, limit), False)
        return _exact_recheck(spec, broken, parsed, lambda v: not python_passes(v, bound))
    return check


def _fits(spec: Spec, value) -> bool:
    if spec.type in ("integer", "year"):
        return isinstance(value, int) and INT64[0] <= value <= INT64[1]
    return True


def _recheck(broken, ask, raw, fails) -> pa.BooleanArray:
    """`broken`, except that the cells in `ask` are judged by `fails(text)` (Python)."""
    indices = pc.indices_nonzero(pc.fill_null(ask, False)).to_pylist()
    if not indices:
        return broken
    texts = raw.take(indices).to_pylist()
    verdicts = pa.array([bool(fails(text)) for text in texts], pa.bool_())
    return pc.replace_with_mask(broken, mask(len(raw), indices), verdicts)


def _exact_recheck(spec, broken, parsed: Parsed, fails) -> pa.BooleanArray:
    """Integers beyond int64 have no arrow value: judge their Python value."""
    big = [i for i, v in parsed.exact.items() if v is not BAD and v is not None
           and spec.type in ("integer", "year") and not _fits(spec, v)]
    if not big:
        return broken
    verdicts = pa.array([bool(fails(parsed.exact[i])) for i in big], pa.bool_())
    return pc.replace_with_mask(broken, mask(len(broken), big), verdicts)


CHECKS = {"minLength": _min_length, "maxLength": _max_length, "pattern": _pattern, "enum": _enum,
          **{name: _bound(name) for name in BOUND_TESTS}}
