"""An immutable mapping for the objects a plan holds (a change's `before` and `after`).

A plan is a value: once built, nothing may change it, not even by editing a dict it holds.
pydantic validates it from a JSON object and writes it back as one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

JsonScalar = str | int | float | bool | None


class FrozenMap(Mapping[str, JsonScalar]):
    """A read-only, hashable mapping of names to JSON scalars."""

    __slots__ = ("_items",)
    _items: dict[str, JsonScalar]

    def __init__(self, items: Mapping[str, JsonScalar] | None = None) -> None:
        object.__setattr__(self, "_items", dict(items or {}))

    def __getitem__(self, key: str) -> JsonScalar:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a plan's objects cannot be changed")

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._items.items(), key=lambda kv: kv[0])))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self._items) == dict(other)

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        scalar = core_schema.nullable_schema(
            core_schema.union_schema(
                [
                    core_schema.str_schema(),
                    core_schema.bool_schema(),
                    core_schema.int_schema(),
                    core_schema.float_schema(),
                ]
            )
        )
        as_dict = core_schema.dict_schema(core_schema.str_schema(), scalar)
        return core_schema.no_info_after_validator_function(
            cls,
            as_dict,
            serialization=core_schema.plain_serializer_function_ser_schema(dict, return_schema=as_dict),
        )


# What `change.before or EMPTY` reads when there is no object.
EMPTY = FrozenMap()
