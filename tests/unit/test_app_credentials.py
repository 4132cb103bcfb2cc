"""A GitHub App's installation tokens over time, on a clock the test moves: one lookup per
owner, a token reused until it nears its hour, one renewal however many requests were refused
together, and JWT times that follow GitHub's Date header."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from email.utils import formatdate

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from reconciler.errors import AuthenticationError, ConfigurationError
from reconciler.github.http.app_api import AppIdentity, InstallationInfo, MintedToken
from reconciler.github.http.app_credentials import RENEW_BEFORE, AppCredentials
from reconciler.github.http.app_jwt import ServerClock, read_private_key
from reconciler.github.http.app_sources import AppSources
from reconciler.redaction import redact

HOUR = 3600.0


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.value = now

    def now(self) -> float:
        return self.value

    def sleep(self, seconds: float) -> None:
        self.value += seconds


class FakeApi:
    """The App's side of GitHub: installations by owner, tokens that last an hour of its clock."""

    app_id = "12345"
    sources = AppSources()

    def __init__(self, clock: FakeClock, installed: Mapping[str, int]) -> None:
        self.clock = clock
        self.installed = dict(installed)
        self.lookups: list[str] = []
        self.minted: list[int] = []
        self.lock = threading.Lock()

    def identity(self) -> AppIdentity:
        return AppIdentity("our-app", "https://github.com/apps/our-app")

    def find_installation(self, owner: str) -> InstallationInfo | None:
        with self.lock:
            self.lookups.append(owner)
        number = self.installed.get(owner)
        return InstallationInfo(number, owner) if number is not None else None

    def installations(self) -> list[InstallationInfo]:
        return [InstallationInfo(n, owner) for owner, n in self.installed.items()]

    def mint(self, installation_id: int) -> MintedToken:
        with self.lock:
            self.minted.append(installation_id)
            count = len(self.minted)
        return MintedToken(f"ghs_token{count:04d}xyz", self.clock.now() + HOUR, {"issues": "write"})

    def close(self) -> None:
        pass


def app(clock: FakeClock, installed: Mapping[str, int], **options: int) -> tuple[AppCredentials, FakeApi]:
    api = FakeApi(clock, installed)
    return AppCredentials(api, ServerClock(clock), **options), api  # type: ignore[arg-type]


def test_a_token_serves_until_it_nears_its_hour_then_a_new_one_is_minted() -> None:
    clock = FakeClock()
    credentials, api = app(clock, {"octo": 7})

    first = credentials.authorization("octo")
    clock.value += HOUR - RENEW_BEFORE - 1
    assert credentials.authorization("octo") == first and api.minted == [7]
    clock.value += 2
    renewed = credentials.authorization("octo")

    assert renewed != first and api.minted == [7, 7]
    assert api.lookups == ["octo"]


def test_many_requests_refused_at_once_renew_the_token_once() -> None:
    credentials, api = app(FakeClock(), {"octo": 7})
    rejected = credentials.authorization("octo")
    start = threading.Barrier(16)
    results: list[bool] = []

    def refused() -> None:
        start.wait()
        results.append(credentials.renew("octo", rejected))

    threads = [threading.Thread(target=refused) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [True] * 16
    assert len(api.minted) == 2 and credentials.authorization("octo") != rejected


def test_each_owner_has_its_own_installation_token_and_budget() -> None:
    credentials, api = app(FakeClock(), {"octo": 7, "maya": 8})

    assert credentials.authorization("octo") != credentials.authorization("maya")
    assert credentials.budget_key("octo") != credentials.budget_key("maya")
    assert credentials.budget_key("OCTO") == credentials.budget_key("octo")
    assert sorted(api.minted) == [7, 8] and sorted(api.lookups) == ["maya", "octo"]
    assert credentials.describe() == "GitHub App 12345, installation 7 for octo, installation 8 for maya"


def test_requests_about_no_owner_use_the_first_owner_of_the_desired_state() -> None:
    credentials, _ = app(FakeClock(), {"octo": 7, "maya": 8})
    credentials.expect(["", "maya", "octo", "MAYA"])
    credentials.expect(["octo"])  # a later call names no new first owner

    assert credentials.budget_key("") == credentials.budget_key("maya") != credentials.budget_key("octo")


def test_without_owners_a_single_installation_is_used_and_several_need_naming() -> None:
    single, _ = app(FakeClock(), {"octo": 7})
    assert single.budget_key("") == single.budget_key("octo")
    several, _ = app(FakeClock(), {"octo": 7, "maya": 8})
    with pytest.raises(ConfigurationError, match=r"has 2 installations.*--app-installation-id"):
        several.authorization("")


def test_an_owner_without_the_app_is_named_with_the_install_link_and_not_looked_up_again() -> None:
    credentials, api = app(FakeClock(), {"octo": 7})

    for _ in range(3):
        with pytest.raises(AuthenticationError) as refused:
            credentials.authorization("stranger")
        assert "is not installed on stranger" in str(refused.value)
        assert "https://github.com/apps/our-app/installations/new" in str(refused.value)
    assert api.lookups == ["stranger"]


def test_a_named_installation_serves_every_owner_without_a_lookup() -> None:
    credentials, api = app(FakeClock(), {"octo": 7}, installation_id=42)

    assert credentials.authorization("octo") == credentials.authorization("anyone")
    assert api.lookups == [] and api.minted == [42]
    assert credentials.describe() == "GitHub App 12345, installation 42"


def test_githubs_clock_is_learnt_from_its_date_header() -> None:
    clock = FakeClock()
    server = ServerClock(clock)

    assert not server.learn(formatdate(clock.now() + 1, usegmt=True))  # a second's rounding
    assert server.learn(formatdate(clock.now() + 7200, usegmt=True))
    assert abs(server.now() - (clock.now() + 7200)) < 1.5
    assert not server.learn("not a date") and not server.learn(None)


def _pem(form: serialization.PrivateFormat) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, form, serialization.NoEncryption()).decode()


def test_a_key_pasted_with_escaped_line_breaks_is_read_and_registered_for_redaction() -> None:
    pem = _pem(serialization.PrivateFormat.TraditionalOpenSSL)
    pasted = pem.strip().replace("\n", "\\n")

    assert read_private_key(pasted, "RECONCILER_APP_PRIVATE_KEY") == pem.strip() + "\n"
    line = pem.splitlines()[5]
    assert redact(f"the server said {line}") == "the server said ***"


def test_something_else_than_a_key_is_refused_without_quoting_it() -> None:
    text = "-----BEGIN RSA PRIVATE KEY-----\nnot-a-key-but-secret-looking-text\n-----END RSA PRIVATE KEY-----"

    with pytest.raises(ConfigurationError) as refused:
        read_private_key(text, "key.pem")

    assert "key.pem" in str(refused.value) and "not a PEM private key" in str(refused.value)
    assert "not-a-key-but-secret-looking-text" not in str(refused.value)
