"""Credentials: renewal inside the retry of a 401, one budget per credential, expiry, redaction."""

from __future__ import annotations

import threading

import pytest

from reconciler.errors import AuthenticationError
from reconciler.github.http import Anonymous, Call, StaticToken
from reconciler.redaction import redact
from tests.hostile_server import Exchange, HostileServer, Scenario, answer
from tests.http_support import FakeClock, reader


class Rotating:
    """Like an App installation token: a new one can be minted when GitHub refuses the old."""

    def __init__(self, tokens: list[str]) -> None:
        self._tokens = tokens
        self._lock = threading.Lock()
        self.renewals = 0

    def authorization(self, owner: str) -> str | None:
        with self._lock:
            return f"Bearer {self._tokens[0]}"

    def budget_key(self, owner: str) -> str:
        return f"installation:{owner}"

    def renew(self, owner: str, rejected: str | None) -> bool:
        with self._lock:
            if rejected != f"Bearer {self._tokens[0]}":
                return True  # another thread renewed it already
            if len(self._tokens) == 1:
                return False
            self._tokens.pop(0)
            self.renewals += 1
            return True


def accept_only(token: str) -> Scenario:
    def scenario(exchange: Exchange) -> None:
        if exchange.headers.get("Authorization") == f"Bearer {token}":
            exchange.reply(200, {"login": "app[bot]"})
        else:
            exchange.reply(401, {"message": "Bad credentials"})

    return scenario


def test_an_expired_credential_is_renewed_and_the_request_retried_once(server: HostileServer) -> None:
    server.route("/repos/o/r", accept_only("fresh-installation-token"))
    credentials = Rotating(["expired-installation-token", "fresh-installation-token"])
    clock = FakeClock()
    reply = reader(server.url, clock, credentials=credentials).get("/repos/o/r", Call("read", "o/r"))
    assert reply.body == {"login": "app[bot]"}
    assert credentials.renewals == 1
    assert [r.headers["authorization"] for r in server.requests()] == [
        "Bearer expired-installation-token",
        "Bearer fresh-installation-token",
    ]
    assert clock.sleeps == []


def test_a_renewed_credential_that_is_refused_again_is_an_authentication_error(server: HostileServer) -> None:
    server.route("/repos/o/r", accept_only("never"))
    credentials = Rotating(["first-installation-token", "second-installation-token", "third-installation-token"])
    with pytest.raises(AuthenticationError, match="Bad credentials"):
        reader(server.url, credentials=credentials).get("/repos/o/r", Call("read", "o/r"))
    assert len(server.requests()) == 2, "renewed once, not again and again"


def test_a_static_token_is_not_retried_after_a_401(server: HostileServer) -> None:
    server.route("/repos/o/r", answer(401, {"message": "Bad credentials"}))
    with pytest.raises(AuthenticationError):
        reader(server.url, credentials=StaticToken("static-token-value")).get("/repos/o/r", Call("read", "o/r"))
    assert len(server.requests()) == 1


def test_each_credential_has_its_own_scheduler(server: HostileServer) -> None:
    clock = FakeClock()
    waits = {"a": 0}

    def secondary_once_for_a(exchange: Exchange) -> None:
        if exchange.path.startswith("/repos/a/") and waits["a"] == 0:
            waits["a"] += 1
            exchange.reply(403, {"message": "You have exceeded a secondary rate limit."}, headers={"Retry-After": "50"})
        else:
            exchange.reply(200, {"ok": True})

    server.route("/repos/a/r", secondary_once_for_a)
    server.route("/repos/b/r", secondary_once_for_a)
    github = reader(server.url, clock, credentials=Rotating(["one-token-for-both"]))
    github.get("/repos/a/r", Call("read", "a/r"))
    assert clock.sleeps == [pytest.approx(50.0)]
    session = github.session
    assert session.scheduler("a") is not session.scheduler("b")
    assert session.scheduler("a").speed() == 0.5 and session.scheduler("b").speed() == 1.0


def test_the_token_expiry_github_reports_is_recorded(server: HostileServer) -> None:
    expiry = "2026-12-31 00:00:00 UTC"
    server.route("/user", answer(200, {"login": "me"}, headers={"GitHub-Authentication-Token-Expiration": expiry}))
    github = reader(server.url)
    assert github.session.token_expiration() is None
    github.get("/user", Call("read the user"))
    assert github.session.token_expiration() == expiry
    assert github.session.token_expiration("any-owner") == expiry, "a static token serves every owner"


def test_anonymous_requests_carry_no_authorization(server: HostileServer) -> None:
    server.route("/repos/o/r", answer(200, {"name": "r"}))
    reader(server.url, credentials=Anonymous()).get("/repos/o/r", Call("read", "o/r"))
    assert "authorization" not in server.requests()[0].headers


def test_a_static_token_is_registered_for_redaction_when_made() -> None:
    StaticToken("ghp_freshly_made_token_0123456789")
    assert redact("echo ghp_freshly_made_token_0123456789") == "echo ***"
    assert "ghp_freshly" not in repr(StaticToken("ghp_freshly_made_token_0123456789"))
