"""A GitHub App's private key, GitHub's clock as this machine sees it, and the JWT they make.

GitHub checks an App's JWT against its own clock: `iat` may not be in the future, `exp` must
be in the future and at most ten minutes ahead. A machine whose clock is off by more than a
few minutes (a laptop after sleep, a container with a frozen clock, the sandbox's movable
clock) would sign JWTs GitHub refuses, so the time they carry is this machine's clock
corrected by the offset GitHub's `Date` header shows, as octokit does. `iat` is a minute back,
as GitHub asks, and `exp` nine minutes ahead: under the limit even with a second of error in
the correction.

The JWT is signed by PyGithub's signer (`AppAuth.create_jwt_sign`, PyJWT underneath) with
claims of our own: `AppAuth.create_jwt` reads `time.time()` itself and caps `exp` at ten
minutes from it, so it cannot carry a corrected time. PyGithub is imported when the first JWT
is signed, never when reconciler starts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

from reconciler.errors import ConfigurationError
from reconciler.github.port import Clock
from reconciler.redaction import register

ISSUED_BACK = 60
EXPIRES_AHEAD = 540
# A Date header closer than this to what we already believe is a second's rounding, not skew.
SKEW_TOLERANCE = 2.0


def read_private_key(text: str, source: str) -> str:
    """The PEM text of an RSA private key, registered for redaction; a ConfigurationError
    naming `source` (never quoting the key) when it is not one. A key pasted into a CI
    variable with its line breaks written as `\\n` is taken as the key it stands for."""
    pem = text.strip()
    if "\n" not in pem and "\\n" in pem:
        pem = pem.replace("\\n", "\n")
    if not pem:
        raise ConfigurationError(f"the GitHub App's private key ({source}) is empty")
    pem += "\n"
    # Registered before it is parsed, so not even a parser's complaint can show a line of it.
    register(pem)
    register(pem.strip())
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        key = serialization.load_pem_private_key(pem.encode("utf-8"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError):
        raise ConfigurationError(
            f"the GitHub App's private key ({source}) is not a PEM private key without a passphrase: give the "
            ".pem file GitHub made for the App (Settings → Developer settings → GitHub Apps → the App → "
            "Private keys)"
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigurationError(f"the GitHub App's private key ({source}) is not an RSA key; GitHub App keys are")
    return pem


class ServerClock:
    """GitHub's time as this machine estimates it: its own clock plus an offset learnt from
    GitHub's `Date` headers. Thread-safe."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._offset = 0.0

    @property
    def offset(self) -> float:
        with self._lock:
            return self._offset

    def now(self) -> float:
        return self._clock.now() + self.offset

    def learn(self, date_header: str | None) -> bool:
        """Take GitHub's `Date` header as the truth; True when the offset moved by more than
        the header's rounding (so a JWT signed before is worth signing again)."""
        if not date_header:
            return False
        try:
            server = parsedate_to_datetime(date_header).timestamp()
        except (TypeError, ValueError, IndexError):
            return False
        offset = server - self._clock.now()
        with self._lock:
            moved = abs(offset - self._offset) > SKEW_TOLERANCE
            if moved:
                self._offset = offset
            return moved


class AppJwt:
    """Signs the App's JWTs: `iss` the App's id or client id, times by `ServerClock`."""

    def __init__(self, app_id: str, private_key_pem: str, server_clock: ServerClock) -> None:
        self.app_id = app_id
        self._key = private_key_pem
        self._server_clock = server_clock
        self._sign: Callable[[dict[str, Any]], str | bytes] | None = None

    def __repr__(self) -> str:
        return f"AppJwt(app {self.app_id})"

    def make(self) -> str:
        if self._sign is None:
            from github.Auth import AppAuth

            self._sign = AppAuth.create_jwt_sign(self._key, "RS256")
        now = int(self._server_clock.now())
        # GitHub takes `iss` as the App's id or client id, a string either way (as PyJWT insists).
        signed = self._sign({"iat": now - ISSUED_BACK, "exp": now + EXPIRES_AHEAD, "iss": self.app_id})
        token = signed.decode("ascii") if isinstance(signed, bytes) else signed
        # A JWT opens the App's routes for ten minutes: as secret as a token while it lasts.
        register(token)
        return token
