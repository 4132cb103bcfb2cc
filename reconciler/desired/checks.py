"""Rules that span more than one value: duplicates, case-insensitive collisions, and
limits that disagree with an explicit variable.

They run over the raw YAML data rather than the validated models, so that a file with a
type error elsewhere still gets these checks and the user sees every problem in one run.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from reconciler.desired.models import LimitsSpec
from reconciler.desired.sources import WorkflowSources
from reconciler.desired.yaml_source import Loc, SourceRef, YamlDocument, format_loc
from reconciler.errors import Problem
from reconciler.names import fold


@dataclass(frozen=True)
class _Seen:
    value: str
    what: str
    ref: SourceRef


def check_documents(documents: Sequence[YamlDocument], sources: WorkflowSources) -> list[Problem]:
    problems: list[Problem] = []
    problems.extend(_duplicate_repositories(documents))
    for doc in documents:
        # Packs and organisation targets declare the same blocks as repositories do.
        for loc, repo in _entries(doc, ("repositories", "packs", "organizations")):
            problems.extend(_label_collisions(doc, loc, repo))
            problems.extend(_duplicate_workflow_paths(doc, loc, repo))
            problems.extend(_workflow_sources(doc, loc, repo, sources))
            problems.extend(_secret_collisions(doc, loc, repo))
            problems.extend(_variable_collisions(doc, loc, repo))
            problems.extend(_limit_clashes(doc, loc, repo))
    return problems


def _workflow_items(repo: dict[str, Any]) -> list[Any]:
    workflows = repo.get("workflows")
    items = workflows.get("items") if isinstance(workflows, dict) else None
    return items if isinstance(items, list) else []


def _workflow_sources(
    doc: YamlDocument, repo_loc: Loc, repo: dict[str, Any], sources: WorkflowSources
) -> Iterator[Problem]:
    for index, item in enumerate(_workflow_items(repo)):
        if not isinstance(item, dict) or item.get("ensure") == "absent":
            continue
        source = item.get("source")
        if isinstance(source, str):
            loc = (*repo_loc, "workflows", "items", index, "source")
            yield from sources.read(source, doc.ref(loc), format_loc(loc))[1]


def _duplicate_workflow_paths(doc: YamlDocument, repo_loc: Loc, repo: dict[str, Any]) -> Iterator[Problem]:
    first: dict[str, SourceRef] = {}
    for index, item in enumerate(_workflow_items(repo)):
        path = item.get("path") if isinstance(item, dict) else None
        if not isinstance(path, str):
            continue
        loc = (*repo_loc, "workflows", "items", index, "path")
        if path in first:
            yield doc.problem(loc, f"{path!r} is declared twice; first at {first[path]}")
        else:
            first[path] = doc.ref(loc)


def _repositories(doc: YamlDocument) -> Iterator[tuple[Loc, dict[str, Any]]]:
    return _entries(doc, ("repositories",))


def _entries(doc: YamlDocument, keys: Sequence[str]) -> Iterator[tuple[Loc, dict[str, Any]]]:
    data = doc.data
    if not isinstance(data, dict):
        return
    for key in keys:
        entries = data.get(key)
        if isinstance(entries, list):
            yield from (((key, index), entry) for index, entry in enumerate(entries) if isinstance(entry, dict))


def _duplicate_repositories(documents: Sequence[YamlDocument]) -> Iterator[Problem]:
    first: dict[str, SourceRef] = {}
    for doc in documents:
        for loc, repo in _repositories(doc):
            slug = repo.get("repository")
            if not isinstance(slug, str):
                continue
            where = (*loc, "repository")
            # GitHub treats owner and repository names case-insensitively.
            key = fold(slug)
            if key in first:
                yield doc.problem(where, f"{slug!r} is declared twice; first at {first[key]}")
            else:
                first[key] = doc.ref(where)


def _label_collisions(doc: YamlDocument, repo_loc: Loc, repo: dict[str, Any]) -> Iterator[Problem]:
    labels = repo.get("labels")
    items = labels.get("items") if isinstance(labels, dict) else None
    if not isinstance(items, list):
        return
    seen: dict[str, _Seen] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        item_loc = (*repo_loc, "labels", "items", index)
        name = item.get("name")
        own = fold(name) if isinstance(name, str) else None
        entries: list[tuple[Loc, str, str]] = []
        if isinstance(name, str):
            entries.append(((*item_loc, "name"), name, f"label {name!r}"))
        aliases = item.get("aliases")
        if isinstance(aliases, list):
            for alias_index, alias in enumerate(aliases):
                if not isinstance(alias, str):
                    continue
                alias_loc = (*item_loc, "aliases", alias_index)
                if own is not None and fold(alias) == own:
                    yield doc.problem(alias_loc, f"alias {alias!r} is the label's own name")
                    continue
                entries.append((alias_loc, alias, f"alias {alias!r} of {name!r}"))
        for loc, value, what in entries:
            key = fold(value)
            earlier = seen.get(key)
            if earlier is not None:
                yield doc.problem(
                    loc,
                    f"{what} collides case-insensitively with {earlier.what} at {earlier.ref}",
                )
            else:
                seen[key] = _Seen(value, what, doc.ref(loc))


def _block_items(repo: dict[str, Any], block: str) -> Any:
    found = repo.get(block)
    return found.get("items") if isinstance(found, dict) else None


def _secret_collisions(doc: YamlDocument, repo_loc: Loc, repo: dict[str, Any]) -> Iterator[Problem]:
    items = _block_items(repo, "secrets")
    if not isinstance(items, list):
        return
    seen: dict[str, _Seen] = {}
    for index, item in enumerate(items):
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str):
            continue
        loc = (*repo_loc, "secrets", "items", index, "name")
        earlier = seen.get(fold(name))
        if earlier is not None:
            yield doc.problem(loc, f"secret {name!r} collides case-insensitively with {earlier.what} at {earlier.ref}")
        else:
            seen[fold(name)] = _Seen(name, f"secret {name!r}", doc.ref(loc))


def _variable_collisions(doc: YamlDocument, repo_loc: Loc, repo: dict[str, Any]) -> Iterator[Problem]:
    items = _block_items(repo, "variables")
    if not isinstance(items, dict):
        return
    seen: dict[str, _Seen] = {}
    for name in items:
        if not isinstance(name, str):
            continue
        loc = (*repo_loc, "variables", "items", name)
        earlier = seen.get(fold(name))
        if earlier is not None:
            yield doc.problem(
                loc,
                f"variable {name!r} collides case-insensitively with {earlier.what} at {earlier.ref}",
                key=True,
            )
        else:
            seen[fold(name)] = _Seen(name, f"variable {name!r}", doc.ref(loc, key=True))


def _as_text(value: Any) -> str | None:
    """A variable value as it would be written, or None when validation rejects it anyway."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value)


def _limit_clashes(doc: YamlDocument, repo_loc: Loc, repo: dict[str, Any]) -> Iterator[Problem]:
    limits = repo.get("limits")
    variables = _block_items(repo, "variables")
    if not isinstance(limits, dict) or not isinstance(variables, dict):
        return
    explicit = {fold(name): name for name in variables if isinstance(name, str)}
    for limit, value in limits.items():
        variable = LimitsSpec.variable_for(str(limit))
        if variable is None or fold(variable) not in explicit:
            continue
        name = explicit[fold(variable)]
        limit_text, variable_text = _as_text(value), _as_text(variables[name])
        if limit_text is None or variable_text is None or limit_text == variable_text:
            continue
        variable_ref = doc.ref((*repo_loc, "variables", "items", name))
        yield doc.problem(
            (*repo_loc, "limits", limit),
            f"limit {limit} sets {variable} to {limit_text!r}, but variables.items sets {name} to "
            f"{variable_text!r} at {variable_ref}; keep one of them",
        )
