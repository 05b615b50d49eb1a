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
    """The committer date (YYYY-MM-DD) of HEAD: the build's reference date (the release
    calendar's "overdue"), never the clock's."""
    out = git(root, "log", "-1", "--format=%cs", "HEAD")
    return out.strip() or None if out is not None else None


# --- releases: the first-parent history of HEAD, read as bytes where data is concerned -------

def is_repository(root: Path) -> bool:
    """True when `root` is the top of a git work tree with at least one commit."""
    top = git(root, "rev-parse", "--show-toplevel")
    return bool(top) and Path(top.strip()).resolve() == root.resolve() \
        and git(root, "rev-parse", "--verify", "-q", "HEAD") is not None


def is_shallow(root: Path) -> bool:
    return (git(root, "rev-parse", "--is-shallow-repository") or "").strip() == "true"


def head(root: Path) -> str:
    return (git(root, "rev-parse", "HEAD") or "").strip()


def first_parent_log(root: Path, *relpaths: str) -> list[tuple[str, str]]:
    """(commit, committer date ISO 8601) of every commit on the first-parent line of HEAD
    that touched one of `relpaths`, oldest first. Commit messages are never read: they are
    written for maintainers, not published."""
    out = git(root, "log", "--first-parent", "--reverse", "--format=%H %cI", "HEAD", "--",
              *relpaths)
    return [tuple(line.split(" ", 1)) for line in (out or "").splitlines() if " " in line]


def sizes(root: Path, specs: list[str]) -> list[int | None]:
    """The size of every `<commit>:<path>` blob in `specs` (None where there is none), known
    before a byte of it is read."""
    if not specs:
        return []
    done = subprocess.run(["git", "-C", str(root), "cat-file", "--batch-check"],
                          input="".join(f"{s}\n" for s in specs).encode(), capture_output=True,
                          check=True)
    found = []
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split()
        found.append(int(parts[2]) if len(parts) == 3 and parts[1] == "blob" else None)
    return found


def blobs(root: Path, specs: list[str], limit: int | None = None) -> list[bytes | None]:
    """The bytes of every `<commit>:<path>` in `specs` (None where it does not exist, or is
    larger than `limit`: it is then never read), read by one `git cat-file --batch`: exact
    bytes, no newline conversion."""
    if limit is not None:
        wanted = [s for s, size in zip(specs, sizes(root, specs), strict=True)
                  if size is not None and size <= limit]
        read = dict(zip(wanted, blobs(root, wanted), strict=True))
        return [read.get(s) for s in specs]
    if not specs:
        return []
    done = subprocess.run(["git", "-C", str(root), "cat-file", "--batch"],
                          input="".join(f"{s}\n" for s in specs).encode(), capture_output=True,
                          check=True)
    out, position, found = done.stdout, 0, []
    for _ in specs:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        if len(header) != 3 or header[1] != b"blob":
            found.append(None)
            position = end + 1
            continue
        size = int(header[2])
        found.append(out[end + 1:end + 1 + size])
        position = end + 1 + size + 1
    return found


def links(root: Path, commit: str, relpaths: list[str]) -> set[str]:
    """Which of `relpaths` were symbolic links at `commit` (git stores a link as a blob holding
    the path it points at: read as data, a link to /etc/passwd would be its text)."""
    out = git(root, "ls-tree", "-z", "--full-tree", commit, "--", *relpaths) or ""
    return {entry.split("\t", 1)[1] for entry in out.split("\0")
            if entry.startswith("120000 ") and "\t" in entry}


def head_timestamp(root: Path) -> int | None:
    """Seconds since the epoch of HEAD's committer date (for SOURCE_DATE_EPOCH)."""
    out = (git(root, "log", "-1", "--format=%ct") or "").strip()
    return int(out) if out.isdigit() else None
