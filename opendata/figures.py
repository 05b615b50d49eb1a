"""Key figures, declared in each dataset's metadata (`figures:`) and computed at build time
from the typed rows, each with its sources. Nothing here names a dataset or a column: the
declaration does.

Kinds of figure:
- `latest`: the value of the row with the largest `year` among the rows the filter keeps;
- `row`:    the value of the one row the filter keeps;
- `count`:  how many rows the filter keeps (or distinct values of `distinct`, optionally only
            those that are keys of another dataset: `within`);
- `change`: the difference between the value of the first and the last year of the rows the
            filter keeps; a computed figure, shown with its formula and both inputs.

A figure whose data is missing is left out (the page says so with its `missing` text), never
filled in. `validate` checks every declaration against the data (`check`), so the build cannot
fail here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from . import i18n
from .catalog import Catalog, Dataset
from .problems import Problem

# The columns in which every row names its source (datasets/README.md).
SOURCE_COLUMNS = ("sumber_penerbit", "sumber_url", "sumber_tanggal", "keyakinan")
PREFERRED_COLUMN = "utama"            # boolean: false = a figure kept beside the preferred one
SOURCE_KIND_COLUMN = "jenis_sumber"   # a dataset's own record of its sources' kinds


@dataclass(frozen=True)
class Source:
    publisher: str
    url: str | None
    page_date: str | None
    confidence: str | None


@dataclass(frozen=True)
class Figure:
    key: str                 # anchor on the page
    value: float | int
    unit: str                # persen | poin_persen | lembaga | kelurahan | orang | ...
    dataset: str
    version: str
    declaration: dict = field(hash=False, compare=False, repr=False)
    year: int | None = None
    total: float | int | None = None      # "11 of 27": the 27
    sources: tuple[Source, ...] = ()
    inputs: tuple[dict, ...] = ()         # a computed figure's inputs: {year, value, source}
    params: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def computed(self) -> bool:
        return self.declaration.get("kind") == "change"

    def shown_on(self, where: str) -> bool:
        return where in (self.declaration.get("show") or ())

    def text(self, key: str, lang: str) -> str:
        value = self.declaration.get(key) or {}
        return str(value.get(lang, "")) if isinstance(value, dict) else ""

    def formatted(self, lang: str) -> dict:
        """Its numbers as the sentence names them, formatted for `lang`."""
        return formatted_params(self, lang)

    def formula(self, lang: str) -> str:
        """A computed figure's formula with its inputs: '6,95 % − 9,26 % = −2,31'."""
        if not self.computed or len(self.inputs) != 2:
            return ""
        first, last = self.inputs
        value = lambda i: i18n.percent(i["value"], lang) if self.unit == "poin_persen" \
            else i18n.number(i["value"], lang)  # noqa: E731
        return f"{value(last)} ({last['year']}) {i18n.MINUS} {value(first)} ({first['year']}) = " \
               f"{number_text(self.value, self.unit, lang)}"

    def sentence(self, lang: str) -> str:
        """The declared text with its {placeholders} filled in, formatted for `lang`."""
        return i18n.fill(self.text("text", lang), formatted_params(self, lang))


def formatted_params(figure: Figure, lang: str) -> dict:
    """The numbers a figure's sentence names, formatted for the language."""
    params = {"year": figure.year or "", "value": number_text(figure.value, figure.unit, lang),
              "total": "" if figure.total is None else i18n.number(figure.total, lang)}
    for key, value in figure.params.items():
        params[key] = (i18n.percent(value, lang) if key.endswith("_value")
                       else i18n.number(value, lang) if isinstance(value, (int, float))
                       and not key.endswith("year") else value)
    if figure.total:
        params["share"] = i18n.percent(100 * figure.value / figure.total, lang, 0)
    return params


def number_text(value, unit: str, lang: str) -> str:
    if unit == "persen":
        return i18n.percent(value, lang)
    if unit == "poin_persen":
        return i18n.signed(value, lang, 2)
    return i18n.number(value, lang)


