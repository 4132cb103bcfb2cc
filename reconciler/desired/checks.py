"""Rules that span more than one value, over the raw YAML data rather than the validated
models, so that a file with a type error elsewhere still gets these checks and the user sees
every problem in one run. Each block brings its own (collisions among its items, its source
files); what is left here is the format's own: a repository declared twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from reconciler.desired.blocks import Block
from reconciler.desired.documents import ENTRY_KINDS
from reconciler.desired.sources import SourceFiles
from reconciler.desired.yaml_source import Loc, SourceRef, YamlDocument
from reconciler.errors import Problem
from reconciler.names import fold


def check_documents(documents: Sequence[YamlDocument], blocks: Sequence[Block], sources: SourceFiles) -> list[Problem]:
    problems: list[Problem] = list(_duplicate_repositories(documents))
    for doc in documents:
        # Packs and organisation targets hold the same blocks as repositories do.
        for loc, entry in entries(doc, ENTRY_KINDS):
            for block in blocks:
                problems.extend(block.check_entry(doc, loc, entry, sources))
    return problems


def entries(doc: YamlDocument, keys: Sequence[str]) -> Iterator[tuple[Loc, dict[str, Any]]]:
    data = doc.data
    if not isinstance(data, dict):
        return
    for key in keys:
        found = data.get(key)
        if isinstance(found, list):
            yield from (((key, index), entry) for index, entry in enumerate(found) if isinstance(entry, dict))


def _duplicate_repositories(documents: Sequence[YamlDocument]) -> Iterator[Problem]:
    first: dict[str, SourceRef] = {}
    for doc in documents:
        for loc, repo in entries(doc, ("repositories",)):
            slug = repo.get("repository")
            if not isinstance(slug, str):
                continue
            where = (*loc, "repository")
            # GitHub treats owner and repository names case-insensitively.
            key = fold(slug)
            if key in first:
                yield doc.problem(where, f"{slug!r} is declared twice; first at {first[key]}")
            else:
                first[key] = doc.ref(where)


def items_of(entry: dict[str, Any], block: str) -> Any:
    """The raw `items` of a block in an entry, whatever their shape (None when absent)."""
    found = entry.get(block)
    return found.get("items") if isinstance(found, dict) else None
