"""The check after writing: would `reconciler plan` be empty for what was imported?

It plans the imported repositories against what import just read (the same reads, so the
answer is about the files, not about GitHub moving meanwhile). A change left is usually one a
pack or an organisation target wants; each is returned with the layer that declares it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reconciler.desired.blocks import Origin
from reconciler.desired.state import EffectiveRepository, EffectiveState
from reconciler.desired.yaml_source import SourceRef
from reconciler.importer.planning import Planning
from reconciler.kinds.registry import kind_named, load_desired_config
from reconciler.names import fold
from reconciler.plan.model import Change, RepositoryFailure


@dataclass(frozen=True)
class Pending:
    """A repository whose plan is not empty right after import, and why."""

    repository: EffectiveRepository
    # Each change, with the pack or organisation target that declares its value (None: the
    # repository's own entry, or nobody).
    changes: tuple[tuple[Change, Origin | None], ...]
    # The organisation target that also selects the repository, if one does.
    selected_by: SourceRef | None


@dataclass(frozen=True)
class PlanCheck:
    pending: tuple[Pending, ...] = ()
    failures: tuple[RepositoryFailure, ...] = ()

    @property
    def clean(self) -> bool:
        return not self.pending and not self.failures


def declared_by(repository: EffectiveRepository, change: Change) -> Origin | None:
    """The layer other than the repository's own entry that declares the value a change makes."""
    kind = kind_named(change.kind)
    if kind is not None and kind.importer is not None:
        addresses = kind.importer.addresses(change.key)
    else:
        # A kind import does not write (a workflow's state) shares its address with the one that does.
        addresses = (f"{kind.address if kind is not None else change.kind}:{change.key}",)
    origin = next((found for a in addresses if (found := repository.provenance.get(a)) is not None), None)
    return None if origin is None or origin.layer == "repository" else origin


def _selected_by(state: EffectiveState, repository: EffectiveRepository) -> SourceRef | None:
    selected = [s for s in state.selections if fold(repository.slug) in {fold(m) for m in s.matched}]
    return selected[0].source if selected else None


def check_imported(root: Path, slugs: Sequence[str], planning: Planning) -> PlanCheck:
    """Plan the imported repositories against what was read.

    Raises DesiredStateError when, with the organisation targets, the desired state does not
    resolve, and another ReconcilerError when the plan could not be made.
    """
    state = planning.resolve(load_desired_config(root), slugs)
    plan = planning.plan(state)
    by_slug = {fold(r.slug): r for r in state.repositories}
    pending = []
    for slug, planned in plan.by_repository().items():
        changes = [c for c in planned if c.is_change]
        repository = by_slug.get(fold(slug))
        if repository is None:
            # An organisation's own objects (organisation secrets a pack shares): import writes
            # none of them, and `plan` shows them under the organisation.
            continue
        if changes:
            pending.append(
                Pending(
                    repository,
                    tuple((change, declared_by(repository, change)) for change in changes),
                    _selected_by(state, repository),
                )
            )
    return PlanCheck(tuple(pending), tuple(plan.failures))
