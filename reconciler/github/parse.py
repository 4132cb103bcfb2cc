"""Checking a body GitHub sent against a model of exactly what the caller reads.

A broken proxy, a captive portal or a hostile server answers with a field of the wrong type
or a list where an object is due. `parse` turns that into an `UnexpectedResponseError` that
names the endpoint and the field, instead of a `KeyError` deep in whoever first indexed the
body. Models declare only what the call reads (`extra="ignore"`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from reconciler.errors import UnexpectedResponseError
from reconciler.github.port import Call

M = TypeVar("M", bound=BaseModel)
# Enough of a validation message to find the field; pydantic appends the whole input otherwise.
MAX_PROBLEMS = 3


class Wire(BaseModel):
    """The base of every model of a GitHub body: what it leaves out is ignored, not refused."""

    model_config = ConfigDict(extra="ignore", frozen=True)


def parse(model: type[M], data: Any, call: Call, endpoint: str = "") -> M:
    """`data` (a decoded JSON body) as `model`, or an UnexpectedResponseError naming the
    endpoint and the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _unexpected(exc, call, endpoint) from None


def parse_items(model: type[M], data: Any, call: Call, endpoint: str = "") -> list[M]:
    """Each item of a list body (what `get_all` returns) as `model`."""
    try:
        items: list[M] = _list_of(model).validate_python(data)
        return items
    except ValidationError as exc:
        raise _unexpected(exc, call, endpoint) from None


@cache
def _list_of(model: type[BaseModel]) -> TypeAdapter[Any]:
    # Built once per model: building an adapter costs more than validating a page with it.
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def _unexpected(exc: ValidationError, call: Call, endpoint: str) -> UnexpectedResponseError:
    problems = [f"{_location(e['loc'])}: {e['msg']}" for e in exc.errors(include_input=False)[:MAX_PROBLEMS]]
    more = exc.error_count() - len(problems)
    what = "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")
    return UnexpectedResponseError(endpoint, what, call)


def _location(loc: Sequence[int | str]) -> str:
    """`[3].name` for the name of the fourth item; `body` for the top level."""
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)
    return text.lstrip(".") or "body"
