"""The operations of the contract subset, resolved once: how an exchange finds its operation."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema_path import SchemaPath
from openapi_core.templating.datatypes import TemplateResult
from openapi_core.templating.paths.datatypes import PathOperationServer

from .media import params_in_description

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


@dataclass(frozen=True)
class Route:
    """One operation of the subset, resolved once for every exchange that hits it."""

    method: str  # upper case
    template: str
    pattern: re.Pattern[str]  # one path segment per variable
    loose_pattern: re.Pattern[str]  # variables may span "/" or be empty (the root of contents/{path})
    resolved: PathOperationServer
    statuses: frozenset[str]
    parameters: tuple[tuple[str, str], ...]  # declared (location, name), for memo keys
    body_required: bool
    response_headers: Mapping[str, tuple[str, ...]]  # response key -> documented headers
    content_types: frozenset[str]  # every documented response content type
    described_media: frozenset[str]  # custom media type params the description documents

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"

    def response_key(self, status: int) -> str | None:
        # The same precedence openapi-core's ResponseFinder uses.
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            if key in self.statuses:
                return key
        return None


def build_routes(spec: SchemaPath, contents: Mapping[str, Any], host_url: str) -> list[Route]:
    routes: list[Route] = []
    server = spec / "servers" / 0
    for template, path_item in contents["paths"].items():
        shared = [_deref(contents, p) for p in path_item.get("parameters", [])]
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue
            own = [_deref(contents, p) for p in operation.get("parameters", [])]
            responses = {code: _deref(contents, r) for code, r in operation.get("responses", {}).items()}
            routes.append(
                Route(
                    method=method.upper(),
                    template=template,
                    pattern=_template_regex(template, "[^/]+"),
                    loose_pattern=_template_regex(template, ".*"),
                    resolved=PathOperationServer(
                        spec / "paths" / template,
                        spec / "paths" / template / method,
                        server,
                        TemplateResult(template, {}),
                        TemplateResult(host_url, {}),
                    ),
                    statuses=frozenset(responses),
                    parameters=tuple(sorted({(p["in"], p["name"]) for p in [*own, *shared]})),
                    body_required=bool(_deref(contents, operation.get("requestBody", {})).get("required")),
                    response_headers={
                        code: tuple(sorted(response.get("headers", {}))) for code, response in responses.items()
                    },
                    content_types=frozenset(
                        media for response in responses.values() for media in response.get("content", {})
                    ),
                    described_media=params_in_description(str(operation.get("description", ""))),
                )
            )
    # OpenAPI: a literal segment wins over a variable (`/issues/comments/{id}` must not be
    # taken for `/issues/{issue_number}`), so try the most literal templates first.
    routes.sort(key=lambda route: _specificity(route.template))
    return routes


def _deref(contents: Mapping[str, Any], node: Any) -> Any:
    # Local refs only (`#/components/...`): the extraction script guarantees that.
    while isinstance(node, dict) and "$ref" in node:
        target: Any = contents
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _template_regex(template: str, variable: str) -> re.Pattern[str]:
    parts = re.split(r"\{([^}]+)\}", template)
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>{variable})" for index, part in enumerate(parts)
    )
    return re.compile(regex)


def _specificity(template: str) -> tuple[int, ...]:
    return tuple(1 if segment.startswith("{") else 0 for segment in template.split("/"))
