"""A stateful stand-in for GitHub's REST API, served over real HTTP on 127.0.0.1.

Self-contained on purpose: nothing here imports from the rest of ``reconciler``, so the
sandbox can hold the reconciler to GitHub's contract rather than to its own assumptions.
"""

from __future__ import annotations

from .cli import serve
from .faults import Fault
from .fleet import FleetSpec
from .sandbox import Sandbox
from .secondary_limits import SecondaryLimits
from .state import SandboxState
from .stats import Exchange, RequestStats

__all__ = ["Exchange", "Fault", "FleetSpec", "RequestStats", "Sandbox", "SandboxState", "SecondaryLimits", "serve"]
