"""The JSON Web Token a GitHub App authenticates as itself with, checked as GitHub checks it.

RS256 over ``header.payload`` with the App's public key; ``iss`` is the App's id (a number or
a string) or its client id; ``iat`` may not be in the future (GitHub asks clients to set it
60 seconds in the past, for clock drift); ``exp`` must be in the future and at most ten
minutes ahead, by the server's clock. GitHub's own example sets ``iat`` a minute back and
``exp`` ten minutes ahead, so ``exp`` is measured from now, not from ``iat``.

Refusals carry GitHub's words: 401 for a token that cannot be decoded (malformed, another
algorithm, a bad signature), for an expired one, one issued in the future or one that lives
too long; 404 "Integration not found" for an issuer no App has.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .apps import App, find_app
from .protocol import DOCS_ROOT, ApiError
from .state import SandboxState

MAX_LIFETIME_SECONDS = 600
UNDECODABLE = "A JSON web token could not be decoded"
EXPIRED = (
    "'Expiration time' claim ('exp') must be a numeric value representing the future time "
    "at which the assertion expires"
)
TOO_LONG = "'Expiration time' claim ('exp') is too far in the future"
ISSUED_IN_FUTURE = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
UNKNOWN_ISSUER = "Integration not found"


def looks_like_jwt(token: str) -> bool:
    """Three base64url parts whose first opens a JSON object (``eyJ``): no other token does."""
    return token.count(".") == 2 and token.startswith("eyJ")


def _refusal(status: int, message: str) -> ApiError:
    return ApiError(status, message, documentation_url=DOCS_ROOT)


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _json_part(part: str) -> dict[str, Any]:
    value = json.loads(_b64(part))
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


@functools.lru_cache(maxsize=16)
def _public_key(pem: str) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(pem.encode("ascii"))
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("the App's public key is not an RSA key")
    return key


def verify(state: SandboxState, token: str, now: int) -> App:
    """The App the JWT authenticates, or the ApiError GitHub would answer with."""
    try:
        header_part, payload_part, signature_part = token.split(".")
        header, claims = _json_part(header_part), _json_part(payload_part)
        signature = _b64(signature_part)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _refusal(401, UNDECODABLE) from None
    if header.get("alg") != "RS256":
        raise _refusal(401, UNDECODABLE)
    app = find_app(state, claims.get("iss"))
    if app is None:
        raise _refusal(404, UNKNOWN_ISSUER)
    if app.public_key_pem is None:
        # No key was ever made, so nothing can have been signed with it.
        raise _refusal(401, UNDECODABLE)
    try:
        _public_key(app.public_key_pem).verify(
            signature, f"{header_part}.{payload_part}".encode("ascii"), padding.PKCS1v15(), hashes.SHA256()
        )
    except (InvalidSignature, ValueError):
        raise _refusal(401, UNDECODABLE) from None
    expires, issued = claims.get("exp"), claims.get("iat")
    if not isinstance(expires, int) or isinstance(expires, bool) or expires <= now:
        raise _refusal(401, EXPIRED)
    if not isinstance(issued, int) or isinstance(issued, bool) or issued > now:
        raise _refusal(401, ISSUED_IN_FUTURE)
    if expires > now + MAX_LIFETIME_SECONDS:
        raise _refusal(401, TOO_LONG)
    return app
