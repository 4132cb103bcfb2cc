"""The `variables:` and `limits:` blocks: Actions variables, and the runbook's knobs that are
written to them."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from reconciler.desired.models import ACTIONS_NAME_SCHEMA, NUMBER_NOT_TEXT, StrictModel, actions_name_rule
from reconciler.names import fold

VariableName = Annotated[str, actions_name_rule("variable"), Field(json_schema_extra=ACTIONS_NAME_SCHEMA)]


def _variable_value(value: Any) -> Any:
    # GitHub stores text. An int has one obvious spelling; a float or a boolean does not
    # (YAML reads 1.10 as 1.1, and true/True/TRUE alike), so the author must quote it.
    if isinstance(value, bool):
        text = str(value).lower()
        raise ValueError(f'was read as a boolean ({text}), not text; quote it, e.g. "{text}"')
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise ValueError(NUMBER_NOT_TEXT)
    return value


VariableValue = Annotated[
    str,
    BeforeValidator(_variable_value),
    Field(
        description="Text. Integers are accepted and written as text; quote anything else.",
        json_schema_extra={"type": ["string", "integer"]},
    ),
]


class VariablesSpec(StrictModel):
    """The Actions variables a repository must have, and what happens to the others."""

    prune: bool | None = Field(
        default=None,
        description="Delete live variables that are not declared (or set by limits). Off by default.",
    )
    items: dict[VariableName, VariableValue | None] = Field(
        default_factory=dict,
        description="Variable name → value; null deletes it (e.g. to drop one a pack declares).",
        json_schema_extra={"propertyNames": ACTIONS_NAME_SCHEMA},
    )


def _limit(variable: str, minimum: int, maximum: int, description: str) -> Any:
    return Field(
        default=None,
        ge=minimum,
        le=maximum,
        strict=True,
        description=f"{description} {minimum} to {maximum}; sets the Actions variable {variable}.",
        json_schema_extra={"x-actions-variable": variable},
    )


class LimitsSpec(StrictModel):
    """The runbook's knobs for the agent loop. Each one is written to one Actions variable,
    which the pack's workflow reads; this class is the one table of names and bounds."""

    max_issues: int | None = _limit("AUTONOMY_MAX_ISSUES", 0, 50, "Issues the agent loop takes per run.")
    max_prs: int | None = _limit("AUTONOMY_MAX_PRS", 0, 20, "Pull requests the agent may open per run.")
    max_runtime_minutes: int | None = _limit(
        "AUTONOMY_MAX_RUNTIME_MINUTES", 5, 360, "Minutes the agent job may run (GitHub's job maximum is 360)."
    )
    max_files_changed: int | None = _limit("AUTONOMY_MAX_FILES_CHANGED", 1, 1000, "Files one agent change may touch.")

    @classmethod
    def variable_for(cls, limit: str) -> str | None:
        """The Actions variable a limit sets, or None for a name that is not a limit."""
        field = cls.model_fields.get(limit)
        extra = field.json_schema_extra if field is not None else None
        return str(extra["x-actions-variable"]) if isinstance(extra, dict) else None

    @classmethod
    def limit_for(cls, variable: str) -> str | None:
        """The limit that sets an Actions variable (named in any case, as GitHub compares
        them), or None for a variable no limit sets."""
        wanted = fold(variable)
        return next((limit for limit in cls.model_fields if fold(str(cls.variable_for(limit))) == wanted), None)

    def variables(self) -> dict[str, tuple[str, str]]:
        """Variable name → (limit name, value as text), for every limit that is set."""
        out: dict[str, tuple[str, str]] = {}
        for limit in type(self).model_fields:
            value = getattr(self, limit)
            variable = self.variable_for(limit)
            if value is not None and variable is not None:
                out[variable] = (limit, str(value))
        return out
