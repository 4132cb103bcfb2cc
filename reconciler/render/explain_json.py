"""`reconciler explain --format json`: a versioned document, described by `explain.schema.json`.

One repository's effective desired state: every value, keyed by its address (e.g.
`labels.items.bug`), with the file position and layer it came from and what it overrides.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from reconciler import __version__
from reconciler.desired.blocks import Origin
from reconciler.desired.state import EffectiveRepository
from reconciler.plan.model import Frozen
from reconciler.render.explain import explained_sections

EXPLAIN_FORMAT_VERSION: Literal[1] = 1


class OriginRecord(Frozen):
    """Where a value was declared."""

    file: str
    line: int = Field(description="1-based.")
    column: int = Field(description="1-based.")
    layer: str = Field(description="The layer that set it: a pack, an organisation target or the repository's entry.")


class ExplainedValue(Frozen):
    value: str | bool | int | float | None = Field(
        description="A block's setting (e.g. prune), or how one declared item reads (e.g. a label's name and colour)."
    )
    origin: OriginRecord | None = Field(description="Where it was set; null for a default.")
    overrides: tuple[OriginRecord, ...] = Field(default=(), description="Earlier layers' values it overrides.")


class ExplainDocument(Frozen):
    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True, title="reconciler explain"
    )

    format_version: Literal[1] = EXPLAIN_FORMAT_VERSION
    generator: str = Field(description="The reconciler version that explained.")
    repository: str = Field(description="owner/name")
    packs: tuple[str, ...] = Field(description="The packs applied, in order.")
    uninstalling: tuple[str, ...] = Field(default=(), description="Packs being uninstalled from the repository.")
    targets: tuple[OriginRecord, ...] = Field(description="The targets (entries) that select the repository.")
    values: dict[str, ExplainedValue] = Field(description="Every effective value, by its address.")


def _record(origin: Origin | None) -> OriginRecord | None:
    if origin is None:
        return None
    return OriginRecord(file=origin.ref.file, line=origin.ref.line, column=origin.ref.column, layer=origin.layer)


def _records(origins: tuple[Origin, ...]) -> tuple[OriginRecord, ...]:
    return tuple(record for record in map(_record, origins) if record is not None)


def _scalar(value: object) -> str | bool | int | float | None:
    return value if value is None or isinstance(value, str | bool | int | float) else str(value)


def explain_document(repo: EffectiveRepository) -> ExplainDocument:
    values: dict[str, ExplainedValue] = {}
    for section in explained_sections(repo):
        knob = section.knob
        if knob is not None:
            values[knob] = ExplainedValue(
                value=_scalar(section.knob_value),
                origin=_record(repo.provenance.get(knob)),
                overrides=_records(tuple(repo.overridden.get(knob, ()))),
            )
        for address, body in section.rows:
            values[address] = ExplainedValue(
                value=body,
                origin=_record(repo.provenance.get(address)),
                overrides=_records(tuple(repo.overridden.get(address, ()))),
            )
    return ExplainDocument(
        generator=f"reconciler {__version__}",
        repository=repo.slug,
        packs=tuple(repo.packs),
        uninstalling=tuple(repo.uninstalling),
        targets=_records(tuple(repo.targets)),
        values=values,
    )


def render_explain_json(repo: EffectiveRepository) -> str:
    return explain_document(repo).model_dump_json(indent=2) + "\n"
