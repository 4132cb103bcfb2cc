"""Suite-wide rules: loopback only, and every sandbox exchange held to GitHub's contract."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.github.http import HttpWriter, Limits, RetryPolicy, Session, Settings, StaticToken, SystemClock
from reconciler.redaction import forget_all
from reconciler.sandbox import Exchange, Sandbox
from tests.contract.checker import ContractChecker

# ---------------------------------------------------------------------------------------
# No test touches the internet: a connection anywhere but loopback fails loudly.

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _check_address(sock: socket.socket, address: Any) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    host = address[0]
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise RuntimeError(f"tests may only connect to loopback, not {host!r}")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check_address(self, address)
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check_address(self, address)
    return _real_connect_ex(self, address)


INTEGRATION = Path(__file__).parent / "integration"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything under tests/integration is the slow lane: `pytest -m "not integration"` runs
    the unit, sandbox and contract tests alone, in well under a minute."""
    for item in items:
        if INTEGRATION in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.integration)


def pytest_configure(config: pytest.Config) -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    SystemClock.sleep = _refuse_long_sleep  # type: ignore[method-assign]


# Tests never wait out a real rate limit or backoff: they inject a short policy or a clock.
_real_sleep = SystemClock.sleep


def _refuse_long_sleep(self: SystemClock, seconds: float) -> None:
    if seconds > 0.25:
        raise RuntimeError(f"a test tried to really sleep {seconds:.1f}s: inject a RetryPolicy or a clock")
    _real_sleep(self, seconds)


# ---------------------------------------------------------------------------------------
# Every response any sandbox serves during the run, and every request our client sends to
# it, is validated against GitHub's OpenAPI description. A violation fails the test that
# caused it.


class ContractRecorder:
    def __init__(self) -> None:
        self._checker: ContractChecker | None = None
        self._lock = threading.Lock()
        self.violations: list[str] = []
        self.checked = 0

    def __call__(self, exchange: Exchange) -> None:
        with self._lock:
            if self._checker is None:
                self._checker = ContractChecker.from_file()
            found = self._checker.check(exchange)
            self.checked += 1
            self.violations.extend(found)

    def take(self) -> list[str]:
        with self._lock:
            found, self.violations = self.violations, []
            return found


CONTRACT = ContractRecorder()
_real_start = Sandbox.start


def _observed_start(self: Sandbox) -> str:
    if CONTRACT not in getattr(self, "_observers", []):
        self.add_observer(CONTRACT)
    return _real_start(self)


Sandbox.start = _observed_start  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _fresh_redaction() -> Iterator[None]:
    # A run registers its token and secret values for redaction; in the CLI each run is a new
    # process, so one test's secrets must not redact the next test's output.
    yield
    forget_all()


@pytest.fixture(autouse=True)
def _no_credentials_from_this_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # reconciler asks `gh auth token` when no token is set: a developer's logged-in gh must not
    # lend its token to a test, nor their GitHub App settings. An empty gh configuration is
    # gh logged in nowhere.
    monkeypatch.setenv("GH_CONFIG_DIR", str(tmp_path / "gh-config"))
    for name in (
        "GH_HOST",
        "GH_ENTERPRISE_TOKEN",
        "GITHUB_ENTERPRISE_TOKEN",
        "RECONCILER_APP_ID",
        "RECONCILER_APP_PRIVATE_KEY",
        "RECONCILER_APP_INSTALLATION_ID",
        "GITHUB_APP_ID",
        "GITHUB_APP_PRIVATE_KEY",
        "GITHUB_APP_INSTALLATION_ID",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _private_http_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Runs against "real GitHub" (the sandbox by URL) must not write to the user's cache.
    monkeypatch.setenv("RECONCILER_HTTP_CACHE", str(tmp_path / "http-cache"))


@pytest.fixture(autouse=True)
def _contract_holds(request: pytest.FixtureRequest) -> Iterator[None]:
    CONTRACT.take()
    yield
    if request.node.get_closest_marker("contract_violations_expected"):
        CONTRACT.take()
        return
    violations = CONTRACT.take()
    assert not violations, "GitHub contract violated:\n" + "\n".join(sorted(set(violations))[:20])


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line(f"GitHub contract: {CONTRACT.checked} sandbox exchanges checked")


# ---------------------------------------------------------------------------------------
# Shared fixtures.

FAST_RETRY = RetryPolicy(attempts=4, backoff_base=0.0, backoff_max=0.0, secondary_wait=0.0, max_wait=5.0)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    with Sandbox(tmp_path / "sandbox-state.json") as running:
        yield running


# No pacing and no rate windows, as a GitHub Enterprise Server without rate limiting: tests
# that reach the sandbox "like real GitHub" retry injected failures many times over, and must
# never really wait out a window for it. The scheduler's limits have tests of their own, on a
# fake clock.
TEST_LIMITS = Limits.none()


def github_session(url: str, token: str = "test-token", **overrides: Any) -> Session:
    """A session as a command makes one, with quick retries and no write spacing."""
    options: dict[str, Any] = {"limits": TEST_LIMITS, "retry": FAST_RETRY, "environ": {}}
    options.update(overrides)
    return Session(Settings(url, StaticToken(token), **options))


@pytest.fixture
def github(sandbox: Sandbox) -> Iterator[HttpWriter]:
    """The generic port on the sandbox, reads and writes."""
    session = github_session(sandbox.url)
    yield HttpWriter(session)
    session.close()
