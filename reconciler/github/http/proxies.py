"""The proxy for GitHub's host, resolved once from the environment when the client starts.

requests looks proxies up again for every request (environment, no_proxy matching, netrc),
which cost about 12% of a fleet plan's CPU. One client talks to one server, so the answer
never changes within a run: resolve it once.

The usual variables, as curl and requests read them: `https_proxy`/`http_proxy` (lower case
first), `all_proxy`, and `no_proxy` (`*`, host names, `.domain` suffixes, `host:port`, IP
addresses and CIDR ranges). Loopback hosts are never proxied: a proxy cannot reach this
machine's sandbox.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

from reconciler.github.http.base_url import is_loopback, origin


def proxy_for(url: str, environ: Mapping[str, str]) -> str | None:
    """The proxy URL to reach `url` through, or None to go direct."""
    scheme, host, port = origin(url)
    if is_loopback(host) or _bypassed(host, port, _variable(environ, "no_proxy") or ""):
        return None
    return _variable(environ, f"{scheme}_proxy") or _variable(environ, "all_proxy") or None


def _variable(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name.lower())
    if value is None:
        value = environ.get(name.upper())
    return value.strip() if value is not None and value.strip() else None


def _bypassed(host: str, port: int, no_proxy: str) -> bool:
    for raw in no_proxy.replace(" ", ",").split(","):
        entry = raw.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        if _matches(host, port, entry):
            return True
    return False


def _matches(host: str, port: int, entry: str) -> bool:
    try:
        network = ipaddress.ip_network(entry.strip("[]"), strict=False)
    except ValueError:
        network = None
    if network is not None:
        try:
            return ipaddress.ip_address(host.strip("[]")) in network
        except ValueError:
            return False
    name, _, entry_port = entry.rpartition(":") if _has_port(entry) else (entry, "", "")
    if entry_port and entry_port != str(port):
        return False
    name = name.lstrip(".")
    return host == name or host.endswith("." + name)


def _has_port(entry: str) -> bool:
    head, _, tail = entry.rpartition(":")
    return bool(head) and tail.isdigit() and not entry.startswith("[")


def describe_proxy(proxy_url: str) -> str:
    """scheme://host:port of a proxy, never its user information."""
    parts = urlsplit(proxy_url if "://" in proxy_url else f"http://{proxy_url}")
    host = parts.hostname or "?"
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{parts.scheme}://{host}{'' if port is None else f':{port}'}"
