"""The committed JSON Schemas are generated from the models, and the examples obey them.

`reconciler/schemas/` holds the copies that ship in the package; the checkout's `schemas/`
holds the same bytes for the README, the examples and editors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
from ruamel.yaml import YAML

from reconciler.schemas import PACKAGE_DIRECTORY, generate, packaged, render, stale

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


def test_the_package_ships_the_same_schemas_as_the_checkout() -> None:
    assert not stale(PACKAGE_DIRECTORY), "reconciler/schemas/ is stale: run python -m reconciler.schemas"
    for name in generate():
        assert packaged(name) == json.loads((SCHEMAS / name).read_text(encoding="utf-8")), name


def test_every_command_document_has_a_schema() -> None:
    assert set(generate()) == {
        "desired-state.schema.json",
        "plan.schema.json",
        "validate.schema.json",
        "verify.schema.json",
        "explain.schema.json",
        "status.schema.json",
    }


def test_no_schema_claims_an_id_under_a_domain_the_project_does_not_own() -> None:
    for name, schema in generate().items():
        assert "$id" not in json.dumps(schema), name


def _schemas_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reconciler.schemas", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_schemas_command_has_a_real_argument_parser(tmp_path: Path) -> None:
    done = _schemas_cli("--help", cwd=tmp_path)
    assert done.returncode == 0
    assert "--check" in done.stdout and "--out-dir" in done.stdout
    assert list(tmp_path.iterdir()) == [], "--help wrote something"
    done = _schemas_cli("--bogus", cwd=tmp_path)
    assert done.returncode == 2 and "unrecognized arguments: --bogus" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_schemas_command_checks_and_writes_a_directory(tmp_path: Path) -> None:
    target = tmp_path / "out"
    done = _schemas_cli("--check", "--out-dir", str(target), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.count("stale: ") == len(generate())
    assert not target.exists(), "--check wrote something"
    done = _schemas_cli("--out-dir", str(target), cwd=tmp_path)
    assert done.returncode == 0
    assert sorted(p.name for p in target.iterdir()) == sorted(generate())
    assert _schemas_cli("--check", "--out-dir", str(target), cwd=tmp_path).returncode == 0
    (target / "plan.schema.json").write_text("{}\n")
    done = _schemas_cli("--check", "--out-dir", str(target), cwd=tmp_path)
    assert done.returncode == 1 and "plan.schema.json" in done.stderr


def test_the_checkout_is_up_to_date_by_the_schemas_command() -> None:
    done = _schemas_cli("--check", cwd=ROOT)
    assert done.returncode == 0, done.stderr
