"""Dataclasses to JSON-able values and back, driven by their type hints.

Fields marked transient (``TRANSIENT`` metadata: a lock, an index) are neither written nor
read. Fields missing from the data take their defaults, so files written before a field was
added keep loading. A class that is not a dataclass can take part by defining
``encode_json(self)`` and a classmethod ``decode_json(cls, data)``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, TypeVar, Union

# Marks a field that is not part of the state itself (a lock, an index): never saved or swapped.
TRANSIENT = {"transient": True}

T = TypeVar("T")


def is_transient(f: dataclasses.Field[Any]) -> bool:
    return bool(f.metadata.get("transient"))


def to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value) if not is_transient(f)}
    if hasattr(value, "encode_json"):
        return value.encode_json()
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value


def from_json(cls: type[T], data: dict[str, Any]) -> T:
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if is_transient(f) or f.name not in data:
            continue  # missing fields take their defaults, so old files load after additions
        kwargs[f.name] = decode(hints[f.name], data[f.name])
    return cls(**kwargs)


def field_hints(cls: type[Any]) -> dict[str, Any]:
    """The type hints of a dataclass's saved fields, for decoding one field at a time."""
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls) if not is_transient(f)}


def decode(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return decode(inner[0], value) if len(inner) == 1 else value
    if origin is list:
        (item,) = typing.get_args(hint)
        return [decode(item, v) for v in value]
    if origin is dict:
        _, item = typing.get_args(hint)
        return {k: decode(item, v) for k, v in value.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return from_json(hint, value)
    if isinstance(hint, type) and hasattr(hint, "decode_json"):
        return hint.decode_json(value)
    return value
