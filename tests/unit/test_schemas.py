"""The committed JSON Schemas are generated from the models, and the examples obey them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from ruamel.yaml import YAML

from reconciler.schemas import generate, render

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
EXAMPLES = sorted(
    p for p in (ROOT / "desired-state").rglob("*.y*ml") if p.relative_to(ROOT / "desired-state").parts[0] != "workflows"
)


def test_committed_schemas_are_not_stale() -> None:
    for name, schema in generate().items():
        committed = SCHEMAS / name
        assert committed.exists(), f"{committed} is missing: run python -m reconciler.schemas"
        assert committed.read_text(encoding="utf-8") == render(schema), (
            f"{committed} is stale: run python -m reconciler.schemas"
        )


def test_every_example_declares_its_schema_and_validates_against_it() -> None:
    assert EXAMPLES, "the example desired state is missing"
    schema = json.loads((SCHEMAS / "desired-state.schema.json").read_text())
    for example in EXAMPLES:
        first_line = example.read_text(encoding="utf-8").splitlines()[0]
        assert first_line.startswith("# yaml-language-server: $schema="), example
        target = (example.parent / first_line.split("$schema=", 1)[1]).resolve()
        assert target == (SCHEMAS / "desired-state.schema.json").resolve(), example
        jsonschema.validate(YAML(typ="safe").load(example), schema)


def test_schema_rejects_what_validate_rejects() -> None:
    schema = json.loads((SCHEMAS / "desired-state.schema.json").read_text())
    bad = {"repositories": [{"repository": "acme/widgets", "labels": {"items": [{"name": "x", "color": "red"}]}}]}
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(bad)), "an editor would not flag a bad colour"
    typo = {"repositories": [{"repository": "acme/widgets", "label": {}}]}
    assert list(validator.iter_errors(typo)), "an editor would not flag an unknown key"
