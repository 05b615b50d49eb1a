"""Problems are data: every check yields them, nothing raises until the report is printed."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing a maintainer must fix: where it is and what is wrong.

    `code` names a message in the catalogue (`problem.<code>`), which holds the text and what
    to do in Indonesian and English; `params` fill it in. `detail` keeps the validator's own
    words (frictionless speaks English) so nothing it said is lost.
    """

    file: str
    code: str
    row: int | None = None
    column: str | None = None
    params: dict = field(default_factory=dict, hash=False, compare=False)
    detail: str | None = None
    # "warning": reported, but the build goes on (a historical release withheld from the site:
    # history cannot be fixed, so it must not block every later build)
    severity: str = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self):
        return (self.file, self.row or 0, self.column or "", self.code)


class BuildError(Exception):
    """The one domain error a stage raises; build.py turns it into a message and an exit code."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def errors(problems) -> list[Problem]:
    return [p for p in problems if p.is_error]
