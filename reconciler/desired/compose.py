"""Compose one repository's effective desired state from its layers.

Layers apply in a fixed order: every pack (in the order the organisation target, then the
repository target, lists them), then the organisation target's own values, then the
repository's. A later layer overrides an earlier one key by key, as each block says what its
keys are (a label by its case-folded name, a workflow file by its path...), and each setting
(`labels.prune`, `workflows.mode`...) on its own. Two packs that declare the same key
differently are a conflict, reported with both positions: neither pack is more important
than the other.

Every effective value remembers its origin, which `reconciler explain` prints.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from reconciler.desired.blocks import NO_REMOVAL, Composition, Layer, Origin, Removal, problem_at
from reconciler.desired.state import Declarations, EffectiveRepository, Entry
from reconciler.desired.yaml_source import SourceRef
from reconciler.errors import Problem
from reconciler.names import fold


def uninstall_layer_name(pack: str) -> str:
    """The layer name of what uninstalling `pack` makes absent (uninstall looks for it)."""
    return f"uninstall of pack {pack}"


def _pack_layers(
    uses: Sequence[tuple[Entry, int, str, bool]], config: Declarations, problems: list[Problem]
) -> tuple[list[Layer], list[Layer]]:
    """Pack layers to apply and pack layers to uninstall, each pack once, in first-use order."""
    applied: dict[str, Layer] = {}
    removed: dict[str, Layer] = {}
    for target, index, name, uninstall in uses:
        declared = config.pack(name)
        if declared is None:
            where = target.doc.ref((*target.loc, "packs", index))
            known = ", ".join(sorted(d.name for d in config.packs.values()))
            problems.append(problem_at(where, f"no pack named {name!r} (known: {known or 'none'})"))
            continue
        layer = Layer(f"pack {name}", declared.spec, declared.doc, declared.loc, pack=name)
        if uninstall:
            removed[fold(name)] = layer
            applied.pop(fold(name), None)
        elif fold(name) not in removed:
            applied.setdefault(fold(name), layer)
    return list(applied.values()), list(removed.values())


def _add(layer: Layer, config: Declarations, composition: Composition) -> None:
    for block in config.models.blocks:
        spec = layer.block(block.key)
        if spec is not None:
            composition.declared.add(block.key)
            block.compose(spec, layer, composition)


def _remove(layer: Layer, config: Declarations, composition: Composition, removal: Removal) -> None:
    assert layer.pack is not None, "only packs are uninstalled"
    marked = Layer(uninstall_layer_name(layer.pack), layer.content, layer.doc, layer.loc, layer.pack)
    for block in config.models.blocks:
        spec = layer.block(block.key)
        if spec is not None:
            block.remove(spec, marked, composition, removal)


def _provenance(composition: Composition) -> tuple[dict[str, Origin], dict[str, tuple[Origin, ...]]]:
    provenance: dict[str, Origin] = {}
    overridden: dict[str, tuple[Origin, ...]] = {}
    for prefix, keyed in composition.collections.items():
        for key, origin in keyed.origins.items():
            provenance[f"{prefix}:{key}"] = origin
            if key in keyed.overridden:
                overridden[f"{prefix}:{key}"] = tuple(keyed.overridden[key])
    for key, origin in composition.knobs.origins.items():
        provenance[key] = origin
        if key in composition.knobs.overridden:
            overridden[key] = tuple(composition.knobs.overridden[key])
    return provenance, overridden


def _content(config: Declarations, blocks: dict[str, Any]) -> dict[str, Any]:
    return {b.key: b.content(blocks[b.key]) if b.key in blocks else None for b in config.models.blocks}


def _digest(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def compose(
    slug: str,
    source: SourceRef,
    organization: Entry | None,
    repository: Entry | None,
    config: Declarations,
    removal: Removal = NO_REMOVAL,
) -> tuple[EffectiveRepository, list[Problem]]:
    """The effective desired state of `slug`. `removal` names packs to uninstall (from the CLI)."""
    composition = Composition()
    uses = [
        (target, index, name, uninstall)
        for target in (organization, repository)
        if target is not None
        for index, name, uninstall in target.pack_uses
    ]
    packs, removed = _pack_layers(uses, config, composition.problems)
    uninstall = {fold(p) for p in removal.packs}
    if uninstall:
        removed += [p for p in packs if p.pack is not None and fold(p.pack) in uninstall]
        packs = [p for p in packs if p.pack is None or fold(p.pack) not in uninstall]

    for layer in packs:
        _add(layer, config, composition)
    targets: list[Origin] = []
    if organization is not None:
        org_layer = Layer(f"organization {organization.name}", organization.spec, organization.doc, organization.loc)
        _add(org_layer, config, composition)
        targets.append(org_layer.origin())
    if repository is not None:
        repo_layer = Layer("repository", repository.spec, repository.doc, repository.loc)
        _add(repo_layer, config, composition)
        targets.append(repo_layer.origin())
    for layer in removed:
        _remove(layer, config, composition, removal)
    for block in config.models.blocks:
        composition.problems.extend(block.check_composed(slug, composition))

    effective: dict[str, Any] = {}
    for block in config.models.blocks:
        value = block.effective(composition, config.sources)
        if value is not None:
            effective[block.key] = value
    provenance, overridden = _provenance(composition)
    content = _content(config, effective)
    return (
        EffectiveRepository(
            slug=slug,
            source=source,
            blocks=effective,
            packs=tuple(p.pack for p in packs if p.pack is not None),
            uninstalling=tuple(p.pack for p in removed if p.pack is not None),
            targets=tuple(targets),
            provenance=provenance,
            overridden=overridden,
            content=content,
            digest=_digest(content),
        ),
        composition.problems,
    )
