"""Git history is input: every historical release is checked with the working tree's rules
before anything is written.

A release whose name or version cannot be a path, whose files cannot be read, or whose
metadata, schema or rows break the rules is withheld from the site (its page says so) and
reported as a warning naming its commit: history cannot be fixed, so it must not block every
later build. Keys into other datasets are not checked for old releases (they were checked
when the release was made, against the datasets of that time).
"""

from __future__ import annotations

from .. import cache, releases
from ..catalog import Catalog
from ..problems import Problem, errors
from ..releases import Candidate, Withheld


def check(catalog: Catalog, check_dataset) -> tuple[dict, dict, list[Problem]]:
    """(accepted candidates by name, Withheld by name, warnings)."""
    accepted, withheld, warnings = {}, {}, []
    for name, found in releases.candidates(catalog).items():
        ok, refused = [], []
        for candidate in found:
            problems = _problems(catalog, candidate, check_dataset)
            if problems:
                refused.append(Withheld(name, candidate.version, candidate.commit,
                                        candidate.committed, tuple(problems)))
                warnings.append(_warning(catalog, candidate, problems))
            else:
                ok.append(candidate)
        accepted[name], withheld[name] = tuple(ok), tuple(refused)
    return accepted, withheld, warnings


def _problems(catalog: Catalog, candidate: Candidate, check_dataset) -> list[Problem]:
    if not releases.release_path_ok(candidate.name, candidate.version):
        return [Problem(file=f"datasets/{candidate.name}/metadata.yml", code="version_invalid",
                        column="version", params={"version": candidate.version[:40]})]
    found = errors(candidate.problems)
    if candidate.dataset is None:
        return found or [Problem(file=f"datasets/{candidate.name}", code="file_missing")]
    # a release's files never change: its check is kept in the build cache by their content
    return found + errors(cache.memo("history", f"{candidate.name}@{candidate.version}",
                                     (candidate.dataset, catalog.project),
                                     lambda: check_dataset(catalog, candidate.dataset)))


def _warning(catalog: Catalog, candidate: Candidate, problems: list[Problem]) -> Problem:
    first = problems[0]
    return Problem(
        file=catalog.project.relative(catalog.project.metadata_path(candidate.name)),
        code="release_withheld", column="version", severity="warning",
        params={"version": candidate.version[:40], "commit": candidate.commit[:10],
                "count": len(problems), "file": first.file, "row": first.row or "",
                "first": first.code})
