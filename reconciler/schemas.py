"""JSON Schemas generated from the pydantic models; `schemas/` holds the committed copies.

Run `python -m reconciler.schemas` after changing a model. A test fails when they are stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from reconciler.desired.documents import document_models
from reconciler.kinds.registry import blocks
from reconciler.plan.model import Plan

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def generate() -> dict[str, dict[str, Any]]:
    """File name → schema, for every schema we publish."""
    desired = document_models(blocks()).document.model_json_schema(mode="validation")
    plan = Plan.model_json_schema(mode="serialization")
    return {
        "desired-state.schema.json": {"$schema": SCHEMA_DIALECT, **desired},
        "plan.schema.json": {"$schema": SCHEMA_DIALECT, **plan},
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in generate().items():
        target = directory / name
        target.write_text(render(schema), encoding="utf-8")
        written.append(target)
    return written


def main() -> None:
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("schemas")
    for path in write(directory):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
