"""GitHub's custom media types in the contract: which a response may carry, and how its body
is checked.

GitHub's OpenAPI description lists few custom media types as response `content` (the
contents endpoint has `application/json` and `application/vnd.github.object`) and documents
the others in the operation's description instead ("This endpoint supports the following
custom media types ... `application/vnd.github.raw+json`"). So a response labelled with a
GitHub media type passes when either names it: its body is validated under the documented
`content` entry when there is one (`…object+json` as `…object`), and otherwise is raw bytes
or HTML with no schema to hold it to. A media type neither documents is a violation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_GITHUB_TYPE = re.compile(r"^application/vnd\.github(?:\.([a-z0-9-]+))?(?:\.([a-z0-9-]+))?(\+json)?$")
_NAMED_IN_TEXT = re.compile(r"application/vnd\.github\.[a-z0-9.+-]+")


# Documented `content` types whose bodies are JSON without saying so by a `+json` suffix;
# openapi-core would otherwise read them as opaque bytes.
def _json(value: bytes, **parameters: str) -> Any:
    # openapi-core passes the Content-Type parameters (charset) along.
    return json.loads(value)


JSON_MEDIA_TYPES: dict[str, Callable[..., Any]] = {"application/vnd.github.object": _json}


def media_param(mime: str) -> str | None:
    """`raw` for `application/vnd.github.v3.raw` or `…raw+json`; None for plain JSON types
    (`application/vnd.github+json`, `…v3+json`) and anything that is not GitHub's."""
    match = _GITHUB_TYPE.match(mime)
    if match is None:
        return None
    parts = [part for part in match.groups()[:2] if part]
    if parts and parts[0] == "v3":
        parts = parts[1:]
    return parts[-1] if parts else None


def params_in_description(description: str) -> frozenset[str]:
    """The custom media types an operation's description says it supports, by param."""
    found = (media_param(name.rstrip(".")) for name in _NAMED_IN_TEXT.findall(description))
    return frozenset(param for param in found if param is not None)


@dataclass(frozen=True)
class MediaVerdict:
    problems: tuple[str, ...] = ()
    # Validate the body as if labelled with this documented content type; None: as sent.
    validate_as: str | None = None
    # The body is raw bytes or HTML: no schema describes it.
    skip_body: bool = False


def judge(content_type: str, documented: frozenset[str], described: frozenset[str]) -> MediaVerdict:
    """How to check a response labelled `content_type`, for an operation whose `content`
    entries are `documented` and whose description names the params `described`."""
    mime = content_type.split(";", 1)[0].strip().lower()
    if not mime.startswith("application/vnd.github") or mime in documented:
        return MediaVerdict()
    param = media_param(mime)
    if param is None:
        return MediaVerdict(validate_as="application/json")
    if param not in described:
        listed = ", ".join(sorted(documented | {f"application/vnd.github.{p}" for p in described}))
        return MediaVerdict(
            problems=(f"media type {mime} is not documented for this operation (documented: {listed})",)
        )
    base = f"application/vnd.github.{param}"
    if base in documented:
        return MediaVerdict(validate_as=base)
    return MediaVerdict(skip_body=True)
