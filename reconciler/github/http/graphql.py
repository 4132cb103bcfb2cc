"""GraphQL documents and answers: which operations a document holds, and what GitHub said.

GitHub answers a GraphQL request 200 whatever happened inside it. Data with errors is a
partial answer (one alias NOT_FOUND among fifty repositories) and goes back to the caller;
errors without data mean the whole query failed, and become a typed error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from reconciler.errors import (
    GitHubError,
    NotFoundError,
    PermissionDeniedError,
    UnexpectedResponseError,
    ValidationFailedError,
)
from reconciler.github.port import Call, GraphQLReply
from reconciler.redaction import redact

_TOKEN = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*|[A-Za-z_][A-Za-z0-9_]*|[{}()]|.', re.S)
RATE_LIMITED = "RATE_LIMITED"


def operation_kinds(document: str) -> set[str]:
    """The kind of each operation the document defines: query, mutation, subscription
    (fragments aside). A bare `{ ... }` is a query. Only the first word of each top-level
    definition counts, so an operation or a field named "mutation" is not one."""
    kinds: set[str] = set()
    depth = 0
    at_definition = True
    for match in _TOKEN.finditer(document):
        token = match.group()
        if token in ("{", "("):
            if token == "{" and depth == 0 and at_definition:
                kinds.add("query")
            depth += 1
            at_definition = False
        elif token in ("}", ")"):
            depth = max(0, depth - 1)
            at_definition = depth == 0 and token == "}"
        elif depth == 0 and at_definition and (token[0].isalpha() or token[0] == "_"):
            if token in ("query", "mutation", "subscription"):
                kinds.add(token)
            at_definition = False
    return kinds


def is_query_only(document: str) -> bool:
    kinds = operation_kinds(document)
    return bool(kinds) and kinds <= {"query"}


def reply_from(body: Any, call: Call, endpoint: str) -> GraphQLReply:
    """The reply for a 200 answer; a typed error when the whole query failed."""
    if not isinstance(body, dict):
        raise UnexpectedResponseError(endpoint, f"expected a JSON object, got {type(body).__name__}", call)
    data = body.get("data")
    raw_errors = body.get("errors") or []
    if data is not None and not isinstance(data, dict):
        raise UnexpectedResponseError(endpoint, f"`data` is a {type(data).__name__}, not an object", call)
    if not isinstance(raw_errors, list) or not all(isinstance(e, dict) for e in raw_errors):
        raise UnexpectedResponseError(endpoint, "`errors` is not a list of objects", call)
    errors = tuple(raw_errors)
    if data is None:
        if not errors:
            raise UnexpectedResponseError(endpoint, "neither `data` nor `errors`", call)
        raise whole_query_error(errors, call)
    return GraphQLReply(data, errors, _cost(data))


def error_types(errors: Sequence[Mapping[str, Any]]) -> set[str]:
    return {str(e.get("type")) for e in errors if e.get("type")}


def whole_query_error(errors: Sequence[Mapping[str, Any]], call: Call) -> GitHubError:
    types = error_types(errors)
    messages = "; ".join(str(e.get("message") or e.get("type") or "error") for e in errors[:3])
    text = redact(f"GraphQL query failed: {messages}")
    context: dict[str, Any] = {"status": 200, "operation": call.operation, "repository": call.repository}
    if types and types <= {"NOT_FOUND"}:
        return NotFoundError(text, **context)
    if "FORBIDDEN" in types:
        return PermissionDeniedError(text, **context)
    codes = sorted(types | {str(e["extensions"].get("code")) for e in errors if _has_code(e)})
    return ValidationFailedError(text, codes=codes, **context)


def _has_code(error: Mapping[str, Any]) -> bool:
    extensions = error.get("extensions")
    return isinstance(extensions, dict) and bool(extensions.get("code"))


def _cost(data: Mapping[str, Any]) -> int | None:
    """`rateLimit { cost }`, under whatever alias the query gave it."""
    preferred = data.get("rateLimit")
    candidates = [preferred, *data.values()] if isinstance(preferred, dict) else list(data.values())
    for value in candidates:
        if isinstance(value, dict) and isinstance(value.get("cost"), int) and "remaining" in value:
            return int(value["cost"])
    if isinstance(preferred, dict) and isinstance(preferred.get("cost"), int):
        return int(preferred["cost"])
    return None
