"""The `variables:` and `limits:` blocks in the desired state.

Both end up as Actions variables: a limit is one variable the pack's workflow reads
(`max_issues` → `AUTONOMY_MAX_ISSUES`). So they are checked together: a limit and an explicit
variable that set the same variable differently are an error, in one entry or across layers,
and uninstalling a pack removes the variables its limits set as well as its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from reconciler.desired.blocks import Composition, ExplainSection, Layer, Origin, Removal, problem_at
from reconciler.desired.checks import items_of
from reconciler.desired.sources import SourceFiles
from reconciler.desired.yaml_source import Loc, SourceRef, YamlDocument
from reconciler.errors import Problem
from reconciler.kinds.variables.spec import LimitsSpec, VariablesSpec
from reconciler.names import fold

KEY = "variables"
LIMITS_KEY = "limits"
# Provenance addresses: `variable:<folded name>` (the plan's variable changes share the key)
# and `limit:<limit name>`.
PREFIX = "variable"
LIMIT_PREFIX = "limit"
PRUNE = "variables.prune"


def _as_text(value: Any) -> str | None:
    """A variable value as it would be written, or None when validation rejects it anyway."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value)


def _same_layer(a: Origin, b: Origin) -> bool:
    # Clashes inside one entry are reported, with their field, when its file is checked.
    return a.layer == b.layer and a.ref.file == b.ref.file


def _kept(into: Composition) -> set[str]:
    """Variables another layer declares, directly or through a limit: uninstall keeps them."""
    limits = [str(LimitsSpec.variable_for(limit)) for limit in into.values(LIMIT_PREFIX)]
    return set(into.values(PREFIX)) | {fold(v) for v in limits}


class VariablesBlock:
    key = KEY
    spec = VariablesSpec
    description = "Actions variables. Leave out to leave variables alone (limits aside)."

    def check_entry(
        self, doc: YamlDocument, loc: Loc, entry: Mapping[str, Any], sources: SourceFiles
    ) -> Iterator[Problem]:
        items = items_of(dict(entry), KEY)
        if not isinstance(items, dict):
            return
        seen: dict[str, tuple[str, SourceRef]] = {}
        for name in items:
            if not isinstance(name, str):
                continue
            where = (*loc, KEY, "items", name)
            earlier = seen.get(fold(name))
            if earlier is not None:
                what = f"variable {name!r} collides case-insensitively with {earlier[0]} at {earlier[1]}"
                yield doc.problem(where, what, key=True)
            else:
                seen[fold(name)] = (f"variable {name!r}", doc.ref(where, key=True))

    def compose(self, spec: VariablesSpec, layer: Layer, into: Composition) -> None:
        if spec.prune is not None:
            into.knob(PRUNE, spec.prune, layer.origin(KEY, "prune"))
        for name, value in spec.items.items():
            into.put(PREFIX, fold(name), (name, value), layer.origin(KEY, "items", name))

    def remove(self, spec: VariablesSpec, layer: Layer, into: Composition, removal: Removal) -> None:
        kept = _kept(into)
        for name, value in spec.items.items():
            if value is not None and fold(name) not in kept:
                into.put(PREFIX, fold(name), (name, None), layer.origin(KEY, "items", name))

    def check_composed(self, slug: str, composed: Composition) -> Iterator[Problem]:
        variables = composed.collection(PREFIX)
        limits = composed.collection(LIMIT_PREFIX)
        for limit, value in limits.values.items():
            variable = str(LimitsSpec.variable_for(limit))
            explicit = variables.values.get(fold(variable))
            if explicit is None or explicit[1] == str(value):
                continue
            origin = limits.origins[limit]
            variable_origin = variables.origins[fold(variable)]
            # A null variable says "absent", which no layer's limit can mean: always a clash.
            if explicit[1] is not None and _same_layer(origin, variable_origin):
                continue
            declared = "declared absent (null)" if explicit[1] is None else f"{explicit[1]!r}"
            yield problem_at(
                origin.ref,
                f"in {slug}: limit {limit} sets {variable} to {str(value)!r}, but variable {explicit[0]} is "
                f"{declared} at {variable_origin}; keep one of them",
            )

    def effective(self, composed: Composition, sources: SourceFiles) -> VariablesSpec | None:
        if not composed.manages(KEY, PREFIX):
            return None
        return VariablesSpec(prune=bool(composed.knobs.values.get(PRUNE)), items=dict(composed.values(PREFIX).values()))

    def content(self, effective: VariablesSpec) -> Any:
        return effective.model_dump(mode="json")

    def explain(self, effective: VariablesSpec) -> ExplainSection:
        rows = tuple(
            (f"{PREFIX}:{fold(name)}", f"{name} = {value!r}" if value is not None else f"{name}  absent")
            for name, value in effective.items.items()
        )
        return ExplainSection(KEY, PRUNE, effective.prune, rows)


