"""Where a directory's institutions are: in the site's area, elsewhere (a partner that works
outside it), or not known. A directory declares its location column and its codes:

    location: {column: <column>, here: <code>, elsewhere: [<code>, ...], unknown: [<code>, ...]}

An institution is placed in a kecamatan only when it is `here`; an empty cell, and any code
that is not declared, counts as unknown: the directory never says an institution is in the
area, or away from it, when the data does not. Without a declaration, an institution with a
known area is here and the others are unknown.

Nothing here names a dataset, a column or a place.
"""

from __future__ import annotations

from .problems import Problem

HERE, ELSEWHERE, UNKNOWN = "here", "elsewhere", "unknown"
ORDER = (HERE, ELSEWHERE, UNKNOWN)
OUTSIDE = "di_luar"          # the kecamatan filter's value for institutions elsewhere


def declaration(spec: dict) -> dict | None:
    location = spec.get("location")
    return location if isinstance(location, dict) and location.get("column") else None


def codes(location: dict, key: str) -> set[str]:
    value = location.get(key)
    if value is None:
        return set()
    return {str(v) for v in value} if isinstance(value, list) else {str(value)}


def place_of(row: dict, spec: dict, area_known: bool) -> str:
    """HERE, ELSEWHERE or UNKNOWN for one row of the directory."""
    location = declaration(spec)
    if location is None:
        return HERE if area_known else UNKNOWN
    cell = (row.get(location["column"]) or "").strip()
    if cell and cell in codes(location, "here"):
        return HERE
    if cell and cell in codes(location, "elsewhere"):
        return ELSEWHERE
    return UNKNOWN


def check(dataset, spec: dict) -> list[Problem]:
    """The location column exists; every code the declaration names is one of the column's
    codes, and every code of the column is declared; no row outside the area has an area."""
    location = declaration(spec)
    if location is None:
        return []
    where = dict(file=dataset.metadata_file, column="directory")
    column = str(location["column"])
    if column not in dataset.header:
        return [Problem(code="directory_column_unknown", params={"column": column[:80]}, **where)]
    named = codes(location, "here") | codes(location, "elsewhere") | codes(location, "unknown")
    problems = []
    if len(codes(location, "here")) != 1:
        problems.append(Problem(code="directory_location_here", params={"column": column}, **where))
    enum = (dataset.field(column).get("constraints") or {}).get("enum")
    if isinstance(enum, list):
        enum = {str(v) for v in enum}
        problems += [Problem(code="directory_location_code", params={"column": column, "code": code[:80]},
                             **where) for code in sorted(named - enum)]
        problems += [Problem(code="directory_location_undeclared", params={"column": column, "code": code[:80]},
                             **where) for code in sorted(enum - named)]
    area = spec.get("area")
    if problems or not isinstance(area, str) or area not in dataset.header:
        return problems
    return problems + [
        Problem(file=dataset.csv_file, code="directory_location_area", row=number, column=area,
                params={"column": column, "code": (row.get(column) or "")[:80]})
        for number, row in enumerate(dataset.rows, start=2)
        if row.get(area) and place_of(row, spec, True) != HERE]
