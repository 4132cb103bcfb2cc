"""Route templates (``/repos/{owner}/{repo}/labels/{name}``) matched against raw request paths."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from .protocol import DOCS_ROOT, RequestContext, Response

Handler = Callable[[RequestContext], Response]
UNKNOWN_ROUTE = "(unknown)"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REPO_PREFIX = "/repos/{owner}/{repo}"

_PARAM = re.compile(r"\{([a-z_]+)\}")
# File paths and git refs span "/" (contents/.github/workflows/ci.yml, git/refs/heads/main);
# a workflow is named by its id or by its file name.
_SEGMENTS = {"path": ".*", "ref": ".+", "workflow_id": "[^/]+"}


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    pattern: re.Pattern[str]
    docs: str
    # Sent back as X-Accepted-OAuth-Scopes.
    accepted_scopes: tuple[str, ...]
    # The token needs all of these (after scope implication), or the answer is 403.
    required_scopes: tuple[str, ...]
    # Not charged against the primary rate limit (GET /rate_limit).
    free: bool = False
    # One of a GitHub App's own routes, which take the App's JWT and nothing else.
    jwt: bool = False

    @property
    def key(self) -> str:
        return f"{self.method} {self.template}"

    @property
    def is_repo_route(self) -> bool:
        return self.template == REPO_PREFIX or self.template.startswith(REPO_PREFIX + "/")


def _compile(template: str) -> re.Pattern[str]:
    parts: list[str] = []
    last = 0
    for m in _PARAM.finditer(template):
        parts.append(re.escape(template[last : m.start()]))
        name = m.group(1)
        # Numeric params keep /issues/comments/{id} from being read as issue number "comments".
        default = r"\d+" if name.endswith(("_number", "_id")) else r"[^/]+"
        segment = _SEGMENTS.get(name, default)
        parts.append(f"(?P<{name}>{segment})")
        last = m.end()
    parts.append(re.escape(template[last:]))
    return re.compile("^" + "".join(parts) + "$")


class Router:
    def __init__(self) -> None:
        self._routes: list[Route] = []

    def add(
        self,
        method: str,
        template: str,
        handler: Handler,
        *,
        docs: str = DOCS_ROOT,
        accepted_scopes: tuple[str, ...] = ("repo",),
        required_scopes: tuple[str, ...] | None = None,
        free: bool = False,
        jwt: bool = False,
    ) -> None:
        if required_scopes is None:
            # Writes need `repo`; the single place to tighten per-route permissions later.
            required_scopes = ("repo",) if method in WRITE_METHODS else ()
        self._routes.append(
            Route(method, template, handler, _compile(template), docs, accepted_scopes, required_scopes, free, jwt)
        )

    def match(self, method: str, raw_path: str) -> tuple[Route, dict[str, str]] | None:
        """Match against the still-encoded path, then decode each parameter on its own,
        so an encoded ``/`` inside a label name stays part of the name."""
        for route in self._routes:
            if route.method != method:
                continue
            m = route.pattern.match(raw_path)
            if m:
                return route, {k: unquote(v) for k, v in m.groupdict().items()}
        return None

    def routes(self) -> list[Route]:
        return list(self._routes)
