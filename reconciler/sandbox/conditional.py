"""Validators and conditional requests: ``ETag``/``If-None-Match``, ``Last-Modified``/
``If-Modified-Since``.

Where GitHub sends them, as recorded from api.github.com (octokit/fixtures): an ``ETag`` on
every 200 or 201 that carries a resource, writes included (``POST`` label 201, ``PATCH`` ref
200, ``PUT`` file 201); none on 204s or errors. ``Last-Modified`` only on single resources
and what stands for one: a repository, an organisation, a label, a release, repository
contents (file or directory), the git refs of a repository; never on lists such as labels or
issues. A 304 answers either validator; ``If-None-Match`` wins when both are sent, as HTTP
says.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

CACHE_CONTROL = "private, max-age=60, s-maxage=60"
VARY = "Accept, Authorization, Cookie, X-GitHub-OTP"


def make_etag(token: str, body: bytes) -> str:
    # GitHub varies ETags by credentials; two tokens never share a cached answer.
    digest = hashlib.sha256(token.encode() + b"\n" + body).hexdigest()
    return f'W/"{digest}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    ours = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == ours:
            return True
    return False


def _parse_iso(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)


def http_date(iso_stamp: str) -> str:
    """``2024-01-01T10:00:00Z`` as HTTP writes dates: ``Mon, 01 Jan 2024 10:00:00 GMT``."""
    return format_datetime(_parse_iso(iso_stamp), usegmt=True)


def unmodified_since(if_modified_since: str | None, last_modified_iso: str | None) -> bool:
    """True when the resource has not changed since the client's copy (a 304)."""
    if not if_modified_since or not last_modified_iso:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False  # an unparseable date is ignored, as HTTP asks
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    # HTTP dates have whole seconds; so must the comparison.
    changed = _parse_iso(last_modified_iso).replace(microsecond=0)
    return changed <= since


def not_modified(headers: dict[str, str], etag: str, last_modified_iso: str | None) -> bool:
    """Whether a GET with these request headers is answered 304."""
    if_none_match = headers.get("if-none-match")
    if if_none_match:
        return etag_matches(if_none_match, etag)
    return unmodified_since(headers.get("if-modified-since"), last_modified_iso)
