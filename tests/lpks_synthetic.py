"""Synthetic LPKS registries for the directory's browser tests and bench (never in datasets/).

Rows are spread over the real 67 kelurahan codes and the real bidang codes; names are made of
words that appear nowhere else on a row, so a text search has an exact expected answer.
"""

from __future__ import annotations

import csv
import io
import math
import random
import shutil
from pathlib import Path

from opendata.catalog import load_catalog

from support import ROOT, csv_path

UNKNOWN = "tidak_diketahui"
OUTSIDE = "di_luar"           # the kecamatan filter's value for a partner outside the city
FIRST = ("Zamrud", "Safir", "Kuarsa", "Giok", "Topas")
SECOND = ("Kilat", "Bayu", "Fajar", "Samudra")
CENTRE = (-6.12, 106.15)      # roughly Kota Serang


def copy_project(target: Path) -> Path:
    """A copy of the repository's sources, as the `project_copy` fixture makes it."""
    ignore = shutil.ignore_patterns(".venv", "site", ".git", "__pycache__", ".build-*", "bench", ".cache")
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def reference_codes(root: Path = ROOT) -> tuple[list[str], list[str]]:
    catalog = load_catalog(root)
    kelurahan = [r["kode"] for r in catalog["wilayah"].rows if r["tingkat"] == "kelurahan"]
    return kelurahan, [r["kode"] for r in catalog["bidang"].rows]


def synthetic_rows(count: int, seed: int = 4, coordinates: float = 0.7) -> list[dict]:
    rng = random.Random(seed)
    kelurahan, bidang = reference_codes()
    return [_row(i, rng, kelurahan, bidang, coordinates) for i in range(count)]


def _row(i: int, rng: random.Random, kelurahan: list[str], bidang: list[str], share: float):
    placed = rng.random() > 0.08
    located = rng.random() < share
    return {
        "id": f"sintetis_{i:04d}",
        "nama": f"LPK {rng.choice(FIRST)} {rng.choice(SECOND)} {i:04d}",
        "jenis": rng.choice(("lpk_swasta", "lpk_swasta", "blk_komunitas", "upt_pusat")),
        "kelurahan_kode": rng.choice(kelurahan) if placed else "",
        "alamat": f"Jalan Percobaan No. {i}" if rng.random() > 0.1 else "",
        "bidang": ";".join(sorted(rng.sample(bidang, rng.randint(0, 3)))),
        "akreditasi": rng.choice(("terakreditasi", "belum_terakreditasi", "")),
        "lintang": f"{CENTRE[0] + rng.uniform(-0.06, 0.06):.6f}" if located else "",
        "bujur": f"{CENTRE[1] + rng.uniform(-0.08, 0.08):.6f}" if located else "",
        "telepon": f"0254 {rng.randint(100000, 999999)}" if rng.random() < 0.3 else "",
        "situs_web": f"https://lpk{i}.example.org/" if rng.random() < 0.2 else "",
        "catatan": "",
        "sumber_penerbit": "Data sintetis untuk tes",
        "sumber_url": "https://example.org/sintetis",
        "sumber_tanggal": "2025",
        "keyakinan": "rendah",
    }


def synthetic_registry(root: Path, total: int = 2000, seed: int = 4) -> list[dict]:
    """Write a registry of `total` institutions under `root`: the real rows (other datasets
    refer to them) and generated ones for the rest. Returns every row."""
    rows = read_registry(root)
    rows += synthetic_rows(total - len(rows), seed)
    write_registry(root, rows)
    return rows


def write_registry(root: Path, rows: list[dict]) -> None:
    """Replace datasets/lpks/lpks.csv under `root` (a project copy) with `rows`, as the next,
    unreleased version of the registry (a released version's rows never change). A row
    without `lokasi` is placed by its kelurahan."""
    from gitrepo import set_version

    target = csv_path(root, "lpks")
    with open(target, encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows({column: row.get(column) or _default(row, column) for column in header}
                     for row in rows)
    target.write_text(out.getvalue(), encoding="utf-8")
    set_version(root, "lpks", "99.0.0")


def _default(row: dict, column: str) -> str:
    if column == "lokasi":
        return "kota_serang" if row.get("kelurahan_kode") else "tidak_diketahui"
    return ""


def read_registry(root: Path) -> list[dict]:
    with open(csv_path(root, "lpks"), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --- what the directory must show, computed here from the rows, not by the stage ------------

def kecamatan_of(row: dict) -> str:
    if row["kelurahan_kode"]:
        return row["kelurahan_kode"][:8]
    return OUTSIDE if row.get("lokasi") == "luar_kota" else UNKNOWN


def in_kecamatan(row: dict, code: str) -> bool:
    """A chosen kecamatan shows its institutions and those of unknown kecamatan (they may be
    there), never a partner outside the city."""
    return (not code or kecamatan_of(row) == code
            or (code not in (UNKNOWN, OUTSIDE) and kecamatan_of(row) == UNKNOWN))


def expected(rows: list[dict], kecamatan: str = "", kelurahan: str = "", bidang: str = "",
             akreditasi: str = "", cari: str = "") -> set[str]:
    """Ids a filter must show. A kelurahan shows its whole kecamatan (that kelurahan first),
    and, as a kecamatan does, the institutions of unknown location."""
    scope = kelurahan[:8] if kelurahan else ""
    terms = cari.lower().split()
    return {
        r["id"] for r in rows
        if in_kecamatan(r, kecamatan) and in_kecamatan(r, scope)
        and (not bidang or bidang in (r["bidang"].split(";") if r["bidang"] else [UNKNOWN]))
        and (not akreditasi or (r["akreditasi"] or UNKNOWN) == akreditasi)
        and all(term in r["nama"].lower() for term in terms)
    }


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    rad = math.pi / 180
    d_lat, d_lon = (b[0] - a[0]) * rad, (b[1] - a[1]) * rad
    h = math.sin(d_lat / 2) ** 2 + math.cos(a[0] * rad) * math.cos(b[0] * rad) * math.sin(d_lon / 2) ** 2
    return 12742 * math.asin(math.sqrt(h))
