"""The sandbox in the foreground: ``reconciler sandbox serve`` and ``python -m reconciler.sandbox``."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from types import FrameType

from .sandbox import Sandbox
from .seed import ORG_LOGIN


def serve(port: int = 0, state_file: Path | None = None, latency_ms: float | None = None) -> None:
    sandbox = Sandbox(state_file, latency_ms=latency_ms, port=port)
    url = sandbox.start()
    stop = threading.Event()

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, on_sigterm)
    where = str(state_file) if state_file is not None else "in memory, not saved"
    print(f"GitHub sandbox listening on {url} (state: {where})", flush=True)
    print(
        "  Any token works, e.g.:\n"
        f"    curl -H 'Authorization: token sandbox' {url}/repos/{ORG_LOGIN}/sovereign-kernel/labels\n"
        f'    Github(base_url="{url}", auth=Auth.Token("sandbox"))  # PyGithub\n'
        f"  Admin: {url}/_sandbox/stats, POST {url}/_sandbox/reset. Ctrl-C to stop.",
        flush=True,
    )
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
        print("GitHub sandbox stopped" + (f"; state saved to {state_file}" if state_file else ""), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m reconciler.sandbox",
        description="Serve a stand-in for GitHub's REST API on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any free port)")
    parser.add_argument("--state", type=Path, default=None, help="JSON file to load and persist the state in")
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=None,
        help="delay before each answer (default: $RECONCILER_SANDBOX_LATENCY_MS or 0)",
    )
    args = parser.parse_args(argv)
    serve(port=args.port, state_file=args.state, latency_ms=args.latency_ms)
