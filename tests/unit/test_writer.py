"""The import's YAML writer, without GitHub: live state in, desired-state YAML out."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.desired.writer import (
    NO_LAYERS,
    ImportedWorkflow,
    Layers,
    LiveSnapshot,
    WorkflowPlacement,
    YamlStyle,
    detect_style,
    dump,
    header,
    importable,
    limit_for,
    new_document,
    new_entry,
    parse,
    schema_reference,
    update_entry,
)
from reconciler.desired.yaml_source import to_plain
from reconciler.github.port import LiveLabel, LiveVariable
from reconciler.gitobjects import blob_sha
from reconciler.kinds.registry import document_model

CI = ImportedWorkflow(".github/workflows/ci.yml", b"on: push\njobs:\n  a:\n    runs-on: x\n", "enabled")
SNAPSHOT = LiveSnapshot(
    "octo/widgets",
    labels=(
        LiveLabel("in progress", "1D76DB", "Someone is on it"),
        LiveLabel("bug", "d73a4a", None),
        LiveLabel("true", "123456", "null"),
    ),
    workflows=(CI,),
    secrets=("TOKEN", "API_KEY"),
    variables=(LiveVariable("AUTONOMY_MAX_ISSUES", "10"), LiveVariable("RATIO", "1.10")),
)


def written(snapshot: LiveSnapshot, layers: Layers = NO_LAYERS) -> str:
    entry, _ = new_entry(snapshot, WorkflowPlacement({}), layers)
    return dump(new_document([entry]))


def validated(text: str) -> Any:
    tree, _ = parse(text)
    return document_model().model_validate(to_plain(tree))


def test_a_new_entry_is_sorted_quoted_and_valid() -> None:
    text = written(SNAPSHOT)
    assert text == textwrap.dedent(
        """\
        version: 1
        repositories:
          - repository: octo/widgets
            labels:
              items:
                - name: bug
                  color: "d73a4a"
                - name: in progress
                  color: "1d76db"
                  description: Someone is on it
                - name: 'true'
                  color: "123456"
                  description: 'null'
            workflows:
              items:
                - path: .github/workflows/ci.yml
                  source: workflows/ci.yml
                  state: enabled
            secrets:
              items:
                - name: API_KEY
                - name: TOKEN
            variables:
              items:
                RATIO: "1.10"
            limits:
              max_issues: 10
        """
    )
    (repository,) = validated(text).repositories
    assert repository.labels is not None and repository.labels.items[2].name == "true"
    assert repository.labels.items[2].description == "null"
    assert repository.variables is not None and repository.variables.items == {"RATIO": "1.10"}


def test_empty_kinds_are_left_out() -> None:
    assert written(LiveSnapshot("octo/empty")) == "version: 1\nrepositories:\n  - repository: octo/empty\n"


def test_knobs_become_limits_only_when_a_limit_can_hold_them_exactly() -> None:
    assert limit_for("AUTONOMY_MAX_ISSUES", "10") == ("max_issues", 10)
    assert limit_for("autonomy_max_prs", "0") == ("max_prs", 0)
    assert limit_for("AUTONOMY_MAX_ISSUES", "010") is None, "written back as 10, it would differ"
    assert limit_for("AUTONOMY_MAX_ISSUES", "99") is None, "out of range"
    assert limit_for("AUTONOMY_MAX_ISSUES", "three") is None
    assert limit_for("AUTONOMY_DEFAULT_AGENT", "1") is None


def test_other_layers_decide_how_a_knob_and_a_label_are_written() -> None:
    snapshot = LiveSnapshot(
        "octo/widgets",
        labels=(LiveLabel("in progress", "1d76db", ""), LiveLabel("bug", "d73a4a", "")),
        variables=(LiveVariable("AUTONOMY_MAX_ISSUES", "10"), LiveVariable("AUTONOMY_MAX_PRS", "99")),
    )
    layers = Layers(aliases={"in progress": "status:in-progress"}, variables=frozenset({"autonomy_max_issues"}))
    entry, report = new_entry(snapshot, WorkflowPlacement({}), layers)
    text = dump(new_document([entry]))
    # A pack's alias would collide with a label of that name; the plan renames it instead.
    assert "in progress" not in text
    assert "old name (alias) of 'status:in-progress'" in report.notes[0]
    # A pack declares the knob as a variable: a variable overrides it.
    assert 'AUTONOMY_MAX_ISSUES: "10"' in text and "max_issues" not in text
    # Out of range for a limit, and no layer declares it: a variable.
    assert 'AUTONOMY_MAX_PRS: "99"' in text
    validated(text)

    # A pack has it in both forms: so does the entry, with one value, so no two layers disagree.
    both = Layers(variables=frozenset({"autonomy_max_issues"}), limits=frozenset({"max_issues"}))
    text = dump(new_entry(snapshot, WorkflowPlacement({}), both)[0])
    assert 'AUTONOMY_MAX_ISSUES: "10"' in text and "max_issues: 10" in text

    blocked = Layers(limits=frozenset({"max_prs"}))
    entry, report = new_entry(snapshot, WorkflowPlacement({}), blocked)
    assert "AUTONOMY_MAX_PRS" not in dump(entry)
    assert any("AUTONOMY_MAX_PRS not imported" in note for note in report.notes)


def test_what_desired_state_cannot_declare_is_left_out_with_a_reason() -> None:
    snapshot = LiveSnapshot(
        "octo/widgets",
        labels=(LiveLabel("x" * 51, "ffffff", ""), LiveLabel("ok", "ffffff", "")),
        workflows=(
            ImportedWorkflow(".github/workflows/notes.txt", b"", "enabled"),
            ImportedWorkflow(".github/workflows/bad.yml", b"jobs: [\n", "enabled"),
            ImportedWorkflow(".github/workflows/latin1.yml", "on: push # é\n".encode("latin-1"), "enabled"),
            CI,
        ),
    )
    kept, notes = importable(snapshot)
    assert [label.name for label in kept.labels] == ["ok"]
    assert kept.workflows == (CI,)
    assert len(notes) == 4
    assert "not valid YAML" in notes[2] and "not UTF-8" in notes[3]


names = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=50).filter(
    lambda s: s == s.strip()
)
labels = st.builds(
    LiveLabel,
    name=names,
    color=st.from_regex(r"[0-9a-fA-F]{6}", fullmatch=True),
    description=st.one_of(st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=100)),
)
variables = st.builds(
    LiveVariable,
    name=st.from_regex(r"[A-Z][A-Z0-9_]{0,20}", fullmatch=True).filter(lambda n: not n.startswith("GITHUB_")),
    value=st.one_of(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40), st.integers().map(str)),
)


@settings(max_examples=150, deadline=None)
@given(
    labels=st.lists(labels, max_size=6, unique_by=lambda lbl: lbl.name.casefold()),
    variables=st.lists(variables, max_size=6, unique_by=lambda v: v.name.casefold()),
)
def test_whatever_github_holds_reads_back_as_the_same_values(
    labels: list[LiveLabel], variables: list[LiveVariable]
) -> None:
    snapshot, _ = importable(LiveSnapshot("octo/widgets", labels=tuple(labels), variables=tuple(variables)))
    (repository,) = validated(written(snapshot)).repositories
    declared = repository.labels.items if repository.labels is not None else ()
    assert {(lbl.name, lbl.color, lbl.description) for lbl in declared} == {
        (lbl.name, lbl.color.lower(), lbl.description or "") for lbl in snapshot.labels
    }
    read_back = dict(repository.variables.items) if repository.variables is not None else {}
    if repository.limits is not None:
        read_back |= {name: value for name, (_, value) in repository.limits.variables().items()}
    assert read_back == {v.name: v.value for v in snapshot.variables}


HAND_WRITTEN = """\
# Top comment.
version: 1
repositories:
  - repository: octo/widgets
    labels:
      items:
        - name: Bug            # our spelling
          color: 'D73A4A'
        - name: status:in-progress
          color: "1d76db"
          aliases: ["in progress"]
        - name: wontfix
          color: "ffffff"
          ensure: absent

    # Variables: the team's.
    variables:
      items:
        RATIO: "1.1"
        OLD: null
    limits:
      max_issues: 3
  # The next one.
  - repository: octo/other
    labels:
      items: []
