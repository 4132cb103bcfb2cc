"""Signing GitHub App JWTs for tests, wrong ones included: RS256 by hand, so a test can put
any claim in any state."""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from reconciler.sandbox import Sandbox


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_jwt(private_key_pem: str, claims: dict[str, Any], *, alg: str = "RS256") -> str:
    key = serialization.load_pem_private_key(private_key_pem.encode("ascii"), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    signing_input = f"{_b64(json.dumps({'alg': alg, 'typ': 'JWT'}).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64(signature)}"


def app_jwt(sandbox: Sandbox, *, issued: int = -60, expires: int = 540, issuer: object = None) -> str:
    """A JWT for the sandbox's App, its times relative to the sandbox's clock, as GitHub's own
    example makes them (issued a minute back, expiring within ten minutes)."""
    credentials = sandbox.app_credentials()
    now = int(sandbox.now())
    claims = {"iat": now + issued, "exp": now + expires, "iss": credentials.app_id if issuer is None else issuer}
    return sign_jwt(credentials.private_key_pem, claims)


def other_private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode("ascii")
