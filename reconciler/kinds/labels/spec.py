"""The `labels:` block: the labels a repository must have, as pydantic models."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator, model_validator

from reconciler.desired.models import NUMBER_NOT_TEXT, Ensure, StrictModel

_HEX_COLOUR = re.compile(r"^#?[0-9a-fA-F]{6}$")
LABEL_NAME_MAX = 50
LABEL_DESCRIPTION_MAX = 100


def normal_colour(value: str) -> str:
    """A label colour as GitHub compares it: six lower-case hex digits, no '#'."""
    return value.removeprefix("#").lower()


def _label_name(value: Any) -> Any:
    if isinstance(value, str):
        if value != value.strip():
            raise ValueError("label names cannot start or end with whitespace")
        if not value:
            raise ValueError("label names cannot be empty")
    return value


LabelName = Annotated[
    str,
    BeforeValidator(_label_name),
    Field(min_length=1, max_length=LABEL_NAME_MAX, description="Label name, as shown on GitHub."),
]


class LabelSpec(StrictModel):
    """One label a repository must have (or, with ensure: absent, must not have)."""

    name: LabelName
    color: Annotated[
        str | None,
        Field(
            description=(
                "Six hex digits, with or without a leading '#'. Compared case-insensitively. "
                "Required unless ensure is absent."
            ),
            json_schema_extra={"pattern": _HEX_COLOUR.pattern},
        ),
    ] = None
    description: Annotated[
        str,
        Field(
            max_length=LABEL_DESCRIPTION_MAX,
            description="At most 100 characters. Omitted means empty.",
        ),
    ] = ""
    aliases: Annotated[
        tuple[LabelName, ...],
        Field(
            description=(
                "Earlier names of this label. A live label found under an alias is renamed in "
                "place, so issues and pull requests keep it. A label matching an alias is never deleted."
            ),
        ),
    ] = ()

    @field_validator("color", mode="before")
    @classmethod
    def _normalise_colour(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, str):
            if isinstance(value, int | float):
                raise ValueError(NUMBER_NOT_TEXT)
            return value
        if not _HEX_COLOUR.match(value):
            raise ValueError(f"{value!r} is not a colour: expected 6 hex digits such as 'd73a4a'")
        return normal_colour(value)

    ensure: Ensure = Field(
        default="present",
        description="'absent' deletes the label if it exists, e.g. to drop one a pack declares.",
    )

    @field_validator("description", mode="before")
    @classmethod
    def _empty_description(cls, value: Any) -> Any:
        return "" if value is None else value

    @model_validator(mode="after")
    def _colour_when_present(self) -> LabelSpec:
        if self.ensure == "present" and self.color is None:
            raise ValueError("'color' is required unless ensure is absent")
        return self


class LabelsSpec(StrictModel):
    """The labels a repository must have, and what happens to the others."""

    prune: bool | None = Field(
        default=None,
        description=(
            "Delete live labels that are not declared (and are not an alias of a declared label). "
            "Off by default: undeclared labels are kept. A later layer (organisation, repository) "
            "overrides an earlier one (pack)."
        ),
    )
    items: tuple[LabelSpec, ...] = Field(default=(), description="The declared labels.")
