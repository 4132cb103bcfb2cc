"""An answer GitHub would never give: the typed error, and checking a body against a model.

A broken proxy, a captive portal or a hostile server answers with HTML, half a JSON document,
a field of the wrong type, a body too big to hold or a redirect elsewhere. Each ends here, in
an error that names the endpoint and what was wrong, instead of a trace deep in whoever first
indexed the body.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from reconciler.errors import GitHubError
from reconciler.github.http.port import Call
from reconciler.redaction import redact

M = TypeVar("M", bound=BaseModel)
# Enough of a validation message to find the field; pydantic appends the whole input otherwise.
MAX_PROBLEMS = 3


class UnexpectedResponseError(GitHubError):
    """GitHub's answer is not what the endpoint returns: wrong content type, malformed JSON,
    too big, endless pagination, a redirect elsewhere, a field of the wrong type."""

    def __init__(self, endpoint: str, what: str, call: Call, *, status: int | None = None) -> None:
        # The endpoint is "GET /repos/o/r/labels" when known; the call's operation and
        # repository head the message anyway ("o/r list labels: unexpected answer ...").
        self.endpoint = endpoint
        self.what = redact(what)
        source = f" from {endpoint}" if endpoint else ""
        super().__init__(
            redact(f"unexpected answer{source}: {what}"),
            status=status,
            operation=call.operation,
            repository=call.repository,
        )


def parse(model: type[M], data: Any, call: Call, endpoint: str = "") -> M:
    """`data` (a decoded JSON body) as `model`, or an UnexpectedResponseError naming the
    endpoint and the field. Models declare only what the call reads (`extra="ignore"`)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _unexpected(exc, call, endpoint) from None


def parse_items(model: type[M], data: Any, call: Call, endpoint: str = "") -> list[M]:
    """Each item of a list body (what `get_all` returns) as `model`."""
    try:
        return TypeAdapter(list[model]).validate_python(data)  # type: ignore[valid-type]
    except ValidationError as exc:
        raise _unexpected(exc, call, endpoint) from None


def _unexpected(exc: ValidationError, call: Call, endpoint: str) -> UnexpectedResponseError:
    problems = [f"{_location(e['loc'])}: {e['msg']}" for e in exc.errors(include_input=False)[:MAX_PROBLEMS]]
    more = exc.error_count() - len(problems)
    what = "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")
    return UnexpectedResponseError(endpoint, what, call)


def _location(loc: Sequence[int | str]) -> str:
    """`[3].name` for the name of the fourth item; `body` for the top level."""
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)
    return text.lstrip(".") or "body"
