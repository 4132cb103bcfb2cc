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
    from .faults import Fault as Fault
    from .fleet import FleetSpec as FleetSpec
    from .operations import AppCredentials as AppCredentials
    from .sandbox import Sandbox as Sandbox
    from .secondary_limits import SecondaryLimits as SecondaryLimits
    from .serving import serve as serve
    from .state import SandboxState as SandboxState
    from .stats import Exchange as Exchange
    from .stats import RequestStats as RequestStats
    from .store import StateFileError as StateFileError

_PUBLIC = {
    "AppCredentials": ".operations",
    "Exchange": ".stats",
    "Fault": ".faults",
    "FleetSpec": ".fleet",
    "RequestStats": ".stats",
    "Sandbox": ".sandbox",
    "SandboxState": ".state",
    "SecondaryLimits": ".secondary_limits",
    "StateFileError": ".store",
    "sandbox_group": ".cli",
    "serve": ".serving",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
