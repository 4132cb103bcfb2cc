"""Where GitHub is: the rules a base URL must meet, and the URLs derived from it.

The token goes to whatever URL the user names, so the rules are strict: `https://` always;
`http://` only to this machine (the sandbox) unless the caller opts in explicitly; never a URL
with credentials in it. Refusals never repeat the URL's user information, which is where a
careless `https://user:token@host` would carry a secret.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import SplitResult, urlsplit

from reconciler.errors import ConfigurationError

GITHUB_API_URL = "https://api.github.com"
_ENTERPRISE_REST_SUFFIX = "/api/v3"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def check_base_url(url: str, *, allow_insecure_http: bool = False) -> str:
    """`url` without its trailing slash, once it is a URL reconciler may send a token to."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ConfigurationError("the GitHub URL is not a valid URL (use https://HOST/api/v3 for GHES)") from None
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(
            "the GitHub URL must not contain a user name or password: give the token in GITHUB_TOKEN instead"
        )
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        shown = f"{scheme}://" if scheme else "no scheme"
        raise ConfigurationError(f"the GitHub URL must start with https:// (it has {shown})")
    host = parts.hostname or ""
    if not host:
        raise ConfigurationError("the GitHub URL has no host name")
    if parts.query or parts.fragment:
        raise ConfigurationError(f"the GitHub URL {origin_of(parts)} must not have a query or a fragment")
    if scheme == "http" and not is_loopback(host) and not allow_insecure_http:
        raise ConfigurationError(
            f"the GitHub URL {scheme}://{host}{'' if port is None else f':{port}'} is plain http: the token would "
            "cross the network unencrypted. Use https://, or opt in explicitly for a trusted network"
        )
    return f"{scheme}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def graphql_url(base_url: str) -> str:
    """GitHub's GraphQL endpoint for a REST base URL.

    api.github.com -> /graphql; GitHub Enterprise Server's https://HOST/api/v3 -> https://HOST/api/graphql;
    anything else (the sandbox at http://127.0.0.1:PORT) -> BASE/graphql.
    """
    base = base_url.rstrip("/")
    if base.lower().endswith(_ENTERPRISE_REST_SUFFIX):
        return base[: -len(_ENTERPRISE_REST_SUFFIX)] + "/api/graphql"
    return base + "/graphql"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) with the default port filled in: what "the same server" means."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port if port is not None else _DEFAULT_PORTS.get(scheme, 0)


def origin_of(parts: SplitResult) -> str:
    """scheme://host[:port], never the user information."""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{parts.scheme.lower()}://{host}{'' if port is None else f':{port}'}"


def host_label(url: str) -> str:
    """How errors name the server: host, with the port when it is not the scheme's default."""
    scheme, host, port = origin(url)
    shown = f"[{host}]" if ":" in host else host
    return shown if port == _DEFAULT_PORTS.get(scheme) else f"{shown}:{port}"
