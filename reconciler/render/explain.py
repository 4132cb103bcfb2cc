"""`reconciler explain`: one repository's effective desired state, each value with its origin."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.text import Text

from reconciler.desired.models import LimitsSpec
from reconciler.desired.state import DesiredRepository, Origin
from reconciler.names import fold

DEFAULT = "default"


def _origin_text(repo: DesiredRepository, address: str) -> Text:
    origin = repo.provenance.get(address)
    text = Text("  ← ", style="dim")
    text.append(str(origin) if origin is not None else DEFAULT, style="cyan" if origin else "dim")
    for earlier in repo.overridden.get(address, ()):
        text.append(f"; overrides {earlier}", style="dim")
    return text


def _line(repo: DesiredRepository, address: str, body: str) -> Text:
    line = Text(f"    {body}")
    line.append_text(_origin_text(repo, address))
    return line


def _section(repo: DesiredRepository, title: str, knob: str | None, value: object) -> Text:
    text = Text(f"  {title}", style="bold")
    if knob is not None:
        shown = str(value).lower() if isinstance(value, bool) else value
        text.append(f" ({knob.split('.', 1)[1]}: {shown}")
        origin = repo.provenance.get(knob)
        text.append(f" ← {origin if origin is not None else DEFAULT})", style="dim")
    return text


def _entries(repo: DesiredRepository) -> list[tuple[str, str | None, object, list[tuple[str, str]]]]:
    """(section title, knob address, knob value, [(address, description)]) for each kind."""
    sections: list[tuple[str, str | None, object, list[tuple[str, str]]]] = []
    if repo.labels is not None:
        rows = []
        for label in repo.labels.items:
            if label.ensure == "absent":
                rows.append((f"label:{fold(label.name)}", f"{label.name}  absent (deleted if present)"))
                continue
            aliases = f"  aliases: {', '.join(label.aliases)}" if label.aliases else ""
            description = f"  {label.description!r}" if label.description else ""
            rows.append((f"label:{fold(label.name)}", f"{label.name}  {label.color}{description}{aliases}"))
        sections.append(("labels", "labels.prune", repo.labels.prune, rows))
    if repo.workflows is not None:
        rows = []
        for workflow in repo.workflows.items:
            if workflow.ensure == "absent":
                rows.append((f"workflow:{workflow.path}", f"{workflow.path}  absent (deleted if present)"))
                continue
            agent = ", agent" if workflow.agent else ""
            rows.append(
                (f"workflow:{workflow.path}", f"{workflow.path}  {workflow.state}{agent}, from {workflow.source}")
            )
        sections.append(("workflow files", "workflows.mode", repo.workflows.mode, rows))
    if repo.secrets is not None:
        rows = []
        for secret in repo.secrets.items:
            if secret.ensure == "absent":
                how = "absent (deleted if present)"
            else:
                how = f"from ${secret.from_env} at apply time" if secret.from_env else "set by a person"
            rows.append((f"secret:{fold(secret.name)}", f"{secret.name}  {how}"))
        sections.append(("secrets", "secrets.prune", repo.secrets.prune, rows))
    if repo.variables is not None:
        rows = [
            (f"variable:{fold(name)}", f"{name} = {value!r}" if value is not None else f"{name}  absent")
            for name, value in repo.variables.items.items()
        ]
        sections.append(("variables", "variables.prune", repo.variables.prune, rows))
    if repo.limits is not None:
        rows = [
            (f"limit:{limit}", f"{limit} = {getattr(repo.limits, limit)}  (variable {LimitsSpec.variable_for(limit)})")
            for limit in LimitsSpec.model_fields
            if getattr(repo.limits, limit) is not None
        ]
        sections.append(("limits", None, None, rows))
    return sections


def render_explain(repo: DesiredRepository, console: Console) -> None:
    console.print(Text(repo.slug, style="bold underline"), soft_wrap=True)
    for target in repo.targets:
        console.print(Text(f"  targeted by {target}", style="dim"), soft_wrap=True)
    if repo.packs:
        console.print(Text(f"  packs: {', '.join(repo.packs)}"), soft_wrap=True)
    if repo.uninstalling:
        console.print(Text(f"  uninstalling: {', '.join(repo.uninstalling)}", style="yellow"), soft_wrap=True)
    sections = _entries(repo)
    if not sections:
        console.print(Text("  nothing is managed in this repository", style="dim"))
    for title, knob, value, rows in sections:
        console.print(_section(repo, title, knob, value), soft_wrap=True)
        for address, body in rows:
            console.print(_line(repo, address, body), soft_wrap=True)


def _origin_json(origin: Origin | None) -> dict[str, Any] | None:
    if origin is None:
        return None
    return {"file": origin.ref.file, "line": origin.ref.line, "column": origin.ref.column, "layer": origin.layer}


def render_explain_json(repo: DesiredRepository) -> str:
    document: dict[str, Any] = {
        "repository": repo.slug,
        "packs": list(repo.packs),
        "targets": [_origin_json(t) for t in repo.targets],
        "values": {},
    }
    for _title, knob, value, rows in _entries(repo):
        if knob is not None:
            document["values"][knob] = {"value": value, "origin": _origin_json(repo.provenance.get(knob))}
        for address, body in rows:
            document["values"][address] = {
                "value": body,
                "origin": _origin_json(repo.provenance.get(address)),
                "overrides": [_origin_json(o) for o in repo.overridden.get(address, ())],
            }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
