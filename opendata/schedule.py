"""The release calendar (*Jadwal rilis*): how often each dataset is updated, its last release,
and when the next one is due (`next_update` in its metadata), flagged as overdue once the
build's reference date is past it.

The reference date is the committer date of HEAD (`history.head_date`, in `pages.Site`),
never the clock: two builds of one commit
are the same, and "overdue" means overdue as of the newest commit of the site's data.
"""

from __future__ import annotations

from dataclasses import dataclass

OVERDUE, DUE, UNDECLARED, NOT_UPDATED, UNKNOWN = "terlambat", "terjadwal", "belum_ditentukan", \
    "tidak_diperbarui", "tidak_diketahui"


@dataclass(frozen=True)
class Entry:
    name: str
    version: str
    frequency: str | None        # update_frequency code
    released: str | None         # the current version's release date; None: not yet released
    next_update: str | None      # YYYY-MM-DD, as declared
    status: str                  # one of the constants above

    @property
    def overdue(self) -> bool:
        return self.status == OVERDUE


def status(frequency: str | None, next_update: str | None, reference: str | None) -> str:
    if not next_update:
        return NOT_UPDATED if frequency == NOT_UPDATED else UNDECLARED
    if reference is None:
        return UNKNOWN
    return OVERDUE if next_update < reference else DUE


def build(catalog, released: dict, reference: str | None) -> tuple[Entry, ...]:
    """One entry per dataset (`released`: name → its current version's release date): those
    due first (soonest first), then the rest by name."""
    entries = []
    for dataset in catalog.datasets:
        frequency = dataset.metadata.get("update_frequency")
        due = dataset.metadata.get("next_update")
        due = str(due) if due else None
        entries.append(Entry(dataset.name, dataset.version, frequency, released.get(dataset.name),
                             due, status(frequency, due, reference)))
    return tuple(sorted(entries, key=lambda e: (e.next_update is None, e.next_update or "", e.name)))