"""


def test_an_update_changes_only_what_differs_and_keeps_the_rest() -> None:
    tree, style = parse(HAND_WRITTEN)
    snapshot = LiveSnapshot(
        "octo/widgets",
        labels=(
            LiveLabel("bug", "d73a4a", "Broken"),
            LiveLabel("in progress", "1d76db", ""),
            LiveLabel("wontfix", "ffffff", ""),
            LiveLabel("new", "000000", ""),
        ),
        variables=(
            LiveVariable("RATIO", "1.10"),
            LiveVariable("OLD", "x"),
            LiveVariable("AUTONOMY_MAX_ISSUES", "5"),
            LiveVariable("AUTONOMY_MAX_PRS", "2"),
        ),
    )
    report = update_entry(tree["repositories"][0], snapshot, WorkflowPlacement({}))
    other = update_entry(
        tree["repositories"][1], LiveSnapshot("octo/other", (LiveLabel("a", "aaaaaa", ""),)), WorkflowPlacement({})
    )
    assert dict(report.added) == {"label": 1, "limit": 1}
    assert dict(report.updated) == {"label": 1, "variable": 1, "limit": 1}
    assert len(report.notes) == 3  # the alias, the absent label, the null variable
    assert other.added["label"] == 1
    assert dump(tree, style) == textwrap.dedent(
        """\
        # Top comment.
        version: 1
        repositories:
          - repository: octo/widgets
            labels:
              items:
                - name: bug            # our spelling
                  color: 'D73A4A'
                  description: Broken
                - name: status:in-progress
                  color: "1d76db"
                  aliases: ["in progress"]
                - name: wontfix
                  color: "ffffff"
                  ensure: absent
                - name: new
                  color: "000000"

            # Variables: the team's.
            variables:
              items:
                RATIO: "1.10"
                OLD: null
            limits:
              max_issues: 5
              max_prs: 2
          # The next one.
          - repository: octo/other
            labels:
              items:
                - name: a
                  color: "aaaaaa"
        """
    )


def test_a_second_update_changes_nothing() -> None:
    entry, _ = new_entry(SNAPSHOT, WorkflowPlacement({}))
    placement = WorkflowPlacement({"workflows/ci.yml": blob_sha(CI.content)})
    again = update_entry(entry, SNAPSHOT, placement)
    assert not again.changed and not again.notes and not placement.new_files


def test_lists_shared_through_an_anchor_are_not_edited() -> None:
    text = textwrap.dedent(
        """\
        repositories:
          - repository: octo/a
            labels:
              items: &common
                - {name: bug, color: "d73a4a"}
          - repository: octo/b
            labels:
              items: *common
            secrets:
              items:
                - &token {name: TOKEN}
          - repository: octo/c
            secrets:
              items: [*token]
        """
    )
    tree, style = parse(text)
    b = tree["repositories"][1]
    stale = update_entry(b, LiveSnapshot("octo/b", (LiveLabel("x", "000000", ""),)), WorkflowPlacement({}))
    assert not stale.changed
    assert stale.notes == [
        "labels not updated: they come from the YAML anchor &common, which other entries may share; "
        "update them there by hand"
    ]
    current = update_entry(b, LiveSnapshot("octo/b", (LiveLabel("bug", "D73A4A", ""),)), WorkflowPlacement({}))
    assert not current.changed and not current.notes, "up to date: nothing to say"
    one_item = update_entry(b, LiveSnapshot("octo/b", secrets=("TOKEN", "OTHER")), WorkflowPlacement({}))
    assert not one_item.changed and "&token" in one_item.notes[0]
    assert dump(tree, style) == text


def test_workflow_bodies_are_shared_when_identical_and_kept_apart_when_not() -> None:
    other = b"on: push\njobs:\n  b:\n    runs-on: y\n"
    placement = WorkflowPlacement({"workflows/shared/ci-copy.yml": blob_sha(CI.content), "workflows/x.yml": "0" * 40})
    assert placement.place("octo/a", CI) == "workflows/shared/ci-copy.yml"
    clashing = ImportedWorkflow(".github/workflows/ci-copy.yml", other, "enabled")
    assert placement.place("octo/a", clashing) == "workflows/ci-copy.yml"
    named_x = ImportedWorkflow(".github/workflows/X.yml", other + b"#\n", "enabled")
    assert placement.place("octo/a", named_x) == "workflows/a/X.yml", "names compare case-insensitively"
    again = ImportedWorkflow(".github/workflows/x.yml", other + b"##\n", "enabled")
    assert placement.place("octo/a", again) == "workflows/a/x-2.yml"
    assert set(placement.new_files) == {"workflows/ci-copy.yml", "workflows/a/X.yml", "workflows/a/x-2.yml"}
    assert placement.place("octo/b", clashing) == "workflows/ci-copy.yml", "placed once, shared after"


def test_a_changed_body_gets_a_new_source_and_the_old_one_is_left_alone() -> None:
    old = b"on: push\njobs:\n  old:\n    runs-on: x\n"
    placement = WorkflowPlacement({"workflows/ci.yml": blob_sha(old)})
    tree, _ = parse(
        "repositories:\n  - repository: octo/a\n    workflows:\n      items:\n"
        "        - {path: .github/workflows/ci.yml, source: workflows/ci.yml, state: disabled}\n"
    )
    report = update_entry(tree["repositories"][0], LiveSnapshot("octo/a", workflows=(CI,)), placement)
    assert report.updated["workflow file"] == 1
    item: Any = tree["repositories"][0]["workflows"]["items"][0]
    # The old body may serve other repositories: this one points at its own copy instead.
    assert (item["source"], item["state"]) == ("workflows/a/ci.yml", "enabled")
    assert placement.new_files == {"workflows/a/ci.yml": CI.content}


def test_indentation_is_detected_so_a_rewrite_keeps_it() -> None:
    assert detect_style("a:\n  b:\n    - c\n") == YamlStyle(mapping=2, sequence=4, offset=2)
    flush = (
        "version: 1\nrepositories:\n- repository: octo/a\n  labels:\n    items:\n    - name: x\n      color: '000000'\n"
    )
    style = detect_style(flush)
    assert style == YamlStyle(mapping=2, sequence=2, offset=0)
    tree, _ = parse(flush)
    assert dump(tree, style) == flush
    assert detect_style("") == YamlStyle()


def test_the_header_points_editors_at_the_schema(tmp_path: Path) -> None:
    root = tmp_path / "desired-state"
    assert schema_reference(root / "repositories" / "x.yml", root) == "../../schemas/desired-state.schema.json"
    assert schema_reference(root / "all.yml", root) == "../schemas/desired-state.schema.json"
    text = header("../schemas/desired-state.schema.json", date(2025, 5, 2))
    assert text.startswith("# yaml-language-server: $schema=../schemas/desired-state.schema.json\n")
    assert "on 2025-05-02" in text
