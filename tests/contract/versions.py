"""The contract as of a REST API version: GitHub's description with its breaking changes applied.

GitHub's OpenAPI description is written for 2022-11-28 and marks what later calendar
versions change with `x-github-breaking-changes` on the node concerned: a list of
`{changeset, patch, version}` whose `patch` is either a JSON Patch (RFC 6902: a list of
`{op, path}`) or a JSON merge patch (RFC 7396: an object, `null` removes). A response
answered in 2026-03-10 (`X-GitHub-Api-Version-Selected`) is held to the description with
every change up to that version applied, e.g. `rate-limit-overview` without `rate`.
"""

from __future__ import annotations

import copy
from typing import Any

BREAKING_CHANGES = "x-github-breaking-changes"


def _merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _merge_patch(result.get(key), value)
    return result


def _pointer(path: str) -> list[str]:
    return [part.replace("~1", "/").replace("~0", "~") for part in path.lstrip("/").split("/")]


def _json_patch(target: dict[str, Any], operations: list[dict[str, Any]]) -> None:
    for operation in operations:
        *parents, last = _pointer(str(operation["path"]))
        node: Any = target
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        kind = operation["op"]
        if kind == "remove":
            if isinstance(node, list):
                del node[int(last)]
            else:
                node.pop(last, None)
        elif kind in ("add", "replace"):
            value = copy.deepcopy(operation["value"])
            if isinstance(node, list):
                index = len(node) if last == "-" else int(last)
                if kind == "add":
                    node.insert(index, value)
                else:
                    node[index] = value
            else:
                node[last] = value
        else:
            raise ValueError(f"unsupported JSON Patch operation {kind!r}")


def _apply(node: Any, version: str) -> Any:
    if isinstance(node, list):
        return [_apply(item, version) for item in node]
    if not isinstance(node, dict):
        return node
    changes = node.get(BREAKING_CHANGES, [])
    patched: dict[str, Any] = {key: value for key, value in node.items() if key != BREAKING_CHANGES}
    for change in sorted(changes, key=lambda item: str(item["version"])):
        if str(change["version"]) > version:
            continue
        patch = change["patch"]
        if isinstance(patch, list):
            _json_patch(patched, patch)
        else:
            patched = _merge_patch(patched, patch)
    return {key: _apply(value, version) for key, value in patched.items()}


def contract_as_of(contents: dict[str, Any], version: str) -> dict[str, Any]:
    """A copy of the description with every breaking change up to `version` applied."""
    result: dict[str, Any] = _apply(copy.deepcopy(contents), version)
    return result


def has_breaking_changes(node: Any) -> bool:
    if isinstance(node, dict):
        return BREAKING_CHANGES in node or any(has_breaking_changes(value) for value in node.values())
    if isinstance(node, list):
        return any(has_breaking_changes(item) for item in node)
    return False
