"""Request fields that several git-writing routes share: commit authors and base64 content."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

from ..gitobjects import Signature
from ..protocol import ApiError, RequestContext, validation_failed
from ..state import utc_now


def not_supplied(name: str) -> ApiError:
    # GitHub's wording for a missing field on the contents API.
    return ApiError(422, f'Invalid request.\n\n"{name}" wasn\'t supplied.')


def required_string(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        raise not_supplied(name)
    if not isinstance(value, str):
        raise ApiError(422, f"Invalid request.\n\nFor '{name}', {value!r} is not a string.")
    return value


def person(data: dict[str, Any], role: str) -> Signature | None:
    """An ``author``/``committer`` object; ``None`` when the request leaves it out."""
    value = data.get(role)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise validation_failed("Commit", "invalid", role)
    name, email, date = value.get("name"), value.get("email"), value.get("date")
    if not isinstance(name, str) or not name:
        raise not_supplied("name")
    if not isinstance(email, str) or not email:
        raise not_supplied("email")
    if date is not None and not isinstance(date, str):
        raise validation_failed("Commit", "invalid", f"{role}.date")
    return Signature(name=name, email=email, date=_utc(date) if date else utc_now())


def _utc(stamp: str) -> str:
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ApiError(422, f"Invalid request.\n\n{stamp!r} is not a valid date-time.") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def signatures(ctx: RequestContext, data: dict[str, Any]) -> tuple[Signature, Signature]:
    """(author, committer) as GitHub fills them in: the committer defaults to the token's
    user, and the author to the committer."""
    committer = person(data, "committer")
    author = person(data, "author")
    if committer is None:
        committer = author or ctx.state.signature(ctx.login)
    return author or committer, committer


def decode_base64(value: str, field_name: str) -> bytes:
    # GitHub accepts the line-wrapped base64 it sends out, so whitespace is ignored.
    try:
        return base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ApiError(422, f"Invalid request.\n\n{field_name} is not valid Base64.") from exc
