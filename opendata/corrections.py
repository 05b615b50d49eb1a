"""Where a reader reports a correction: a link to one of the repository's issue forms, with
what the page already knows filled in.

    issue_url("https://github.com/kota/data", CORRECTION, dataset="lpks", version="1.0.0", row="a")
    → https://github.com/kota/data/issues/new?template=koreksi-data.yml&dataset=lpks&version=1.0.0&row=a

GitHub fills an issue form's field from the query parameter named by the field's `id` (an
`input` or a `textarea`); a parameter the form does not have is ignored. The forms live in
the site's `.github/ISSUE_TEMPLATE/`; `add_row.py` reads the issues they produce.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode, urlsplit

CORRECTION = "koreksi-data.yml"         # the correction form: dataset, version, row, source
ADDITION = "tambah-lembaga.yml"         # a new row of a directory, one field per column
PREFILLED = ("dataset", "version", "row")   # the correction form's fields a page can fill
_PART = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?")


def repository_url(repository: str | None) -> str | None:
    """`https://<host>/<owner>/<name>` for a repository given as that URL (a trailing `/` or
    `.git` is dropped) or as `owner/name` (on github.com); None for anything else: no
    repository, another scheme, a path that is not owner/name, spaces, quotes."""
    text = (repository or "").strip()
    if re.fullmatch(r"[^/\s]+/[^/\s]+", text):
        text = f"https://github.com/{text}"
    parts = urlsplit(text)
    segments = parts.path.strip("/").removesuffix(".git").split("/")
    if parts.scheme != "https" or not _HOST.fullmatch(parts.netloc) or parts.query \
            or parts.fragment or len(segments) != 2 or not all(map(_PART.fullmatch, segments)) \
            or any(s in (".", "..") for s in segments):
        return None
    return f"https://{parts.netloc}/{segments[0]}/{segments[1]}"


def issue_url(repository: str | None, template: str, /, *, title: str | None = None,
              **fields) -> str | None:
    """A link that opens `template` in `repository` with `fields` (by field id) filled in,
    every value percent-encoded; empty values are left out. None when there is no
    repository to link to (the page then shows no link)."""
    base = repository_url(repository)
    if base is None:
        return None
    query = [("template", template)]
    if title:
        query.append(("title", title))
    query += [(key, str(value)) for key, value in fields.items() if value not in (None, "")]
    return f"{base}/issues/new?{urlencode(query, quote_via=quote)}"


def correction_url(repository: str | None, dataset: str, version: str | None = None,
                   row: str | int | None = None) -> str | None:
    """The "Laporkan koreksi" link of a dataset, a release or one row."""
    return issue_url(repository, CORRECTION, dataset=dataset, version=version, row=row)
