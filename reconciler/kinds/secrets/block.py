"""The `secrets:` block in the desired state: its rules, how layers compose it, what
uninstalling a pack removes (only with --include-secrets), and how `explain` shows it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from reconciler.desired.blocks import Composition, ExplainSection, Layer, Removal
from reconciler.desired.checks import items_of
from reconciler.desired.sources import SourceFiles
from reconciler.desired.state import EffectiveRepository
from reconciler.desired.yaml_source import Loc, SourceRef, YamlDocument
from reconciler.errors import Problem
from reconciler.kinds.secrets.spec import SecretSpec, SecretsSpec
from reconciler.names import fold

KEY = "secrets"
# Provenance addresses of secrets are `secret:<folded name>`; the plan's secret changes share the key.
PREFIX = "secret"
PRUNE = "secrets.prune"


class SecretsBlock:
    key = KEY
    spec = SecretsSpec
    description = "Actions secrets, by name. Leave out to leave secrets alone."

    def check_entry(
        self, doc: YamlDocument, loc: Loc, entry: Mapping[str, Any], sources: SourceFiles
    ) -> Iterator[Problem]:
        items = items_of(dict(entry), KEY)
        if not isinstance(items, list):
            return
        seen: dict[str, tuple[str, SourceRef]] = {}
        for index, item in enumerate(items):
            name = item.get("name") if isinstance(item, dict) else None
            if not isinstance(name, str):
                continue
            where = (*loc, KEY, "items", index, "name")
            earlier = seen.get(fold(name))
            if earlier is not None:
                yield doc.problem(
                    where, f"secret {name!r} collides case-insensitively with {earlier[0]} at {earlier[1]}"
                )
            else:
                seen[fold(name)] = (f"secret {name!r}", doc.ref(where))

    def compose(self, spec: SecretsSpec, layer: Layer, into: Composition) -> None:
        if spec.prune is not None:
            into.knob(PRUNE, spec.prune, layer.origin(KEY, "prune"))
        for i, secret in enumerate(spec.items):
            into.put(PREFIX, fold(secret.name), secret, layer.origin(KEY, "items", i))

    def remove(self, spec: SecretsSpec, layer: Layer, into: Composition, removal: Removal) -> None:
        if not removal.include_secrets:
            # A secret's value cannot be read back: removing one must be asked for by name.
            return
        declared = into.values(PREFIX)
        for i, secret in enumerate(spec.items):
            if secret.ensure == "present" and fold(secret.name) not in declared:
                gone = SecretSpec(name=secret.name, ensure="absent")
                into.put(PREFIX, fold(secret.name), gone, layer.origin(KEY, "items", i))

    def check_composed(self, slug: str, composed: Composition) -> Iterator[Problem]:
        return iter(())

    def effective(self, composed: Composition, sources: SourceFiles) -> SecretsSpec | None:
        if not composed.manages(KEY, PREFIX):
            return None
        return SecretsSpec(prune=bool(composed.knobs.values.get(PRUNE)), items=tuple(composed.values(PREFIX).values()))

    def content(self, effective: SecretsSpec) -> Any:
        items = {fold(i.name): i.model_dump(mode="json") for i in effective.items}
        return {"prune": effective.prune, "items": items}

    def explain(self, effective: SecretsSpec) -> ExplainSection:
        rows = []
        for secret in effective.items:
            if secret.ensure == "absent":
                how = "absent (deleted if present)"
            else:
                how = f"from ${secret.from_env} at apply time" if secret.from_env else "set by a person"
            rows.append((f"{PREFIX}:{fold(secret.name)}", f"{secret.name}  {how}"))
        return ExplainSection(KEY, PRUNE, effective.prune, tuple(rows))


SECRETS_BLOCK = SecretsBlock()


def declared_secrets(repository: EffectiveRepository) -> SecretsSpec | None:
    found: SecretsSpec | None = repository.block(KEY)
    return found
