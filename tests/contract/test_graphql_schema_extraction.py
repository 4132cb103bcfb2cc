"""scripts/extract_github_graphql_schema.py: the pinned GraphQL subset, cut out of GitHub's text."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "extract_github_graphql_schema.py"
SUBSET = REPO_ROOT / "reconciler" / "sandbox" / "graphql" / "schema.graphql"
FIELDS = REPO_ROOT / "tests" / "contract" / "graphql-fields.txt"
LOCAL_TARBALL = Path("/tmp/gqls/graphql-schema-15.26.1.tgz")

SDL = '''
directive @internal on FIELD_DEFINITION

"""
Something that can be found.
"""
interface Node {
  id: ID!
}

"""
A repository.
"""
type Repository implements Node & Starrable {
  """
  The id.
  """
  id: ID!

  """
  Labels.
  """
  labels(
    """
    Cursor.
    """
    after: String

    """
    Page size.
    """
    first: Int

    """
    Order.
    """
    orderBy: LabelOrder = {field: NAME}
  ): LabelConnection @internal

  name: String!
  stars(since: Int, until: Int): Int
  owner: Owner!
}

type LabelConnection {
  totalCount: Int!
}

type Owner {
  login: String!
}

input LabelOrder {
  field: LabelOrderField!
}

enum LabelOrderField {
  NAME
  CREATED_AT
}

interface Starrable {
  stargazerCount: Int!
}

type Query {
  repository(owner: String!, name: String!): Repository
}
'''


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("extract_github_graphql_schema", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


script = load_script()


def subset(*lines: str) -> str:
    body: str = script.build_subset(SDL, script.parse_fields("\n".join(lines)))
    return body.split("\n\n", 1)[1]  # without the header


def test_only_listed_fields_and_arguments_are_kept_in_githubs_own_layout() -> None:
    text = subset(
        "Query.repository(owner, name)",
        "Repository.name",
        "Repository.labels(first, orderBy)",
        "LabelConnection.totalCount",
    )

    start = text.index('"""\nA repository.')
    repository = text[start : text.index("\n}", start) + 2]
    assert (
        repository
        == '''"""
A repository.
"""
type Repository {
  """
  Labels.
  """
  labels(
    """
    Page size.
    """
    first: Int

    """
    Order.
    """
    orderBy: LabelOrder = {field: NAME}
  ): LabelConnection @internal
  name: String!
}'''
    )
    assert "enum LabelOrderField {\n  NAME\n  CREATED_AT\n}" in text  # enums and inputs come whole
    assert "input LabelOrder" in text and "directive @internal" in text
    assert "Starrable" not in text and "Node" not in text and "stars" not in text


def test_undescribed_arguments_stay_on_one_line() -> None:
    text = subset("Query.repository(name)", "Repository.stars(until)")

    assert "  stars(until: Int): Int\n" in text
    assert "repository(name: String!): Repository" in text


def test_an_interface_is_kept_where_it_is_listed() -> None:
    text = subset("Query.repository(owner, name)", "Repository.id", "Node.id")

    assert "type Repository implements Node {" in text
    assert "interface Node {" in text


def test_a_returned_type_without_listed_fields_is_an_error() -> None:
    with pytest.raises(
        script.ExtractionError, match=r"Repository.owner returns Owner: list at least one field of Owner"
    ):
        subset("Query.repository(owner, name)", "Repository.owner")


def test_unknown_fields_and_arguments_are_errors() -> None:
    with pytest.raises(script.ExtractionError, match="Repository has no field stargazers"):
        subset("Repository.stargazers")
    with pytest.raises(script.ExtractionError, match="labels takes no argument last"):
        subset("Repository.labels(last)")


def test_the_output_does_not_depend_on_the_order_of_the_list() -> None:
    lines = ["Query.repository(owner, name)", "Repository.name", "Repository.id"]

    assert script.build_subset(SDL, script.parse_fields("\n".join(lines))) == script.build_subset(
        SDL, script.parse_fields("\n".join(reversed(lines)))
    )


def test_a_tarball_that_is_not_the_pinned_one_is_refused() -> None:
    with pytest.raises(script.ExtractionError, match="does not match the pinned integrity"):
        script.verify_integrity(b"not the package", script.INTEGRITY)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(SCRIPT), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, timeout=120, check=False)


def test_the_shipped_subset_is_up_to_date_with_the_field_list() -> None:
    result = run("--check")

    assert result.returncode == 0, result.stderr


def test_check_flags_a_field_added_to_the_list(tmp_path: Path) -> None:
    fields = tmp_path / "fields.txt"
    fields.write_text(FIELDS.read_text(encoding="utf-8") + "Repository.isLocked\n", encoding="utf-8")

    result = run("--check", "--fields", str(fields))

    assert result.returncode == 1
    assert "missing field Repository.isLocked" in result.stderr


def test_check_flags_a_subset_edited_by_hand(tmp_path: Path) -> None:
    edited = tmp_path / "schema.graphql"
    edited.write_text(SUBSET.read_text(encoding="utf-8").replace("type Label {", "type Label { bogus: Nope"), "utf-8")

    result = run("--check", "--output", str(edited))

    assert result.returncode == 1
    assert "not a valid schema" in result.stderr


@pytest.mark.skipif(not LOCAL_TARBALL.exists(), reason="no local copy of the @octokit/graphql-schema tarball")
def test_extraction_is_byte_identical(tmp_path: Path) -> None:
    output = tmp_path / "schema.graphql"

    result = run("--tarball", str(LOCAL_TARBALL), "--output", str(output))

    assert result.returncode == 0, result.stderr
    assert output.read_bytes() == SUBSET.read_bytes()
