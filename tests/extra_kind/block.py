"""The `files:` block: how layers compose it (a file's key is its path), what uninstalling a
pack makes absent, and how explain shows it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.desired.blocks import Composition, ExplainSection, Layer, Removal
from reconciler.desired.checks import items_of
from reconciler.desired.sources import SourceFiles
from reconciler.desired.yaml_source import Loc, YamlDocument, format_loc
from reconciler.errors import Problem
from tests.extra_kind.spec import FileSpec, FilesSpec

KEY = "files"
PREFIX = "file"


@dataclass(frozen=True)
class DesiredFile:
    path: str
    ensure: str
    content: bytes | None


class FilesBlock:
    key = KEY
    spec = FilesSpec
    description = "Files a repository must hold (SECURITY.md, CODEOWNERS...), copied byte for byte."

    def check_entry(
        self, doc: YamlDocument, loc: Loc, entry: Mapping[str, Any], sources: SourceFiles
    ) -> Iterator[Problem]:
        items = items_of(dict(entry), KEY)
        for index, item in enumerate(items if isinstance(items, list) else []):
            source = item.get("source") if isinstance(item, dict) else None
            if isinstance(source, str) and item.get("ensure") != "absent":
                where = (*loc, KEY, "items", index, "source")
                yield from sources.read(source, doc.ref(where), format_loc(where))[1]

    def compose(self, spec: FilesSpec, layer: Layer, into: Composition) -> None:
        for i, item in enumerate(spec.items):
            into.put(PREFIX, item.path, item, layer.origin(KEY, "items", i), what="file")

    def remove(self, spec: FilesSpec, layer: Layer, into: Composition, removal: Removal) -> None:
        declared = into.values(PREFIX)
        for i, item in enumerate(spec.items):
            if item.ensure == "present" and item.path not in declared:
                into.put(PREFIX, item.path, FileSpec(path=item.path, ensure="absent"), layer.origin(KEY, "items", i))

    def check_composed(self, slug: str, composed: Composition) -> Iterator[Problem]:
        return iter(())

    def effective(self, composed: Composition, sources: SourceFiles) -> tuple[DesiredFile, ...] | None:
        if not composed.manages(KEY, PREFIX):
            return None
        keyed = composed.collection(PREFIX)
        found = []
        for path, item in keyed.values.items():
            body = None
            if item.ensure == "present" and item.source is not None:
                body = sources.read(item.source, keyed.origins[path].ref, "")[0]
            found.append(DesiredFile(path, item.ensure, body))
        return tuple(found)

    def content(self, effective: tuple[DesiredFile, ...]) -> Any:
        return {f.path: {"ensure": f.ensure, "sha256": hashlib.sha256(f.content or b"").hexdigest()} for f in effective}

    def explain(self, effective: tuple[DesiredFile, ...]) -> ExplainSection:
        rows = tuple((f"{PREFIX}:{f.path}", f"{f.path}  {f.ensure}") for f in effective)
        return ExplainSection(KEY, None, None, rows)


FILES_BLOCK = FilesBlock()
