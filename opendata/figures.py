"""Key figures, computed from the validated datasets at build time, each with its source.

A figure whose data is missing is left out (and says so), never filled in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalog import Catalog, typed_rows

KOTA_SERANG = "3673"


@dataclass(frozen=True)
class Source:
    publisher: str
    url: str | None
    page_date: str | None
    confidence: str | None


@dataclass(frozen=True)
class Figure:
    key: str                 # anchor and message key: figure.<key>
    value: float | int
    unit: str                # persen | poin_persen | lembaga | kelurahan | rasio
    dataset: str
    version: str
    year: int | None = None
    total: float | int | None = None      # "11 of 27": the 27
    sources: tuple[Source, ...] = ()
    params: dict = field(default_factory=dict, hash=False, compare=False)


def source_of(row: dict) -> Source:
    return Source(row.get("sumber_penerbit") or "", row.get("sumber_url"),
                  row.get("sumber_tanggal"), row.get("keyakinan"))


def key_figures(catalog: Catalog) -> list[Figure]:
    figures = []
    for compute in (_tpt_latest, _tpt_change, _lpks_reported, _lpks_accredited,
                    _registry_completeness, _kelurahan_coverage):
        figure = compute(catalog)
        if figure is not None:
            figures.append(figure)
    return figures


def preferred_tpt(catalog: Catalog, area: str = KOTA_SERANG) -> list[dict]:
    """Preferred, whole-population TPT rows of one area, oldest first (August figures where a
    year has several months)."""
    if "indikator" not in catalog:
        return []
    rows = [
        r for r in typed_rows(catalog["indikator"])
        if r["indikator"] == "tpt" and r["wilayah_kode"] == area and r["utama"]
        and r["jenis_kelamin"] == "total" and r.get("bulan") in (8, None)
    ]
    return sorted(rows, key=lambda r: r["tahun"])


def _tpt_latest(catalog: Catalog) -> Figure | None:
    rows = preferred_tpt(catalog)
    if not rows:
        return None
    latest = rows[-1]
    return Figure("tpt-terbaru", float(latest["nilai"]), "persen", "indikator",
                  catalog["indikator"].version, year=latest["tahun"],
                  sources=(source_of(latest),))


def _tpt_change(catalog: Catalog) -> Figure | None:
    rows = preferred_tpt(catalog)
    if len(rows) < 2:
        return None
    first, last = rows[0], rows[-1]
    change = round(float(last["nilai"]) - float(first["nilai"]), 2)
    return Figure("tpt-perubahan", change, "poin_persen", "indikator",
                  catalog["indikator"].version, year=last["tahun"],
                  sources=(source_of(first), source_of(last)),
                  params={"from_year": first["tahun"], "to_year": last["tahun"],
                          "from_value": float(first["nilai"]), "to_value": float(last["nilai"])})


def _reported(catalog: Catalog, measure: str) -> dict | None:
    if "akreditasi_lpks" not in catalog:
        return None
    return next((r for r in typed_rows(catalog["akreditasi_lpks"]) if r["ukuran"] == measure), None)


def _lpks_reported(catalog: Catalog) -> Figure | None:
    row = _reported(catalog, "lpks_berdiri")
    if row is None:
        return None
    return Figure("lpks-dilaporkan", row["nilai"], "lembaga", "akreditasi_lpks",
                  catalog["akreditasi_lpks"].version, year=row.get("tahun"),
                  sources=(source_of(row),))


def _lpks_accredited(catalog: Catalog) -> Figure | None:
    row, total = _reported(catalog, "lpks_terakreditasi"), _reported(catalog, "lpks_berdiri")
    if row is None or total is None:
        return None
    return Figure("lpks-terakreditasi", row["nilai"], "lembaga", "akreditasi_lpks",
                  catalog["akreditasi_lpks"].version, year=row.get("tahun"),
                  total=total["nilai"], sources=(source_of(row),))


def _registry_completeness(catalog: Catalog) -> Figure | None:
    reported = _reported(catalog, "lpks_berdiri")
    if reported is None or "lpks" not in catalog:
        return None
    listed = sum(1 for r in catalog["lpks"].rows if r.get("jenis") == "lpk_swasta")
    return Figure("lpks-terdaftar", listed, "lembaga", "lpks", catalog["lpks"].version,
                  total=reported["nilai"], sources=(source_of(reported),),
                  params={"registry_rows": len(catalog["lpks"].rows)})


def kelurahan_codes(catalog: Catalog) -> list[str]:
    if "wilayah" not in catalog:
        return []
    return [r["kode"] for r in catalog["wilayah"].rows if r.get("tingkat") == "kelurahan"]


def covered_kelurahan(catalog: Catalog) -> set[str]:
    """Kelurahan with at least one listed institution."""
    if "lpks" not in catalog:
        return set()
    known = set(kelurahan_codes(catalog))
    return {r["kelurahan_kode"] for r in catalog["lpks"].rows if r.get("kelurahan_kode") in known}


def _kelurahan_coverage(catalog: Catalog) -> Figure | None:
    all_codes = kelurahan_codes(catalog)
    if not all_codes or "lpks" not in catalog:
        return None
    goal = _reported(catalog, "target_lpks_per_kelurahan")
    return Figure("cakupan-kelurahan", len(covered_kelurahan(catalog)), "kelurahan", "lpks",
                  catalog["lpks"].version, total=len(all_codes),
                  sources=(source_of(goal),) if goal else ())
