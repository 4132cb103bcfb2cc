"""What import needs of the engine, handed in by the command.

The engine and the importer are sibling layers that do not import each other: import resolves
the desired state (to see what other layers declare for a repository) and plans what it
wrote (to say whether `reconciler plan` will be empty), through this port.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from reconciler.desired.state import Declarations, EffectiveState
from reconciler.plan.model import Plan


class Planning(Protocol):
    def resolve(self, config: Declarations, only: Sequence[str]) -> EffectiveState:
        """The effective state of the named repositories (organisation targets matched live)."""
        ...

    def plan(self, state: EffectiveState) -> Plan:
        """The plan for `state`, read through the same reads import made."""
        ...
