"""``/_sandbox/...``: drive a standalone sandbox from outside (no auth, not counted)."""

from __future__ import annotations

import json
from typing import Any, Protocol

from . import clock
from .faults import Fault
from .fleet import FleetSpec
from .pipeline import RawRequest
from .state import SandboxState
from .stats import RequestStats
from .workflows import WorkflowRun

HELP = {
    "GET /_sandbox/stats": "request counters",
    "POST /_sandbox/reset": 'back to the seed; body {"seed": false} for an empty world',
    "GET /_sandbox/faults": "faults still queued",
    "POST /_sandbox/faults": "queue a fault: {method, path_pattern, status, times?, body?, headers?}",
    "DELETE /_sandbox/faults": "drop all queued faults",
    "POST /_sandbox/rate-limit": "{remaining, reset_epoch?, limit?}",
    "GET /_sandbox/state": "the whole state as JSON",
    "POST /_sandbox/seed-fleet": (
        "{organization, count, prefix?, private?, topics?, workflow?}: add COUNT repositories with "
        "default labels, a README and a CI workflow, at once"
    ),
    "GET /_sandbox/secondary-limits": "the secondary limits in force and what each token spent",
    "GET /_sandbox/clock": "the sandbox's now (epoch seconds and ISO 8601) and how far it was moved",
    "POST /_sandbox/clock": '{"advance_seconds": N} or {"set": EPOCH}: move the clock forward',
    "POST /_sandbox/runs": (
        "{repository: OWNER/NAME, workflow: ID or file name, conclusion?, status?, event?, branch?, "
        "duration_seconds?, title?}: record a workflow run that ends now"
    ),
}


class AdminTarget(Protocol):
    state: SandboxState
    stats: RequestStats

    def snapshot(self) -> dict[str, Any]: ...

    def reset(self, *, seed: bool = True) -> None: ...

    def inject_fault(self, fault: Fault, /) -> None: ...

    def set_rate_limit(self, *, remaining: int, reset_epoch: int | None = None, limit: int = 5000) -> None: ...

    def pending_faults(self) -> list[dict[str, Any]]: ...

    def clear_faults(self) -> None: ...

    def seed_fleet(self, spec: FleetSpec) -> list[str]: ...

    def secondary_usage(self) -> dict[str, Any]: ...

    def read_clock(self) -> tuple[float, float]: ...

    def advance_clock(self, seconds: float) -> float: ...

    def set_clock(self, epoch: float) -> float: ...

    def record_run(
        self,
        repository: str,
        workflow: str | int,
        *,
        conclusion: str | None = "success",
        status: str = "completed",
        event: str = "workflow_dispatch",
        branch: str | None = None,
        duration_seconds: int = 300,
        title: str | None = None,
    ) -> WorkflowRun: ...


class _BadRequest(Exception):
    pass


def _object(request: RawRequest) -> dict[str, Any]:
    if not request.body.strip():
        return {}
    try:
        data = json.loads(request.body)
    except ValueError as exc:
        raise _BadRequest("body is not valid JSON") from exc
    if not isinstance(data, dict):
        raise _BadRequest("body must be a JSON object")
    return data


def _int(data: dict[str, Any], key: str, default: int | None = None) -> int | None:
    value = data.get(key, default)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise _BadRequest(f"{key} must be an integer")
    return value