def source_of(row: dict) -> Source:
    return Source(str(row.get("sumber_penerbit") or ""), row.get("sumber_url") or None,
                  _text(row.get("sumber_tanggal")) or None, row.get("keyakinan") or None)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def select(dataset: Dataset, where: dict | None) -> list[dict]:
    """The typed rows whose cells, as written, equal the declared values (a list: any of
    them; null: an empty cell)."""
    wanted = {column: {_text(v) for v in (value if isinstance(value, list) else [value])}
              for column, value in (where or {}).items()}
    return [typed for raw, typed in zip(dataset.rows, dataset.records, strict=True)
            if all(raw.get(column, "") in allowed for column, allowed in wanted.items())]


def declarations(catalog: Catalog) -> list[tuple[Dataset, dict]]:
    return [(d, f) for d in catalog.datasets for f in d.metadata.get("figures") or []
            if isinstance(f, dict)]


def key_figures(catalog: Catalog) -> list[Figure]:
    """Every declared figure that the data can give, ordered by `order` (then as declared).
    A figure that takes its total or source from another is computed after it."""
    pending = sorted(declarations(catalog), key=lambda d: d[1].get("order", 1000))
    keys = [declared["key"] for _, declared in pending]
    figures: dict[str, Figure] = {}
    for _ in range(len(pending) + 1):
        waiting = []
        for dataset, declared in pending:
            needs = ({(declared.get(r) or {}).get("figure") for r in ("total", "source")} | {
                spec.get("figure") for spec in (declared.get("counts") or {}).values()}) - {None}
            if needs & {d["key"] for _, d in pending} - {declared["key"]}:
                waiting.append((dataset, declared))   # computed once those are
                continue
            figure = _compute(catalog, dataset, declared, figures)
            if figure is not None:
                figures[figure.key] = figure
        if len(waiting) == len(pending):
            break   # a cycle: validation reports it
        pending = waiting
    return [figures[key] for key in keys if key in figures]


def _compute(catalog, dataset, declared, done) -> Figure | None:
    kind = declared["kind"]
    rows = select(dataset, declared.get("filter"))
    base = dict(key=declared["key"], unit=declared["unit"], dataset=dataset.name,
                version=dataset.version, declaration=declared)
    if kind == "count":
        value = _count(catalog, declared, rows)
        figure = Figure(value=value, sources=_sources(catalog, declared, done), **base)
    elif kind == "change":
        figure = _change(declared, rows, base)
    else:
        row = _pick(declared, rows)
        if row is None or row.get(declared["value"]) is None:
            return None
        figure = Figure(value=_plain(row[declared["value"]]), sources=(source_of(row),),
                        year=row.get(declared.get("year", "")), **base)
    if figure is None:
        return None
    counts = {name: _total(catalog, {"total": spec}, done)
              for name, spec in (declared.get("counts") or {}).items()}
    counts = {name: value for name, value in counts.items() if value is not None}
    if counts:
        figure = replace(figure, params={**figure.params, **counts})
    total = _total(catalog, declared, done)
    return figure if total is None else _with_total(figure, total)


def _pick(declared: dict, rows: list[dict]) -> dict | None:
    if declared["kind"] == "row":
        return rows[0] if len(rows) == 1 else None
    dated = [r for r in rows if r.get(declared["year"]) is not None
             and r.get(declared["value"]) is not None]
    return max(dated, key=lambda r: r[declared["year"]]) if dated else None


def _count(catalog: Catalog, declared: dict, rows: list[dict]) -> int:
    column = declared.get("distinct")
    if not column:
        return len(rows)
    values = {r.get(column) for r in rows} - {None, ""}
    within = declared.get("within")
    if within and within["dataset"] in catalog:
        keys = {r.get(within["column"]) for r in select(catalog[within["dataset"]], within.get("filter"))}
        values &= keys
    return len(values)


def _sources(catalog: Catalog, declared: dict, done: dict) -> tuple[Source, ...]:
    """A count's source: another figure's, or the rows of a declared dataset filter."""
    wanted = declared.get("source")
    if not wanted:
        return ()
    if "figure" in wanted:
        other = done.get(wanted["figure"])
        return other.sources if other else ()
    if wanted["dataset"] not in catalog:
        return ()
    return tuple(dict.fromkeys(source_of(r) for r in select(catalog[wanted["dataset"]],
                                                             wanted.get("filter"))))


