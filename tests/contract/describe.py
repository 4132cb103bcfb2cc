"""openapi-core's validation errors as short sentences that say where and why."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from jsonschema.exceptions import ValidationError as SchemaError
from jsonschema.exceptions import best_match
from openapi_core.validation.request.exceptions import ParameterValidationError, RequestBodyValidationError
from openapi_core.validation.response.exceptions import DataValidationError, HeaderValidationError
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue

# Long instance reprs in jsonschema messages drown the reason; keep them this short.
MAX_REPR = 80
_REQUIRED_MESSAGE = re.compile(r"^(.*) is a required property$")


def describe_all(errors: Iterable[Exception], side: str) -> Iterator[str]:
    for error in errors:
        yield from describe(error, side)


def describe(error: Exception, side: str) -> Iterator[str]:
    subject = _subject(error, side)
    cause = error.__cause__
    if isinstance(cause, InvalidSchemaValue):
        yield from _describe_schema_errors(cause.schema_errors, subject)
    else:
        # Deserialisation errors quote the whole body; a few hundred characters will do.
        yield f"{subject}: {_clip(str(cause if cause is not None else error))}"


def _describe_schema_errors(errors: Iterable[Exception], subject: str) -> Iterator[str]:
    # A skeletal object misses a dozen properties at once: one line, not twelve.
    missing: dict[str, list[str]] = {}
    for error in errors:
        if not isinstance(error, SchemaError):
            yield f"{subject}: {error}"
        elif error.validator == "required" and (match := _REQUIRED_MESSAGE.match(error.message)):
            missing.setdefault(subject + _json_path(error.absolute_path), []).append(match.group(1))
        else:
            yield format_schema_error(error, subject)
    for where, names in missing.items():
        if len(names) == 1:
            yield f"{where}: {names[0]} is a required property"
        else:
            yield f"{where}: missing required properties {', '.join(names)}"


def _subject(error: Exception, side: str) -> str:
    if isinstance(error, ParameterValidationError):
        return f"{side} {error.location} parameter {error.name!r}"
    if isinstance(error, HeaderValidationError):
        return f"{side} header {error.name!r}"
    if isinstance(error, RequestBodyValidationError | DataValidationError):
        return f"{side} body"
    return side


def format_schema_error(error: SchemaError, subject: str) -> str:
    where = subject + _json_path(error.absolute_path)
    message = _shorten(error)
    if error.context:
        # For anyOf/oneOf, say why the most plausible branch failed.
        closest = best_match(error.context)
        if closest is not None:
            inner = _json_path(closest.relative_path)
            message += f" (closest branch{': at ' + inner if inner else ''}: {_shorten(closest)})"
    return f"{where}: {message}"


def _json_path(path: Iterable[str | int]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)


def _shorten(error: SchemaError) -> str:
    # jsonschema puts `repr(instance)` in messages; a whole issue object is noise.
    message = str(error.message)
    full = repr(error.instance)
    if len(full) <= MAX_REPR:
        return message
    return message.replace(full, short_repr(error.instance))


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def short_repr(value: Any) -> str:
    text = repr(value)
    if len(text) <= MAX_REPR:
        return text
    if isinstance(value, dict):
        return "{" + ", ".join(repr(key) for key in list(value)[:5]) + ", ...}"
    return text[: MAX_REPR - 3] + "..."
