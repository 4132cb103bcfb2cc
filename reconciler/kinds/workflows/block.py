"""The `workflows:` block in the desired state: its rules, how layers compose it, what
uninstalling a pack removes, and how `explain` shows it.

A workflow file's key is its path. Its body is read from the desired-state directory when the
desired state loads, so planning never touches the disk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.desired.blocks import Composition, ExplainSection, Layer, Removal
from reconciler.desired.checks import items_of
from reconciler.desired.sources import SourceFiles
from reconciler.desired.state import Declarations, EffectiveRepository
from reconciler.desired.yaml_source import Loc, SourceRef, YamlDocument, format_loc
from reconciler.errors import Problem
from reconciler.kinds.workflows.check import check_workflow
from reconciler.kinds.workflows.spec import WorkflowFileSpec, WorkflowsSpec

KEY = "workflows"
# Provenance addresses of workflow files are `workflow:<path>`; the plan's file changes share the key.
PREFIX = "workflow"
MODE = "workflows.mode"


@dataclass(frozen=True)
class DesiredWorkflow:
    """A declared workflow file, with its body already read (planning does no file I/O)."""

    path: str
    ensure: str
    state: str
    content: bytes | None
    source: str | None
    ref: SourceRef
    agent: bool = False


@dataclass(frozen=True)
class DesiredWorkflows:
    mode: str
    items: tuple[DesiredWorkflow, ...]


def _items(entry: Mapping[str, Any]) -> list[Any]:
    items = items_of(dict(entry), KEY)
    return items if isinstance(items, list) else []


class WorkflowsBlock:
    key = KEY
    spec = WorkflowsSpec
    description = "GitHub Actions workflow files and whether each is enabled."

    def check_entry(
        self, doc: YamlDocument, loc: Loc, entry: Mapping[str, Any], sources: SourceFiles
    ) -> Iterator[Problem]:
        first: dict[str, SourceRef] = {}
        for index, item in enumerate(_items(entry)):
            if not isinstance(item, dict):
                continue
            item_loc = (*loc, KEY, "items", index)
            path = item.get("path")
            if isinstance(path, str):
                if path in first:
                    yield doc.problem((*item_loc, "path"), f"{path!r} is declared twice; first at {first[path]}")
                else:
                    first[path] = doc.ref((*item_loc, "path"))
            source = item.get("source")
            if isinstance(source, str) and item.get("ensure") != "absent":
                where = (*item_loc, "source")
                yield from sources.read(source, doc.ref(where), format_loc(where), check_workflow)[1]

    def compose(self, spec: WorkflowsSpec, layer: Layer, into: Composition) -> None:
        if spec.mode is not None:
            into.knob(MODE, spec.mode, layer.origin(KEY, "mode"))
        for i, workflow in enumerate(spec.items):
            into.put(PREFIX, workflow.path, workflow, layer.origin(KEY, "items", i), what="workflow file")

    def remove(self, spec: WorkflowsSpec, layer: Layer, into: Composition, removal: Removal) -> None:
        declared = into.values(PREFIX)
        for i, workflow in enumerate(spec.items):
            if workflow.ensure == "present" and workflow.path not in declared:
                gone = WorkflowFileSpec(path=workflow.path, ensure="absent")
                into.put(PREFIX, workflow.path, gone, layer.origin(KEY, "items", i), what="workflow file")

    def check_composed(self, slug: str, composed: Composition) -> Iterator[Problem]:
        return iter(())

    def effective(self, composed: Composition, sources: SourceFiles) -> DesiredWorkflows | None:
        if not composed.manages(KEY, PREFIX):
            return None
        keyed = composed.collection(PREFIX)
        items = []
        for path, spec in keyed.values.items():
            origin = keyed.origins[path]
            content = None
            if spec.ensure == "present" and spec.source is not None:
                # Checked, with problems reported, when the files were loaded; this is a cache hit.
                content = sources.read(spec.source, origin.ref, "", check_workflow)[0]
            items.append(DesiredWorkflow(path, spec.ensure, spec.state, content, spec.source, origin.ref, spec.agent))
        return DesiredWorkflows(mode=composed.knobs.values.get(MODE) or "commit", items=tuple(items))

    def content(self, effective: DesiredWorkflows) -> Any:
        items = {
            w.path: {
                "ensure": w.ensure,
                "state": w.state,
                "agent": w.agent,
                "body_sha256": hashlib.sha256(w.content or b"").hexdigest(),
            }
            for w in effective.items
        }
        return {"mode": effective.mode, "items": items}

    def explain(self, effective: DesiredWorkflows) -> ExplainSection:
        rows = []
        for workflow in effective.items:
            address = f"{PREFIX}:{workflow.path}"
            if workflow.ensure == "absent":
                rows.append((address, f"{workflow.path}  absent (deleted if present)"))
                continue
            agent = ", agent" if workflow.agent else ""
            rows.append((address, f"{workflow.path}  {workflow.state}{agent}, from {workflow.source}"))
        return ExplainSection("workflow files", MODE, effective.mode, tuple(rows))


WORKFLOWS_BLOCK = WorkflowsBlock()


def desired_workflows(repository: EffectiveRepository) -> DesiredWorkflows | None:
    """The repository's effective workflows (None when it manages none)."""
    found: DesiredWorkflows | None = repository.block(KEY)
    return found


def workflow_sources(config: Declarations) -> list[Path]:
    """Every workflow body the desired state copies into repositories (for actionlint)."""
    base = config.root if config.root.is_dir() else config.root.parent
    entries = [*config.packs.values(), *config.organizations, *config.repositories]
    found: list[Path] = []
    for entry in entries:
        spec: WorkflowsSpec | None = getattr(entry.spec, KEY, None)
        if spec is not None:
            found += [base / i.source for i in spec.items if i.ensure == "present" and i.source is not None]
    return found
