"""JSON Schemas of reconciler's documents, generated from the pydantic models.

The models are the one source of truth. The generated files ship in the package
(`reconciler/schemas/*.schema.json`, read with `packaged()`), and the repository keeps the
same bytes in its top-level `schemas/`, which the README, the example desired state and
editors point at. `python -m reconciler.schemas` writes both after a model changes;
`--check` (and a test) fails while either is stale. No schema has an `$id`: the project owns
no domain to name them under.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from reconciler.checks.document import VerifyDocument
from reconciler.desired.documents import document_models
from reconciler.fleet.document import StatusDocument
from reconciler.kinds.registry import blocks
from reconciler.plan.model import Plan
from reconciler.render.explain_json import ExplainDocument
from reconciler.render.validate_json import ValidateReport

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
PACKAGE_DIRECTORY = Path(__file__).resolve().parent
# The checkout's top-level schemas/, when this package runs from a checkout (not from a wheel).
CHECKOUT_DIRECTORY = PACKAGE_DIRECTORY.parents[1] / "schemas"

# The documents reconciler writes, by the schema file that describes them.
_OUTPUTS: dict[str, type[BaseModel]] = {
    "plan.schema.json": Plan,
    "validate.schema.json": ValidateReport,
    "verify.schema.json": VerifyDocument,
    "explain.schema.json": ExplainDocument,
    "status.schema.json": StatusDocument,
}


def generate() -> dict[str, dict[str, Any]]:
    """File name → schema, for every schema we publish."""
    desired = document_models(blocks()).document.model_json_schema(mode="validation")
    schemas = {"desired-state.schema.json": {"$schema": SCHEMA_DIALECT, **desired}}
    for name, model in _OUTPUTS.items():
        # What the command prints is what a reader validates: the serialised form.
        schemas[name] = {"$schema": SCHEMA_DIALECT, **model.model_json_schema(mode="serialization")}
    return schemas


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def default_directories() -> list[Path]:
    """The package's copies, and the checkout's schemas/ when running from a checkout."""
    checkout = CHECKOUT_DIRECTORY.is_dir() and (CHECKOUT_DIRECTORY.parent / "pyproject.toml").is_file()
    return [PACKAGE_DIRECTORY, CHECKOUT_DIRECTORY] if checkout else [PACKAGE_DIRECTORY]


def write(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in generate().items():
        target = directory / name
        target.write_text(render(schema), encoding="utf-8")
        written.append(target)
    return written


def stale(directory: Path) -> list[Path]:
    """The schema files in `directory` that are missing or differ from the models."""
    found = []
    for name, schema in generate().items():
        target = directory / name
        if not target.is_file() or target.read_text(encoding="utf-8") != render(schema):
            found.append(target)
    return found


def packaged(name: str) -> dict[str, Any]:
    """A schema as installed with the package, e.g. `packaged("plan.schema.json")`."""
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded
