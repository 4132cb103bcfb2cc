"""`reconciler explain`: one repository's effective desired state, each value with its origin."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from reconciler.desired.blocks import ExplainSection
from reconciler.desired.state import EffectiveRepository
from reconciler.kinds.registry import blocks

DEFAULT = "default"


def _origin_text(repo: EffectiveRepository, address: str) -> Text:
    origin = repo.provenance.get(address)
    text = Text("  ← ", style="dim")
    text.append(str(origin) if origin is not None else DEFAULT, style="cyan" if origin else "dim")
    for earlier in repo.overridden.get(address, ()):
        text.append(f"; overrides {earlier}", style="dim")
    return text


def _line(repo: EffectiveRepository, address: str, body: str) -> Text:
    line = Text(f"    {body}")
    line.append_text(_origin_text(repo, address))
    return line


def _section(repo: EffectiveRepository, title: str, knob: str | None, value: object) -> Text:
    text = Text(f"  {title}", style="bold")
    if knob is not None:
        shown = str(value).lower() if isinstance(value, bool) else value
        text.append(f" ({knob.split('.', 1)[1]}: {shown}")
        origin = repo.provenance.get(knob)
        text.append(f" ← {origin if origin is not None else DEFAULT})", style="dim")
    return text


def explained_sections(repo: EffectiveRepository) -> list[ExplainSection]:
    """What explain shows for each block the repository manages, in the format's order."""
    return [block.explain(repo.block(block.key)) for block in blocks() if repo.block(block.key) is not None]


def render_explain(repo: EffectiveRepository, console: Console) -> None:
    console.print(Text(repo.slug, style="bold underline"), soft_wrap=True)
    for target in repo.targets:
        console.print(Text(f"  targeted by {target}", style="dim"), soft_wrap=True)
    if repo.packs:
        console.print(Text(f"  packs: {', '.join(repo.packs)}"), soft_wrap=True)
    if repo.uninstalling:
        console.print(Text(f"  uninstalling: {', '.join(repo.uninstalling)}", style="yellow"), soft_wrap=True)
    sections = explained_sections(repo)
    if not sections:
        console.print(Text("  nothing is managed in this repository", style="dim"))
    for section in sections:
        console.print(_section(repo, section.title, section.knob, section.knob_value), soft_wrap=True)
        for address, body in section.rows:
            console.print(_line(repo, address, body), soft_wrap=True)
