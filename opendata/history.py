"""What git knows about the datasets: dates come from commits, never from the clock, so two
builds of the same commit are byte-identical."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout


def last_changed(root: Path, *relpaths: str) -> str | None:
    """The committer date (YYYY-MM-DD) of the last commit touching any of `relpaths`."""
    out = git(root, "log", "-1", "--format=%cs", "--", *relpaths)
    return out.strip() or None if out is not None else None


def head_date(root: Path) -> str | None:
    out = git(root, "log", "-1", "--format=%cs")
    return (out or "").strip() or None
