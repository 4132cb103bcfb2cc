"""The one table of resource kinds, and the desired-state format their blocks make.

Adding a kind is a module (or package) implementing `ResourceKind` and one line in `KINDS`.
Everything else — the file format, its JSON Schema, composition, planning, applying,
verify's permission check, uninstall, explain — reads this table. `extended()` adds kinds for
the length of a `with` block, as a plugin or a test does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel

from reconciler.desired.blocks import Block
from reconciler.desired.documents import document_models
from reconciler.desired.loader import load_declarations
from reconciler.desired.resolve import resolve_static
from reconciler.desired.state import Declarations, EffectiveState
from reconciler.errors import ConfigurationError
from reconciler.kinds.base import AnyKind
from reconciler.kinds.labels import LABELS
from reconciler.kinds.organization_secrets import ORGANIZATION_SECRETS
from reconciler.kinds.organization_variables import ORGANIZATION_VARIABLES
from reconciler.kinds.secrets import SECRETS
from reconciler.kinds.variables import VARIABLES
from reconciler.kinds.workflows import WORKFLOW_FILES, WORKFLOW_STATE

# In apply order. Variables and secrets before workflow files, so a workflow finds what it
# reads when it first runs; files before workflow state, because a workflow created in this
# apply can only be disabled once GitHub lists its file. Organisation-scoped kinds are planned
# once per organisation, and applied before any repository's changes.
KINDS: tuple[AnyKind, ...] = (
    LABELS,
    VARIABLES,
    SECRETS,
    WORKFLOW_FILES,
    WORKFLOW_STATE,
    ORGANIZATION_VARIABLES,
    ORGANIZATION_SECRETS,
)

_active: tuple[AnyKind, ...] = KINDS


def kinds() -> tuple[AnyKind, ...]:
    """The kinds in force, in apply order."""
    return _active


def blocks(of: Sequence[AnyKind] | None = None) -> tuple[Block, ...]:
    """The desired-state blocks the kinds read, each once, in the kinds' order."""
    found: list[Block] = []
    for kind in of if of is not None else _active:
        found += [block for block in kind.blocks if block not in found]
    return tuple(found)


def kind_named(name: str) -> AnyKind | None:
    return next((kind for kind in _active if kind.name == name), None)


@contextmanager
def extended(*extra: AnyKind) -> Iterator[None]:
    """Add kinds (after the built-in ones) while the block runs."""
    global _active
    before = _active
    _active = (*before, *extra)
    try:
        yield
    finally:
        _active = before


def load_desired_config(root: Path) -> Declarations:
    """Parse and validate the desired state under `root` in the format of the kinds in force."""
    return load_declarations(root, blocks())


def load_desired_state(root: Path) -> EffectiveState:
    """The effective state of a desired state that needs no GitHub to resolve (no
    organisation targets)."""
    config = load_desired_config(root)
    if config.organizations:
        raise ConfigurationError(
            "this desired state selects repositories from organisations: resolve it against GitHub"
        )
    return resolve_static(config)


def document_model() -> type[BaseModel]:
    """The pydantic model of one desired-state file, for the kinds in force."""
    return document_models(blocks()).document
