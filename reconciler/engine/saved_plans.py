"""Saved plans: reading one back, and refusing it once it no longer describes the world.

`reconciler plan --out plan.json` saves the plan; `reconciler apply plan.json` applies exactly
that plan, after checking that neither the desired state nor the live objects it touches
changed since. Secret values are never in a plan, and neither is the token.
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from urllib.parse import urlparse

from pydantic import ValidationError

from reconciler import __version__
from reconciler.desired.loader import digest_inputs
from reconciler.engine.freshness import Scope, stale_objects, touched_scope
from reconciler.engine.planning import plan_declared
from reconciler.errors import ConfigurationError, ReconcilerError, StalePlanError
from reconciler.github.port import GitHubReader
from reconciler.kinds.registry import load_desired_config
from reconciler.plan.model import PLAN_FORMAT_VERSION, Plan
from reconciler.plan.settings import PlanSettings

SAVED_PLAN_SUFFIX = ".json"
# Stale objects named in the message; the rest are counted.
_NAMED = 5


def is_saved_plan(path: Path) -> bool:
    """A `.json` argument to apply is a saved plan; desired state is YAML."""
    return path.suffix.lower() == SAVED_PLAN_SUFFIX


def load_saved_plan(path: Path) -> Plan:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigurationError(f"no saved plan at {path}: make one with reconciler plan --out {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read the saved plan {path}: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigurationError(f"{path} is not a reconciler plan: not JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(data, dict) or "format_version" not in data:
        raise ConfigurationError(f"{path} is not a reconciler plan: it has no format_version")
    version = data["format_version"]
    if version == 1:
        raise ConfigurationError(
            f"{path} was made by an earlier reconciler (plan format 1, before reason codes); its changes "
            f"cannot be read back exactly. Make the plan again: reconciler plan --out {path}"
        )
    if version == 2:
        raise ConfigurationError(
            f"{path} was made by an earlier reconciler (plan format 2, before unchanged objects were counted "
            f"and apply's cost estimated). Make the plan again: reconciler plan --out {path}"
        )
    if version != PLAN_FORMAT_VERSION:
        raise ConfigurationError(
            f"{path} is a plan of format version {version!r}; reconciler {__version__} reads version "
            f"{PLAN_FORMAT_VERSION} only. Make the plan again with this version (reconciler plan --out {path})."
        )
    try:
        return Plan.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "top level"
        raise ConfigurationError(f"{path} is not a valid reconciler plan: {where}: {first['msg']}") from None


def _loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def same_api(planned: str, current: str) -> bool:
    # The sandbox listens on a new port each run: any two loopback URLs are the same sandbox.
    return planned.rstrip("/") == current.rstrip("/") or (_loopback(planned) and _loopback(current))


def _remedy(path: Path) -> str:
    return f"Nothing was applied. Make a new plan (reconciler plan --out {path}), or re-plan and apply with --refresh."


def ensure_current(plan: Plan, path: Path, reader: GitHubReader) -> Scope:
    """Raise StalePlanError unless the plan still holds; return what was re-read."""
    if not same_api(plan.github_url, reader.api_url):
        raise ConfigurationError(
            f"{path} was planned against {plan.github_url}, not {reader.api_url}: apply it with the same --github-url"
        )
    if plan.desired_path is None:
        raise ConfigurationError(
            f"{path} does not say which desired state it was made from, so it cannot be checked. {_remedy(path)}"
        )
    root = Path(plan.desired_path)
    if not root.exists():
        raise StalePlanError(f"stale plan: its desired state, {root}, is gone. {_remedy(path)}")
    changed = StalePlanError(f"stale plan: the desired state in {root} changed since the plan. {_remedy(path)}")
    if digest_inputs(root) != plan.desired_digest:
        raise changed
    scope = touched_scope(plan)
    if not scope:
        return scope
    config = load_desired_config(root)
    if config.digest != plan.desired_digest:
        # Edited between the check above and this load: what would be planned is not what was.
        raise changed
    # Unchanged objects listed, as the saved plan lists those of each kind it changes.
    settings = PlanSettings(rotate_secrets=plan.rotate_secrets, keep_unchanged=True)
    # An organisation's objects (a scope key that is not owner/name) are planned from every
    # repository that needs them: resolve what the plan covered, the whole desired state unless
    # it was partial, and read only the scope.
    shared = any("/" not in key for key in scope)
    repos = (plan.repositories if plan.partial else ()) if shared else tuple(scope)
    fresh = plan_declared(config, reader, settings, repos=repos, scope=scope).plan
    if fresh.failures:
        failure = fresh.failures[0]
        raise ReconcilerError(
            f"cannot tell whether {path} is still current: {failure.repository} could not be read: {failure.error}"
        )
    stale = stale_objects(plan, fresh.changes, scope)
    if stale:
        named = "; ".join(stale[:_NAMED])
        more = f"; and {len(stale) - _NAMED} more" if len(stale) > _NAMED else ""
        raise StalePlanError(f"stale plan: {named}{more}. {_remedy(path)}")
    return scope
