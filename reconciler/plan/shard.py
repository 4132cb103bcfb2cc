"""Shards: a fleet split over N jobs, each repository in exactly one, by a hash of its name.

A repository's shard is a hash of its case-folded `owner/name` (or, by owner, of its owner
alone, so an owner's repositories stay together and each job spends its own App
installation's budget). A hash rather than a position in a list keeps every repository where
it is as others come and go: adding a repository never moves another to a different shard.
"""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

# GitHub runs at most 256 jobs from one matrix.
MAX_SHARDS = 256
_SHAPE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class ShardBy(StrEnum):
    REPOSITORY = "repository"
    OWNER = "owner"


def shard_number(repository: str, count: int, by: ShardBy = ShardBy.REPOSITORY) -> int:
    """The shard (1..count) `repository` ("owner/name") belongs to."""
    key = repository.casefold() if by is ShardBy.REPOSITORY else repository.split("/", 1)[0].casefold()
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


class Shard(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_serialization_defaults_required=True)

    index: int = Field(ge=1, description="K of K/N: this shard, from 1.")
    count: int = Field(ge=1, le=MAX_SHARDS, description="N of K/N: how many shards the repositories are split over.")
    by: ShardBy = Field(
        default=ShardBy.REPOSITORY,
        description="repository: a hash of owner/name; owner: a hash of the owner, keeping its repositories together.",
    )

    @classmethod
    def parse(cls, text: str, by: ShardBy | str = ShardBy.REPOSITORY) -> Shard:
        """`K/N` (e.g. 2/4); a ValueError that says what is wrong otherwise."""
        match = _SHAPE.match(text)
        if match is None:
            raise ValueError(f"a shard is K/N, e.g. 2/4, not {text!r}")
        index, count = int(match[1]), int(match[2])
        if not 1 <= count <= MAX_SHARDS:
            raise ValueError(f"N must be between 1 and {MAX_SHARDS}, not {count}")
        if not 1 <= index <= count:
            raise ValueError(f"K must be between 1 and N ({count}), not {index}")
        return cls(index=index, count=count, by=ShardBy(by))

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def describe(self) -> str:
        return f"shard {self} (by {self.by.value})"

    def holds(self, repository: str) -> bool:
        return shard_number(repository, self.count, self.by) == self.index


def all_shards(count: int) -> list[str]:
    """Every shard of `count`, as `K/N`: what a matrix lists."""
    if not 1 <= count <= MAX_SHARDS:
        raise ValueError(f"the number of shards must be between 1 and {MAX_SHARDS}, not {count}")
    return [f"{index}/{count}" for index in range(1, count + 1)]
