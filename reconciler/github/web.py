"""Where GitHub's web pages are for an API: what links in reports point at.

`https://api.github.com` serves `https://github.com`; GitHub Enterprise Server's
`https://HOST/api/v3` serves `https://HOST`. Any other API (the sandbox) serves its pages at
its own root, as its `html_url`s say.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def web_url(api_url: str) -> str:
    parts = urlsplit(api_url.rstrip("/"))
    if (parts.hostname or "").lower() == "api.github.com":
        return "https://github.com"
    path = parts.path
    if path.lower().endswith("/api/v3"):
        path = path[: -len("/api/v3")]
    return urlunsplit((parts.scheme, parts.netloc, path, "", "")).rstrip("/")