class LimitsBlock:
    key = LIMITS_KEY
    spec = LimitsSpec
    description = (
        "The agent loop's limits, each written to an Actions variable. Without a 'variables' "
        "block, only those variables are managed."
    )

    def check_entry(
        self, doc: YamlDocument, loc: Loc, entry: Mapping[str, Any], sources: SourceFiles
    ) -> Iterator[Problem]:
        limits = entry.get(LIMITS_KEY)
        variables = items_of(dict(entry), KEY)
        if not isinstance(limits, dict) or not isinstance(variables, dict):
            return
        explicit = {fold(name): name for name in variables if isinstance(name, str)}
        for limit, value in limits.items():
            variable = LimitsSpec.variable_for(str(limit))
            if variable is None or fold(variable) not in explicit:
                continue
            name = explicit[fold(variable)]
            limit_text, variable_text = _as_text(value), _as_text(variables[name])
            if limit_text is None or variable_text is None or limit_text == variable_text:
                continue
            variable_ref = doc.ref((*loc, KEY, "items", name))
            yield doc.problem(
                (*loc, LIMITS_KEY, limit),
                f"limit {limit} sets {variable} to {limit_text!r}, but variables.items sets {name} to "
                f"{variable_text!r} at {variable_ref}; keep one of them",
            )

    def compose(self, spec: LimitsSpec, layer: Layer, into: Composition) -> None:
        for limit in LimitsSpec.model_fields:
            value = getattr(spec, limit)
            if value is not None:
                into.put(LIMIT_PREFIX, limit, value, layer.origin(LIMITS_KEY, limit), what="limit")

    def remove(self, spec: LimitsSpec, layer: Layer, into: Composition, removal: Removal) -> None:
        kept = _kept(into)
        for limit in LimitsSpec.model_fields:
            variable = str(LimitsSpec.variable_for(limit))
            if getattr(spec, limit) is not None and fold(variable) not in kept:
                into.put(PREFIX, fold(variable), (variable, None), layer.origin(LIMITS_KEY, limit))

    def check_composed(self, slug: str, composed: Composition) -> Iterator[Problem]:
        return iter(())

    def effective(self, composed: Composition, sources: SourceFiles) -> LimitsSpec | None:
        values = composed.values(LIMIT_PREFIX)
        return LimitsSpec(**values) if values else None

    def content(self, effective: LimitsSpec) -> Any:
        return effective.model_dump(mode="json", exclude_none=True)

    def explain(self, effective: LimitsSpec) -> ExplainSection:
        rows = tuple(
            (
                f"{LIMIT_PREFIX}:{limit}",
                f"{limit} = {getattr(effective, limit)}  (variable {LimitsSpec.variable_for(limit)})",
            )
            for limit in LimitsSpec.model_fields
            if getattr(effective, limit) is not None
        )
        return ExplainSection(LIMITS_KEY, None, None, rows)


VARIABLES_BLOCK = VariablesBlock()
LIMITS_BLOCK = LimitsBlock()
