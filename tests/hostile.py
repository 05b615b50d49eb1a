"""Hostile input, shared by the tests that throw it at the generator: strings that try to
become markup, script, links, formulas or terminal commands, and a small synthetic project
(one dataset of every column type, a chart, a key figure) whose every text can be replaced.
Synthetic data only: nothing here is published."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import yaml

from support import ROOT

# One of each kind of attack a text field can carry; each must reach the reader as text.
STRINGS = {
    "script": '</script><script>alert("s")</script>',
    "markup": '"><img src=x onerror=alert("i")><svg onload=alert(1)>',
    "attribute": "' onmouseover='alert(2)' x='",
    "link": "javascript:alert('j')",
    "markdown": "[klik](javascript:alert(3)) **tebal** <b>b</b> `kode` # judul",
    "template": "{{ 7*7 }} {% raw %} {year} {0.__class__} ${7*7}",
    "entity": "&lt;script&gt; &amp;amp; &#x3C;",
    "comment": "<!-- --> <![CDATA[ x ]]> -->",
    "rtl": "\u202eevil\u202c \u2066isolate\u2069 עברית عربي",
    "long": "Panjang" * 300,
    "quotes": "\"'`\u201c\u201d\u2018\u2019",
}
TEXT = " | ".join(STRINGS.values())


def short(kind: str) -> str:
    """One attack, with a marker a test can search for."""
    return f"{kind.upper()}:{STRINGS[kind]}"


def small_project(root: Path, *, rows: list[dict] | None = None, texts: dict | None = None,
                  header: list[str] | None = None) -> Path:
    """A project with one dataset `uji` (string, code, number, integer and year columns, a
    bar chart, a key figure) and the real site.yml. `rows` replace the rows, `texts` the
    metadata's texts ({"title": ..., "label": ..., ...}: every text the chart, the figure and
    the pages print), `header` the CSV's header (the schema keeps its columns)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "site.yml", root / "site.yml")
    return write_dataset(root, rows=rows, texts=texts, header=header)


def write_dataset(root: Path, *, rows: list[dict] | None = None, texts: dict | None = None,
                  header: list[str] | None = None) -> Path:
    """The dataset `uji` of `small_project`, written into the project at `root`."""
    texts = {**PLAIN, **(texts or {})}
    rows = ROWS if rows is None else rows
    columns = [f["name"] for f in FIELDS]
    folder = root / "datasets" / "uji"
    folder.mkdir(parents=True, exist_ok=True)
    (root / "schemas").mkdir(exist_ok=True)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header or columns)
    writer.writerows([[row.get(c, "") for c in columns] for row in rows])
    (folder / "uji.csv").write_bytes(out.getvalue().encode("utf-8", "surrogatepass"))
    (root / "schemas" / "uji.schema.json").write_text(json.dumps(
        {"fields": FIELDS, "missingValues": [""], "primaryKey": ["id"]}), encoding="utf-8")
    (folder / "metadata.yml").write_text(yaml.safe_dump(metadata(texts), allow_unicode=True),
                                         encoding="utf-8")
    return root


FIELDS = [
    {"name": "id", "type": "string", "constraints": {"required": True, "unique": True}},
    {"name": "nama", "type": "string"},
    {"name": "jenis", "type": "string", "constraints": {"enum": ["a", "b"]}},
    {"name": "nilai", "type": "number"},
    {"name": "jumlah", "type": "integer"},
    {"name": "tahun", "type": "integer", "constraints": {"minimum": 2000, "maximum": 2100}},
]
ROWS = [{"id": "r1", "nama": "Satu", "jenis": "a", "nilai": "1.5", "jumlah": "3", "tahun": "2024"},
        {"id": "r2", "nama": "Dua", "jenis": "b", "nilai": "2", "jumlah": "4", "tahun": "2025"}]
PLAIN = {key: "Uji" for key in ("title", "description", "column", "label_a", "label_b",
                                "chart_title", "chart_description", "axis", "figure_label",
                                "figure_text", "publisher", "notes", "release_notes")}


def metadata(texts: dict) -> dict:
    def both(key: str) -> dict:
        return {"id": texts[key], "en": texts[key]}

    value = {
        "name": "uji", "version": "1.0.0", "title": both("title"),
        "description": both("description"),
        "license": {"name": "CC0-1.0", "title": "CC0", "path": "https://creativecommons.org/"},
        "update_frequency": "tidak_diperbarui",
        "sources": [{"publisher": texts["publisher"], "url": None, "page_date": None,
                     "accessed": None}],
        "notes": both("notes"),
        "columns": {f["name"]: both("column") for f in FIELDS},
        "codes": {"jenis": {"a": both("label_a"), "b": both("label_b")}},
        "release_notes": {"1.0.0": both("release_notes")},
        "charts": [{"id": "uji-batang", "type": "bar", "title": both("chart_title"),
                    "description": both("chart_description"),
                    "category": {"field": "jenis", "title": both("axis")},
                    "value": {"field": "nilai", "unit": "orang", "title": both("axis"),
                              "aggregate": "sum"}}],
        "figures": [{"key": "uji-jumlah", "kind": "count", "order": 1, "show": ["home", "about"],
                     "unit": "orang", "label": both("figure_label"), "text": both("figure_text"),
                     "missing": both("figure_text")}],
    }
    return json.loads(json.dumps(value))   # no shared objects: YAML would write aliases
