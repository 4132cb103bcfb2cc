"""Compose one repository's effective desired state from its layers.

Layers apply in a fixed order: every pack (in the order the organisation target, then the
repository target, lists them), then the organisation target's own values, then the
repository's. A later layer overrides an earlier one key by key: a label by its case-folded
name, a workflow file by its path, a secret or variable by its case-folded name, a limit by
its name, and each policy knob (`labels.prune`, `workflows.mode`...) on its own. Two packs
that declare the same key differently are a conflict, reported with both positions: neither
pack is more important than the other.

Every effective value remembers its origin, which `reconciler explain` prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reconciler.desired.models import (
    ContentSpec,
    LabelSpec,
    LabelsSpec,
    LimitsSpec,
    PackUse,
    SecretSpec,
    SecretsSpec,
    VariablesSpec,
    WorkflowFileSpec,
)
from reconciler.desired.sources import WorkflowSources
from reconciler.desired.state import (
    Declared,
    DesiredConfig,
    DesiredRepository,
    DesiredWorkflow,
    DesiredWorkflows,
    Origin,
)
from reconciler.desired.yaml_source import Loc, SourceRef, YamlDocument
from reconciler.errors import Problem
from reconciler.names import fold

# Provenance addresses are `PREFIX:KEY` (or a knob's name, e.g. `labels.prune`). This maps each
# prefix to the resource kind whose changes carry that key; limits have no kind of their own.
RESOURCE_KIND_OF_PREFIX = {"label": "label", "workflow": "workflow-file", "secret": "secret", "variable": "variable"}


@dataclass(frozen=True)
class Layer:
    label: str
    content: ContentSpec
    doc: YamlDocument
    loc: Loc
    pack: str | None = None

    def origin(self, *path: str | int) -> Origin:
        return Origin(self.doc.ref((*self.loc, *path)), self.label, self.pack)


@dataclass
class _Keyed:
    """Values by key, the origin of each, and what each one overrode."""

    what: str
    values: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)
    overridden: dict[str, list[Origin]] = field(default_factory=dict)

    def put(self, key: str, value: Any, origin: Origin, problems: list[Problem]) -> None:
        earlier = self.origins.get(key)
        if earlier is not None:
            if earlier.pack and origin.pack and earlier.pack != origin.pack:
                if self.values[key] != value:
                    problems.append(
                        _problem(
                            origin.ref,
                            f"{self.what} {key!r} conflicts: pack {origin.pack!r} and pack {earlier.pack!r} "
                            f"(at {earlier.ref}) declare it differently; override it in the target or "
                            "remove it from one pack",
                        )
                    )
                return
            self.overridden.setdefault(key, []).append(earlier)
        self.values[key] = value
        self.origins[key] = origin


def _problem(ref: SourceRef, message: str) -> Problem:
    return Problem(ref.file, ref.line, ref.column, "", message)


@dataclass
class _Composition:
    labels: _Keyed = field(default_factory=lambda: _Keyed("label"))
    workflows: _Keyed = field(default_factory=lambda: _Keyed("workflow file"))
    secrets: _Keyed = field(default_factory=lambda: _Keyed("secret"))
    variables: _Keyed = field(default_factory=lambda: _Keyed("variable"))
    limits: _Keyed = field(default_factory=lambda: _Keyed("limit"))
    knobs: _Keyed = field(default_factory=lambda: _Keyed("setting"))
    # Kinds some layer has a block for, even an empty one: the repository manages them.
    blocks: set[str] = field(default_factory=set)

    def add(self, layer: Layer, problems: list[Problem]) -> None:
        content = layer.content
        self.blocks |= {kind for kind in ("labels", "workflows", "secrets", "variables") if getattr(content, kind)}
        if content.labels is not None:
            if content.labels.prune is not None:
                self.knobs.put("labels.prune", content.labels.prune, layer.origin("labels", "prune"), problems)
            for i, label in enumerate(content.labels.items):
                self.labels.put(fold(label.name), label, layer.origin("labels", "items", i), problems)
        if content.workflows is not None:
            if content.workflows.mode is not None:
                self.knobs.put("workflows.mode", content.workflows.mode, layer.origin("workflows", "mode"), problems)
            for i, workflow in enumerate(content.workflows.items):
                self.workflows.put(workflow.path, workflow, layer.origin("workflows", "items", i), problems)
        if content.secrets is not None:
            if content.secrets.prune is not None:
                self.knobs.put("secrets.prune", content.secrets.prune, layer.origin("secrets", "prune"), problems)
            for i, secret in enumerate(content.secrets.items):
                self.secrets.put(fold(secret.name), secret, layer.origin("secrets", "items", i), problems)
        if content.variables is not None:
            if content.variables.prune is not None:
                origin = layer.origin("variables", "prune")
                self.knobs.put("variables.prune", content.variables.prune, origin, problems)
            for name, value in content.variables.items.items():
                self.variables.put(fold(name), (name, value), layer.origin("variables", "items", name), problems)
        if content.limits is not None:
            for limit in LimitsSpec.model_fields:
                value = getattr(content.limits, limit)
                if value is not None:
                    self.limits.put(limit, value, layer.origin("limits", limit), problems)

    def remove_pack(self, layer: Layer, include_secrets: bool) -> None:
        """Make absent what `layer` (a pack being uninstalled) declares and nobody else does."""
        content = layer.content
        origin_label = f"uninstall of pack {layer.pack}"

        def origin(*path: str | int) -> Origin:
            return Origin(layer.doc.ref((*layer.loc, *path)), origin_label, layer.pack)

        if content.labels is not None:
            for i, label in enumerate(content.labels.items):
                if label.ensure == "present" and fold(label.name) not in self.labels.values:
                    absent = LabelSpec(name=label.name, ensure="absent")
                    self.labels.put(fold(label.name), absent, origin("labels", "items", i), [])
        if content.workflows is not None:
            for i, workflow in enumerate(content.workflows.items):
                if workflow.ensure == "present" and workflow.path not in self.workflows.values:
                    absent_file = WorkflowFileSpec(path=workflow.path, ensure="absent")
                    self.workflows.put(workflow.path, absent_file, origin("workflows", "items", i), [])
        if content.secrets is not None and include_secrets:
            for i, secret in enumerate(content.secrets.items):
                if secret.ensure == "present" and fold(secret.name) not in self.secrets.values:
                    absent_secret = SecretSpec(name=secret.name, ensure="absent")
                    self.secrets.put(fold(secret.name), absent_secret, origin("secrets", "items", i), [])
        pack_variables: list[tuple[str, Origin]] = []
        if content.variables is not None:
            pack_variables += [
                (name, origin("variables", "items", name))
                for name, value in content.variables.items.items()
                if value is not None
            ]
        if content.limits is not None:
            pack_variables += [
                (str(LimitsSpec.variable_for(limit)), origin("limits", limit))
                for limit in LimitsSpec.model_fields
                if getattr(content.limits, limit) is not None
            ]
        kept = set(self.variables.values) | {fold(v) for v in self._limit_variables()}
        for name, where in pack_variables:
            if fold(name) not in kept:
                self.variables.put(fold(name), (name, None), where, [])

    def _limit_variables(self) -> list[str]:
        return [str(LimitsSpec.variable_for(limit)) for limit in self.limits.values]


def _pack_layers(
    uses: Sequence[tuple[Declared, int, str | PackUse]], config: DesiredConfig, problems: list[Problem]
) -> tuple[list[Layer], list[Layer]]:
    """Pack layers to apply and pack layers to uninstall, each pack once, in first-use order."""
    applied: dict[str, Layer] = {}
    removed: dict[str, Layer] = {}
    for target, index, ref in uses:
        name = ref.name if isinstance(ref, PackUse) else ref
        uninstall = isinstance(ref, PackUse) and ref.uninstall
        declared = config.pack(name)
        if declared is None:
            where = target.doc.ref((*target.loc, "packs", index))
            known = ", ".join(sorted(d.spec.name for d in config.packs.values() if hasattr(d.spec, "name")))
            problems.append(_problem(where, f"no pack named {name!r} (known: {known or 'none'})"))
            continue
        layer = Layer(f"pack {name}", declared.spec, declared.doc, declared.loc, pack=name)
        if uninstall:
            removed[fold(name)] = layer
            applied.pop(fold(name), None)
        elif fold(name) not in removed:
            applied.setdefault(fold(name), layer)
    return list(applied.values()), list(removed.values())


def _workflows(composition: _Composition, sources: WorkflowSources) -> DesiredWorkflows | None:
    mode = composition.knobs.values.get("workflows.mode")
    if not composition.workflows.values and "workflows" not in composition.blocks:
        return None
    items = []
    for path, spec in composition.workflows.values.items():
        origin = composition.workflows.origins[path]
        content = None
        if spec.ensure == "present" and spec.source is not None:
            # Checked, with problems reported, when the files were loaded; this is a cache hit.
            content = sources.read(spec.source, origin.ref, "")[0]
        items.append(DesiredWorkflow(path, spec.ensure, spec.state, content, spec.source, origin.ref, spec.agent))
    return DesiredWorkflows(mode=mode or "commit", items=tuple(items))


def _same_layer(a: Origin, b: Origin) -> bool:
    # Clashes inside one entry are reported, with their field, when its file is checked.
    return a.layer == b.layer and a.ref.file == b.ref.file


def _effective_checks(slug: str, composition: _Composition, problems: list[Problem]) -> None:
    """Rules that only the composed result can break: collisions across layers."""
    seen: dict[str, tuple[str, Origin]] = {}
    for key, label in composition.labels.values.items():
        origin = composition.labels.origins[key]
        if label.ensure != "present":
            continue
        names = [(label.name, f"label {label.name!r}"), *((a, f"alias {a!r} of {label.name!r}") for a in label.aliases)]
        for name, what in names:
            other = seen.get(fold(name))
            if other is not None and other[1] != origin and not _same_layer(other[1], origin):
                problems.append(
                    _problem(origin.ref, f"in {slug}: {what} collides with {other[0]} declared at {other[1]}")
                )
            seen.setdefault(fold(name), (what, origin))
    for limit, value in composition.limits.values.items():
        variable = str(LimitsSpec.variable_for(limit))
        explicit = composition.variables.values.get(fold(variable))
        if explicit is None or explicit[1] == str(value):
            continue
        origin = composition.limits.origins[limit]
        variable_origin = composition.variables.origins[fold(variable)]
        # A null variable says "absent", which no layer's limit can mean: always a clash. A
        # clash of values inside one entry was reported with its field when the file was checked.
        if explicit[1] is not None and _same_layer(origin, variable_origin):
            continue
        declared = "declared absent (null)" if explicit[1] is None else f"{explicit[1]!r}"
        problems.append(
            _problem(
                origin.ref,
                f"in {slug}: limit {limit} sets {variable} to {str(value)!r}, but variable {explicit[0]} is "
                f"{declared} at {variable_origin}; keep one of them",
            )
        )


def compose(
    slug: str,
    source: SourceRef,
    organization: Declared | None,
    repository: Declared | None,
    config: DesiredConfig,
    *,
    uninstall: frozenset[str] = frozenset(),
    include_secrets: bool = False,
) -> tuple[DesiredRepository, list[Problem]]:
    """The effective desired state of `slug`. `uninstall` names packs to remove (from the CLI)."""
    problems: list[Problem] = []
    uses: list[tuple[Declared, int, str | PackUse]] = []
    for target in (organization, repository):
        if target is not None:
            uses += [(target, i, ref) for i, ref in enumerate(getattr(target.spec, "packs", ()))]
    packs, removed = _pack_layers(uses, config, problems)
    if uninstall:
        removed += [p for p in packs if p.pack is not None and fold(p.pack) in uninstall]
        packs = [p for p in packs if p.pack is None or fold(p.pack) not in uninstall]

    composition = _Composition()
    for layer in packs:
        composition.add(layer, problems)
    targets: list[Origin] = []
    if organization is not None:
        spec = organization.spec
        org_layer = Layer(f"organization {getattr(spec, 'organization', '')}", spec, organization.doc, organization.loc)
        composition.add(org_layer, problems)
        targets.append(org_layer.origin())
    if repository is not None:
        repo_layer = Layer("repository", repository.spec, repository.doc, repository.loc)
        composition.add(repo_layer, problems)
        targets.append(repo_layer.origin())
    for layer in removed:
        composition.remove_pack(layer, include_secrets)
    _effective_checks(slug, composition, problems)

    knobs = composition.knobs.values
    provenance: dict[str, Origin] = {}
    overridden: dict[str, tuple[Origin, ...]] = {}
    for prefix, keyed in (
        ("label", composition.labels),
        ("workflow", composition.workflows),
        ("secret", composition.secrets),
        ("variable", composition.variables),
        ("limit", composition.limits),
    ):
        for key, origin in keyed.origins.items():
            provenance[f"{prefix}:{key}"] = origin
            if key in keyed.overridden:
                overridden[f"{prefix}:{key}"] = tuple(keyed.overridden[key])
    for key, origin in composition.knobs.origins.items():
        provenance[key] = origin
        if key in composition.knobs.overridden:
            overridden[key] = tuple(composition.knobs.overridden[key])

    def managed(kind: str, keyed: _Keyed) -> bool:
        return bool(keyed.values) or kind in composition.blocks

    labels = (
        LabelsSpec(prune=bool(knobs.get("labels.prune")), items=tuple(composition.labels.values.values()))
        if managed("labels", composition.labels)
        else None
    )
    secrets = (
        SecretsSpec(prune=bool(knobs.get("secrets.prune")), items=tuple(composition.secrets.values.values()))
        if managed("secrets", composition.secrets)
        else None
    )
    variables = (
        VariablesSpec(
            prune=bool(knobs.get("variables.prune")),
            items=dict(composition.variables.values.values()),
        )
        if managed("variables", composition.variables)
        else None
    )
    limits = LimitsSpec(**composition.limits.values) if composition.limits.values else None
    effective = DesiredRepository(
        slug=slug,
        source=source,
        labels=labels,
        workflows=_workflows(composition, config.sources),
        secrets=secrets,
        variables=variables,
        limits=limits,
        packs=tuple(p.pack for p in packs if p.pack is not None),
        uninstalling=tuple(p.pack for p in removed if p.pack is not None),
        targets=tuple(targets),
        provenance=provenance,
        overridden=overridden,
    )
    return effective, problems
