"""The sandbox in the foreground (``serve``), with the secondary limits it enforces.

``reconciler sandbox serve`` and ``python -m reconciler.sandbox`` both end here (see ``cli``).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import FrameType

from .sandbox import Sandbox
from .secondary_limits import SecondaryLimits
from .seed import ORG_LOGIN


def secondary_limits_from(
    enabled: bool = True, scale: float = 1.0, overrides: Mapping[str, int] | None = None
) -> SecondaryLimits | None:
    """GitHub's secondary limits, times ``scale``, with ``overrides`` by name; None when off."""
    if not enabled:
        return None
    limits = SecondaryLimits().scaled(scale) if scale != 1.0 else SecondaryLimits()
    unknown = sorted(set(overrides or {}) - set(SecondaryLimits.names()))
    if unknown:
        raise ValueError(f"unknown secondary limit {', '.join(unknown)}; known: {', '.join(SecondaryLimits.names())}")
    return replace(limits, **dict(overrides or {}))


def parse_limit_settings(settings: Sequence[str]) -> dict[str, int]:
    """``["content_per_minute=5", ...]`` as a mapping, for ``--secondary-limit``."""
    parsed: dict[str, int] = {}
    for setting in settings:
        name, sep, value = setting.partition("=")
        if not sep or not value.strip().isdigit():
            raise ValueError(f"--secondary-limit wants NAME=NUMBER, got {setting!r}")
        parsed[name.strip()] = int(value)
    return parsed


def describe_limits(limits: SecondaryLimits | None) -> str:
    if limits is None:
        return "secondary rate limits: off"
    return (
        f"secondary rate limits: {limits.rest_points_per_minute} REST points/min, "
        f"{limits.content_per_minute} creations/min and {limits.content_per_hour}/h, "
        f"{limits.concurrent_requests} concurrent requests"
    )


def serve(
    port: int = 0,
    state_file: Path | None = None,
    latency_ms: float | None = None,
    *,
    secondary_limits: bool = True,
    secondary_scale: float = 1.0,
    secondary_limit_settings: Sequence[str] = (),
) -> None:
    """Run until SIGTERM or Ctrl-C. GitHub's secondary limits are on unless switched off;
    ``secondary_limit_settings`` are ``NAME=N`` strings. A bad setting raises ValueError
    before anything listens."""
    overrides = parse_limit_settings(secondary_limit_settings)
    limits = secondary_limits_from(secondary_limits, secondary_scale, overrides)
    sandbox = Sandbox(state_file, latency_ms=latency_ms, port=port, secondary_limits=limits)
    url = sandbox.start()
    stop = threading.Event()

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, on_sigterm)
    where = str(state_file) if state_file is not None else "in memory, not saved"
    print(f"GitHub sandbox listening on {url} (state: {where})", flush=True)
    print(
        "  Any token works, as the sandbox's operator (see `reconciler sandbox grant`), e.g.:\n"
        f"    curl -H 'Authorization: token sandbox' {url}/repos/{ORG_LOGIN}/sovereign-kernel/labels\n"
        f'    Github(base_url="{url}", auth=Auth.Token("sandbox"))  # PyGithub\n'
        f"  {describe_limits(limits)} (--no-secondary-limits to turn them off)\n"
        f"  GitHub App: `reconciler sandbox app` prints its id and writes its key (same --state);\n"
        f'  the clock: POST {url}/_sandbox/clock {{"advance_seconds": 3700}}.\n'
        f"  Admin: {url}/_sandbox/stats, POST {url}/_sandbox/reset. Ctrl-C to stop.",
        flush=True,
    )
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.close()
        print("GitHub sandbox stopped" + (f"; state saved to {state_file}" if state_file else ""), flush=True)