def _total(catalog: Catalog, declared: dict, done: dict):
    wanted = declared.get("total")
    if not wanted:
        return None
    if "figure" in wanted:
        other = done.get(wanted["figure"])
        return other.value if other else None
    if wanted["dataset"] not in catalog:
        return None
    return len(select(catalog[wanted["dataset"]], wanted.get("filter")))


def _with_total(figure: Figure, total) -> Figure:
    return replace(figure, total=total)


def _change(declared: dict, rows: list[dict], base: dict) -> Figure | None:
    """last − first over the years the rows give; None without two years."""
    dated = sorted((r for r in rows if r.get(declared["year"]) is not None
                    and r.get(declared["value"]) is not None), key=lambda r: r[declared["year"]])
    if len(dated) < 2 or dated[0][declared["year"]] == dated[-1][declared["year"]]:
        return None
    first, last = dated[0], dated[-1]
    change = round(float(last[declared["value"]]) - float(first[declared["value"]]), 2)
    inputs = tuple({"year": r[declared["year"]], "value": _plain(r[declared["value"]]),
                    "source": source_of(r)} for r in (first, last))
    return Figure(value=change, year=last[declared["year"]],
                  sources=(source_of(first), source_of(last)), inputs=inputs,
                  params={"from_year": first[declared["year"]], "to_year": last[declared["year"]],
                          "from_value": float(first[declared["value"]]),
                          "to_value": float(last[declared["value"]])}, **base)


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 \
            else float(value)
    return value


# --- validation: what the JSON Schema cannot see -----------------------------------------------

def check(catalog: Catalog, broken: frozenset = frozenset()) -> list[Problem]:
    """Declarations that name datasets, columns or figures that do not exist, keys used twice,
    a `row` figure whose filter does not pick exactly one row."""
    problems, seen = [], set()
    for dataset, declared in declarations(catalog):
        where = dict(file=dataset.metadata_file, column="figures")
        key = declared.get("key")
        if key in seen:
            problems.append(Problem(code="figure_duplicate", params={"figure": key}, **where))
        seen.add(key)
        for name, columns in _named_columns(dataset, declared):
            if name not in catalog:
                problems.append(Problem(code="figure_dataset_unknown", **where,
                                        params={"figure": key, "dataset": name}))
                continue
            for column in sorted(set(columns) - set(catalog[name].header)):
                problems.append(Problem(code="figure_column_unknown", **where, params={
                    "figure": key, "dataset": name, "column": column}))
        refs = [(declared.get(r) or {}).get("figure") for r in ("total", "source")]
        refs += [spec.get("figure") for spec in (declared.get("counts") or {}).values()
                 if isinstance(spec, dict)]
        for other in refs:
            if other == key or other and other not in {f.get("key") for _, f in declarations(catalog)}:
                problems.append(Problem(code="figure_unknown", **where,
                                        params={"figure": key, "other": other}))
        if declared.get("kind") == "row" and dataset.name not in broken and not _named_unknown(
                catalog, dataset, declared):
            count = len(select(dataset, declared.get("filter")))
            if count > 1:
                problems.append(Problem(code="figure_ambiguous", **where,
                                        params={"figure": key, "count": count}))
    return problems


def _named_unknown(catalog, dataset, declared) -> bool:
    return any(name not in catalog or set(columns) - set(catalog[name].header)
               for name, columns in _named_columns(dataset, declared))


def _named_columns(dataset: Dataset, declared: dict):
    own = [*(declared.get("filter") or {}),
           *[declared[k] for k in ("year", "value", "distinct") if declared.get(k)]]
    yield dataset.name, own
    for wanted in [declared.get(ref) or {} for ref in ("within", "total", "source")] + list(
            (declared.get("counts") or {}).values()):
        if "dataset" in wanted:
            yield wanted["dataset"], [*(wanted.get("filter") or {}),
                                      *([wanted["column"]] if wanted.get("column") else [])]