def handle_admin(target: AdminTarget, request: RawRequest) -> tuple[int, Any]:
    route = f"{request.method} {request.path.rstrip('/')}"
    try:
        if route in ("GET /_sandbox", "GET /_sandbox/help"):
            return 200, HELP
        if route == "GET /_sandbox/stats":
            return 200, target.stats.snapshot()
        if route == "GET /_sandbox/state":
            return 200, target.snapshot()
        if route == "POST /_sandbox/reset":
            seed = _object(request).get("seed", True)
            target.reset(seed=bool(seed))
            return 200, {"reset": True, "seed": bool(seed)}
        if route == "GET /_sandbox/faults":
            return 200, target.pending_faults()
        if route == "DELETE /_sandbox/faults":
            target.clear_faults()
            return 204, None
        if route == "POST /_sandbox/faults":
            data = _object(request)
            if not isinstance(data.get("path_pattern"), str) or not isinstance(data.get("method"), str):
                raise _BadRequest("method and path_pattern are required strings")
            status = _int(data, "status")
            if status is None:
                raise _BadRequest("status is required")
            body, headers = data.get("body"), data.get("headers")
            if body is not None and not isinstance(body, dict):
                raise _BadRequest("body must be an object")
            if headers is not None and not isinstance(headers, dict):
                raise _BadRequest("headers must be an object")
            target.inject_fault(
                Fault(
                    method=data["method"],
                    path_pattern=data["path_pattern"],
                    status=status,
                    times=_int(data, "times", 1) or 1,
                    body=body,
                    headers={str(k): str(v) for k, v in (headers or {}).items()},
                )
            )
            return 201, {"queued": target.pending_faults()}
        if route == "POST /_sandbox/seed-fleet":
            return 201, _seed_fleet(target, _object(request))
        if route == "GET /_sandbox/secondary-limits":
            return 200, target.secondary_usage() or {"enforced": False}
        if route == "GET /_sandbox/clock":
            return 200, _clock(target)
        if route == "POST /_sandbox/clock":
            _move_clock(target, _object(request))
            return 200, _clock(target)
        if route == "POST /_sandbox/runs":
            return 201, _record_run(target, _object(request), request.base_url)
        if route == "POST /_sandbox/rate-limit":
            data = _object(request)
            remaining = _int(data, "remaining")
            if remaining is None:
                raise _BadRequest("remaining is required")
            target.set_rate_limit(
                remaining=remaining,
                reset_epoch=_int(data, "reset_epoch"),
                limit=_int(data, "limit", 5000) or 5000,
            )
            return 200, {"remaining": remaining}
    except (_BadRequest, ValueError) as exc:
        return 400, {"message": str(exc)}
    return 404, {"message": "Not Found", "endpoints": HELP}


def _seed_fleet(target: AdminTarget, data: dict[str, Any]) -> dict[str, Any]:
    organization, count = data.get("organization"), _int(data, "count")
    if not isinstance(organization, str) or count is None:
        raise _BadRequest("organization (a string) and count (an integer) are required")
    topics = data.get("topics", [])
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise _BadRequest("topics must be a list of strings")
    flags = {key: data.get(key, default) for key, default in (("private", False), ("workflow", True))}
    if not all(isinstance(value, bool) for value in flags.values()):
        raise _BadRequest("private and workflow must be booleans")
    prefix = data.get("prefix", "repo")
    if not isinstance(prefix, str):
        raise _BadRequest("prefix must be a string")
    spec = FleetSpec(
        organization=organization,
        count=count,
        prefix=prefix,
        private=flags["private"],
        topics=tuple(topics),
        workflow=flags["workflow"],
    )
    names = target.seed_fleet(spec)
    return {"organization": organization, "created": len(names), "first": names[0], "last": names[-1]}


def _clock(target: AdminTarget) -> dict[str, Any]:
    now, offset = target.read_clock()
    return {"now": int(now), "iso": clock.iso(now), "advanced_seconds": round(offset, 3)}


def _move_clock(target: AdminTarget, data: dict[str, Any]) -> None:
    advance, moment = data.get("advance_seconds"), data.get("set")
    if (advance is None) == (moment is None):
        raise _BadRequest("give advance_seconds or set (an epoch), not both")
    for value in (advance, moment):
        if value is not None and (not isinstance(value, int | float) or isinstance(value, bool)):
            raise _BadRequest("advance_seconds and set are numbers of seconds")
    if advance is not None:
        target.advance_clock(float(advance))
    elif moment is not None:
        target.set_clock(float(moment))


def _record_run(target: AdminTarget, data: dict[str, Any], base_url: str) -> dict[str, Any]:
    repository, workflow = data.get("repository"), data.get("workflow")
    if not isinstance(repository, str) or not isinstance(workflow, str | int) or isinstance(workflow, bool):
        raise _BadRequest("repository (OWNER/NAME) and workflow (an id or a file name) are required")
    texts = {key: data.get(key) for key in ("conclusion", "event", "branch", "title")}
    if not all(value is None or isinstance(value, str) for value in texts.values()):
        raise _BadRequest("conclusion, event, branch and title are strings")
    status = data.get("status", "completed")
    if not isinstance(status, str):
        raise _BadRequest("status is a string")
    run = target.record_run(
        repository,
        workflow,
        conclusion=texts["conclusion"] or ("success" if status == "completed" else None),
        status=status,
        event=texts["event"] or "workflow_dispatch",
        branch=texts["branch"],
        duration_seconds=_int(data, "duration_seconds", 300) or 0,
        title=texts["title"],
    )
    return {
        "id": run.id,
        "run_number": run.run_number,
        "status": run.status,
        "conclusion": run.conclusion,
        "created_at": run.created_at,
        "html_url": f"{base_url}/{repository}/actions/runs/{run.id}",
    }
