"""The SHA-256 of every file of every published release (tests/fixtures/published_releases.json).

    .venv/bin/python tests/release_pins.py site     # or: make pin-releases

adds the releases of a built site that the file does not hold yet, and never rewrites the sums
of a release already there: those are what test_published_release_files_never_change checks.
Only released versions (a commit on main raised them) are pinned, never the next one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from opendata import releases  # noqa: E402
from opendata.catalog import load_catalog  # noqa: E402

PINS = Path(__file__).parent / "fixtures" / "published_releases.json"


def released(root: Path = ROOT, newest: bool = True) -> list[str]:
    """'<name>/<version>' of every released version in the repository's history; without
    each dataset's newest with newest=False (on a pull request its commit, and so its date
    inside datapackage.json, is not final until it is merged)."""
    found = releases.collect(load_catalog(root))
    out = []
    for rs in found.values():
        done = [r for r in rs if r.released]
        out += [f"{r.name}/{r.version}" for r in (done if newest else done[:-1])]
    return sorted(out)


def sums(site: Path, release: str) -> dict[str, str]:
    lines = (site / "data" / release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return dict(sorted((file, digest) for digest, file in (line.split() for line in lines)))


def load() -> dict:
    return json.loads(PINS.read_text(encoding="utf-8"))


def main(argv: list[str]) -> int:
    site = Path(argv[0] if argv else ROOT / "site")
    pins = load()
    added = [r for r in released() if r not in pins]
    for release in added:
        pins[release] = sums(site, release)
    PINS.write_text(json.dumps(pins, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print("pinned: " + (", ".join(added) if added else "nothing new"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
