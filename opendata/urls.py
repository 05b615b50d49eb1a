"""Which text may become a link: checked here, never in a template."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SAFE_SCHEMES = ("https", "tel", "mailto")
PHONE = re.compile(r"^\+?[0-9](?:[0-9 \-]*[0-9])?$")


def safe_url(value) -> str | None:
    """The URL if it may become a link (https:, tel:, mailto:, well formed), else None."""
    if not isinstance(value, str) or not value or len(value) > 2000 \
            or any(c.isspace() or c in "<>\"'`\\" or ord(c) < 32 for c in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme not in SAFE_SCHEMES:
        return None
    if parts.scheme == "https" and not parts.netloc:
        return None
    if parts.scheme in ("tel", "mailto") and not parts.path:
        return None
    return value


def https_url(value) -> str | None:
    url = safe_url(value)
    return url if url and url.startswith("https://") else None


def source_url(value) -> str | None:
    """A source page's address as a link: what `safe_url` allows, and a well-formed plain
    http address too (some sources have no https page; hiding their link would read as
    "no URL", which is not true)."""
    if isinstance(value, str) and value.startswith("http://") \
            and safe_url("https://" + value[len("http://"):]):
        return value
    return safe_url(value)


def phone_href(text: str) -> str | None:
    """'tel:+62254...' for a plausible phone number (digits, optional leading +, spaces and
    dashes), else None: anything else stays plain text."""
    value = (text or "").strip()
    digits = re.sub(r"[^0-9]", "", value)
    if not PHONE.match(value) or not 5 <= len(digits) <= 15:
        return None
    return safe_url("tel:" + ("+" if value.startswith("+") else "") + digits)
