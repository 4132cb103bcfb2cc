"""The few requests a GitHub App makes as itself, with its JWT: who it is, where it is
installed, and installation tokens.

They go straight to the transport, outside the schedulers: GitHub does not count them against
an installation's budget, and a run makes a handful (one lookup per owner, one token an hour
per installation). Each answer's `Date` header corrects the JWT's clock; a JWT refused as
expired or not yet valid is signed again once with the corrected time. Every refusal becomes
an error that says what is wrong and what to do, and names no secret.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from reconciler.errors import GitHubAppError, GitHubError, TransportError, UnexpectedResponseError
from reconciler.github.http.app_jwt import AppJwt, ServerClock
from reconciler.github.http.app_sources import AppSources
from reconciler.github.http.limits import RetryPolicy
from reconciler.github.http.session import JSON_MEDIA_TYPE, github_headers
from reconciler.github.http.transport import BadAnswer, NetworkFailure, RawResponse, Transport
from reconciler.github.port import Call, Clock
from reconciler.redaction import redact, register

# GitHub's words when the JWT's times do not fit its clock (see docs/github-api-notes).
_CLOCK_WORDS = ("'exp'", "'iat'", "expiration time", "issued at")
_UNDECODABLE_WORDS = ("could not be decoded",)
_UNKNOWN_APP = "integration not found"
MAX_MESSAGE = 300


@dataclass(frozen=True)
class AppIdentity:
    slug: str
    html_url: str  # the App's page; installing it is `{html_url}/installations/new`


@dataclass(frozen=True)
class InstallationInfo:
    id: int
    account: str


@dataclass(frozen=True)
class MintedToken:
    token: str = field(repr=False)
    expires_at: float  # GitHub's time, epoch seconds
    permissions: Mapping[str, str]


def _message(raw: RawResponse) -> str:
    try:
        data = json.loads(raw.body)
    except (ValueError, RecursionError):
        return redact(" ".join(raw.body.decode("utf-8", "replace").split())[:200]) or f"HTTP {raw.status}"
    text = str(data.get("message") or "") if isinstance(data, dict) else ""
    return redact(text[:MAX_MESSAGE]) or f"HTTP {raw.status}"


class AppApi:
    def __init__(
        self,
        base_url: str,
        jwt: AppJwt,
        server_clock: ServerClock,
        transport: Transport,
        *,
        clock: Clock,
        retry: RetryPolicy,
        sources: AppSources | None = None,
    ) -> None:
        self.sources = sources or AppSources()
        self._base_url = base_url
        self._jwt = jwt
        self._server_clock = server_clock
        self._transport = transport
        self._clock = clock
        self._retry = retry
        self._identity: AppIdentity | None = None

    @property
    def app_id(self) -> str:
        return self._jwt.app_id

    def close(self) -> None:
        self._transport.close()

    # -- what the App asks --------------------------------------------------------------------

    def identity(self) -> AppIdentity:
        if self._identity is None:
            call = Call("read the GitHub App")
            raw = self._request("GET", "/app", call)
            data = self._json(raw, call, "GET /app")
            slug, page = data.get("slug"), data.get("html_url")
            if not isinstance(slug, str) or not isinstance(page, str):
                raise UnexpectedResponseError("GET /app", "an App without slug or html_url", call)
            self._identity = AppIdentity(slug, page.rstrip("/"))
        return self._identity

    def find_installation(self, owner: str) -> InstallationInfo | None:
        """The App's installation on `owner` (an organisation or a user); None where it has none."""
        call = Call(f"find the GitHub App's installation on {owner}", owner)
        for path in (f"/orgs/{owner}/installation", f"/users/{owner}/installation"):
            raw = self._request("GET", path, call)
            if raw.status == 404:  # not installed there (`_request` raised for an unknown App)
                continue
            return self._installation(self._json(raw, call, f"GET {path}"), call, f"GET {path}")
        return None

    def installations(self) -> list[InstallationInfo]:
        """The App's installations (the first hundred: enough to tell one from several)."""
        call = Call("list the GitHub App's installations")
        raw = self._request("GET", "/app/installations?per_page=100", call)
        data = self._json(raw, call, "GET /app/installations", expect=list)
        return [self._installation(item, call, "GET /app/installations") for item in data]

    def mint(self, installation_id: int) -> MintedToken:
        call = Call(f"make an installation token for installation {installation_id}")
        endpoint = f"POST /app/installations/{installation_id}/access_tokens"
        raw = self._request("POST", f"/app/installations/{installation_id}/access_tokens", call)
        if raw.status == 404:
            raise GitHubAppError(
                f"GitHub App {self.app_id} has no installation {installation_id}: check "
                f"{self.sources.installation_id}, or leave it out to find the installation by the repositories' owner",
                status=404,
                operation=call.operation,
            )
        data = self._json(raw, call, endpoint)
        token, expires = data.get("token"), data.get("expires_at")
        if not isinstance(token, str) or not token or not isinstance(expires, str):
            raise UnexpectedResponseError(endpoint, "no token or expires_at in the answer", call)
        register(token)
        try:
            expires_at = datetime.fromisoformat(expires.replace("Z", "+00:00")).timestamp()
        except ValueError:
            raise UnexpectedResponseError(endpoint, "expires_at is not a time", call) from None
        permissions = data.get("permissions")
        granted = {str(k): str(v) for k, v in permissions.items()} if isinstance(permissions, dict) else {}
        return MintedToken(token, expires_at, granted)

    # -- the exchange -------------------------------------------------------------------------

    def _request(self, method: str, path: str, call: Call) -> RawResponse:
        """Send with a fresh JWT; 2xx and 404 come back, anything else is raised as an error
        that says what to do. Retries: network failures and 5xx with backoff, and one JWT
        refused for its times once GitHub's Date header has corrected the clock."""
        endpoint = f"{method} {path.split('?')[0]}"
        url = self._base_url + path
        body = b"{}" if method == "POST" else None
        attempt, corrected = 0, False
        while True:
            attempt += 1
            # A fresh JWT each attempt: a retry after the clock was corrected must carry new times.
            headers = github_headers(JSON_MEDIA_TYPE, f"Bearer {self._jwt.make()}", json_body=body is not None)
            try:
                raw = self._transport.send(method, url, headers, body)
            except BadAnswer as exc:
                raise UnexpectedResponseError(endpoint, redact(str(exc)), call) from None
            except NetworkFailure as exc:
                # Looking up or minting twice does no harm: every request here may be repeated.
                if attempt >= self._retry.attempts:
                    message = redact(str(exc))
                    raise TransportError(message, operation=call.operation, repository=call.repository) from None
                self._clock.sleep(self._retry.backoff(attempt))
                continue
            moved = self._server_clock.learn(raw.headers.get("date"))
            if 200 <= raw.status < 300:
                return raw
            message = _message(raw)
            if raw.status == 404 and _UNKNOWN_APP not in message.lower():
                return raw
            if raw.status == 401 and _about_time(message) and moved and not corrected:
                corrected = True
                continue
            if raw.status >= 500 and attempt < self._retry.attempts:
                self._clock.sleep(self._retry.backoff(attempt))
                continue
            raise self._refused(raw.status, message, call)

    def _refused(self, status: int, message: str, call: Call) -> GitHubError:
        app = f"GitHub App {self.app_id}"
        context: dict[str, Any] = {"status": status, "operation": call.operation, "repository": call.repository}
        lowered = message.lower()
        if status == 404:
            return GitHubAppError(
                f"GitHub knows no App {self.app_id} ({message}): {self.sources.app_id} must be the App's "
                "ID or client ID, as its settings page shows them",
                **context,
            )
        if status == 401 and any(words in lowered for words in _UNDECODABLE_WORDS):
            return GitHubAppError(
                f"GitHub refused {app}'s JWT ({message}): it is not signed with a private key of that App. Check "
                "that --app-id is the App's ID or client ID, and that the key is one the App's settings still list "
                f"under Private keys (generate a new one there if not); give it with --app-private-key FILE or "
                f"{self.sources.key_variable} (the key refused came from {self.sources.private_key})",
                **context,
            )
        if status == 401 and _about_time(message):
            skew = self._server_clock.offset
            return GitHubAppError(
                f"GitHub refused {app}'s JWT as expired or not yet valid ({message}): GitHub's clock and this "
                f"machine's disagree by more than its Date header let reconciler correct (correction in use: "
                f"{skew:+.0f} s). Set this machine's clock right (NTP) and run again",
                **context,
            )
        if status == 401:
            return GitHubAppError(f"GitHub refused {app}'s JWT: {message}", **context)
        if status == 403:
            return GitHubAppError(
                f"GitHub refused {app}: {message}. An installation that is suspended must be unsuspended in the "
                "account's settings (GitHub Apps → Configure)",
                **context,
            )
        return GitHubError(f"{app}: {message}", **context)

    def _json(self, raw: RawResponse, call: Call, endpoint: str, *, expect: type = dict) -> Any:
        try:
            data = json.loads(raw.body)
        except (ValueError, RecursionError):
            raise UnexpectedResponseError(endpoint, "not JSON", call, status=raw.status) from None
        if not isinstance(data, expect):
            raise UnexpectedResponseError(endpoint, f"not a JSON {expect.__name__}", call, status=raw.status)
        return data

    def _installation(self, data: Any, call: Call, endpoint: str) -> InstallationInfo:
        account = data.get("account") if isinstance(data, dict) else None
        login = account.get("login") if isinstance(account, dict) else None
        number = data.get("id") if isinstance(data, dict) else None
        if not isinstance(number, int) or isinstance(number, bool) or not isinstance(login, str):
            raise UnexpectedResponseError(endpoint, "an installation without id or account", call)
        return InstallationInfo(number, login)


def _about_time(message: str) -> bool:
    lowered = message.lower()
    return any(words in lowered for words in _CLOCK_WORDS)
