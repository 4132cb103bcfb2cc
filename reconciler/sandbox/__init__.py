"""A stateful stand-in for GitHub's REST API, served over real HTTP on 127.0.0.1.

Self-contained on purpose: nothing here imports from the rest of ``reconciler``, so the
sandbox can hold the reconciler to GitHub's contract rather than to its own assumptions.

The public names below load on first use, so ``reconciler.sandbox.location`` (where the
state lives) can be read without loading the server, the seed or PyNaCl.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cli import sandbox_group as sandbox_group
    from .cli import serve as serve
    from .faults import Fault as Fault
    from .sandbox import Sandbox as Sandbox
    from .state import SandboxState as SandboxState
    from .stats import Exchange as Exchange
    from .stats import RequestStats as RequestStats
    from .store import StateFileError as StateFileError

_PUBLIC = {
    "Exchange": ".stats",
    "Fault": ".faults",
    "RequestStats": ".stats",
    "Sandbox": ".sandbox",
    "SandboxState": ".state",
    "StateFileError": ".store",
    "sandbox_group": ".cli",
    "serve": ".cli",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
