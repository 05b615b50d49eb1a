"""Edit a release into metadata.yml as text, so its comments, order and layout survive.

    with_release(text, version, released, notes) -> text

Sets the top-level `version` and `released`, and adds (or replaces) the version's entry at
the top of `release_notes`, newest first. The result is read back: unless it is exactly the
old metadata with those three changes, EditError is raised and nothing should be written
(a hand-written layout the edit does not understand is refused, never mangled).
"""

from __future__ import annotations

import json
import re

from . import yamlsafe

PRINTABLE = re.compile("[\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
NOT_BREAKS = ("\x85", "\u2028", "\u2029")   # YAML reads these as line breaks


class EditError(ValueError):
    """The metadata's layout is one the text edit does not handle."""


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's), readable: non-ASCII letters
    stay as they are; line-break look-alikes and unprintables are escaped."""
    out = []
    for char in json.dumps(text, ensure_ascii=False):
        if PRINTABLE.fullmatch(char) and char not in NOT_BREAKS:
            out.append(char)
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return "".join(out)


def _top(key: str) -> re.Pattern:
    return re.compile(rf"^{key}:(?P<value>[^\n#]*?)(?P<comment>\s+#[^\n]*)?$", re.M)


def _set_scalar(text: str, key: str, value: str, after: str | None) -> str:
    """Replace a top-level `key: value` (keeping a trailing comment), or add it after the
    top-level key `after` (else at the top)."""
    found = list(_top(key).finditer(text))
    if len(found) > 1:
        raise EditError(f"{key} twice")
    if found:
        match = found[0]
        return text[:match.start()] + f"{key}: {value}{match.group('comment') or ''}" + text[match.end():]
    anchor = _top(after).search(text) if after else None
    if anchor is None:
        return f"{key}: {value}\n" + text
    return text[:anchor.end()] + f"\n{key}: {value}" + text[anchor.end():]


def _entry(version: str, notes: dict, indent: str) -> str:
    inner = indent * 2
    return (f'{indent}"{version}":\n' + "".join(f"{inner}{lang}: {quoted(notes[lang])}\n"
                                               for lang in notes))


def _set_notes(text: str, version: str, notes: dict) -> str:
    block = re.search(r"^release_notes:[ \t]*(#[^\n]*)?(\n|$)", text, re.M)
    if block is None:
        if re.search(r"^release_notes:", text, re.M):
            raise EditError("release_notes is written inline")
        return text.rstrip("\n") + "\nrelease_notes:\n" + _entry(version, notes, "  ")
    if block.group(2) == "":
        text += "\n"
    start = block.end() if block.group(2) else len(text)
    # the block: every following line that is indented, blank or a comment
    lines = text[start:].splitlines(keepends=True)
    length = 0
    for line in lines:
        if line.strip() and not line.startswith((" ", "\t", "#")):
            break
        length += 1
    body = lines[:length]
    indent = next((re.match(r"[ ]+", line).group(0) for line in body
                   if re.match(r"[ ]+\S", line) and not line.strip().startswith("#")), "  ")
    key = re.compile(rf"^{indent}(['\"]?){re.escape(version)}\1:\s*(#.*)?$")
    for index, line in enumerate(body):
        if key.match(line.rstrip("\n")):   # this version's notes again: replace the entry
            end = index + 1
            while end < len(body) and (not body[end].strip() or body[end].startswith(indent + " ")):
                end += 1
            while end > index + 1 and not body[end - 1].strip():
                end -= 1
            body[index:end] = [_entry(version, notes, indent)]
            break
    else:
        body.insert(0, _entry(version, notes, indent))
    return text[:start] + "".join(body) + "".join(lines[length:])


def with_release(text: str, version: str, released: str, notes: dict) -> str:
    """`text` with the release written in; EditError when the result would not be exactly
    the old metadata with the new version, date and notes."""
    old = yamlsafe.load(text)
    if not isinstance(old, dict):
        raise EditError("not a mapping")
    new_text = _set_scalar(text, "version", quoted(version), after="name")
    new_text = _set_scalar(new_text, "released", quoted(released), after="version")
    new_text = _set_notes(new_text, version, notes)
    try:
        new = yamlsafe.load(new_text)
    except yamlsafe.YamlError as error:
        raise EditError(str(error)) from error
    previous = old.get("release_notes")
    expected = {**old, "version": version, "released": released,
                "release_notes": {**(previous if isinstance(previous, dict) else {}),
                                  version: dict(notes)}}
    if new != expected:
        raise EditError("the edit would change more than the release")
    return new_text
