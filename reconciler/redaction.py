"""The run's secrets, in one place, and `redact(text)` that takes them out of any text.

Whoever reads a secret registers it here: the HTTP client its tokens (and a proxy's password),
the App credentials their private key and installation tokens, the secret sources every value
they read. Every message built from something a server or a file said passes through
`redact` before it reaches an error, a log or a report, so a server that echoes the token in a
401 body cannot put it in front of the user.

Values shorter than `MIN_SECRET_LENGTH` are not registered: replacing every "t" or "yes" would
garble each message, and values that short are guessable anyway. A multi-line secret (a PEM
private key) is also registered line by line, since a server or a log quotes one line of it
far more often than the whole (its armour lines, which every key shares, are not secret).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from urllib.parse import quote

MIN_SECRET_LENGTH = 4
# Lines of a multi-line secret shorter than this ("-----END-----", "") are not secret.
MIN_LINE_LENGTH = 16
REPLACEMENT = "***"


class Redactor:
    """A set of secrets and the text with them taken out. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def register(self, secret: str) -> None:
        """Remember `secret` (and the forms it travels in) for every later `redact`."""
        forms = set(_forms(secret))
        with self._lock:
            if forms <= self._secrets:
                return
            self._secrets |= forms
            # Longest first, so a secret that contains another is replaced whole.
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(s) for s in ordered))

    def redact(self, text: str) -> str:
        pattern = self._pattern
        if pattern is None or not text:
            return text
        return pattern.sub(REPLACEMENT, text)

    def forget_all(self) -> None:
        """For tests: a fresh run knows no secrets."""
        with self._lock:
            self._secrets.clear()
            self._pattern = None


def _forms(secret: str) -> Iterable[str]:
    candidates = [secret, quote(secret, safe=""), secret.replace("\n", "\\n")]
    # As a JSON string holds it (a saved plan, --format json): quotes, backslashes and
    # control characters escaped, other characters as they are or as \u escapes.
    candidates += [json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]]
    if "\n" in secret:
        lines = (line.strip() for line in secret.splitlines())
        # PEM armour ("-----BEGIN RSA PRIVATE KEY-----") names the kind of secret, not the secret.
        candidates.extend(line for line in lines if len(line) >= MIN_LINE_LENGTH and not line.startswith("-----"))
    return (c for c in candidates if len(c) >= MIN_SECRET_LENGTH)


# The run's one registry: secrets are registered where they are read and redacted wherever
# text is built, often in modules that never see each other.
_RUN = Redactor()


def register(secret: str) -> None:
    _RUN.register(secret)


def redact(text: str) -> str:
    return _RUN.redact(text)


def forget_all() -> None:
    """For tests: each test is a fresh run, which knows no secrets yet."""
    _RUN.forget_all()
