"""Import writes whatever kinds are in force, through each kind's importer: a kind added with
`extended()` is read, written in its place and guarded like the built-in ones."""

from __future__ import annotations

import textwrap
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from reconciler.desired.entry_edit import EntryEdit
from reconciler.desired.placement import Placements
from reconciler.desired.state import EffectiveRepository
from reconciler.desired.yaml_edit import Items
from reconciler.desired.yaml_round_trip import dump, new_document, parse
from reconciler.github.repositories import LiveRepository, get_repository
from reconciler.importer.entries import new_entry, update_entry
from reconciler.importer.snapshot import read_snapshot
from reconciler.kinds.registry import extended
from reconciler.kinds.secrets.live import LiveSecret
from tests.fake_port import FakePort

Topics = tuple[str, ...]


class TopicsImporter:
    """Writes a repository's topics as `topics: {items: [...]}`, between workflows and secrets."""

    block = "topics"
    position = 25

    def read(self, reader: Any, repository: str) -> tuple[Topics, list[str]]:
        return get_repository(reader, repository).topics, []

    def importable(self, part: Topics) -> tuple[Topics, list[str]]:
        kept = tuple(t for t in part if t.islower())
        return kept, [f"topic {t} not imported: not lower case" for t in part if t not in kept]

    def inherited(self, repository: EffectiveRepository | None) -> None:
        return None

    def update(self, entry: CommentedMap, part: Topics, inherited: None, edit: EntryEdit) -> None:
        items = Items(entry, self.block)
        declared = {str(t) for t in items}
        for topic in sorted(set(part) - declared):
            items.add(topic)
            edit.report.added["topic"] += 1
        items.done()

    def addresses(self, key: str) -> tuple[str, ...]:
        return (f"topic:{key}",)


class TopicsKind:
    name = "topic"
    plural = "topics"
    blocks = ()
    importer = TopicsImporter()
    address = "topic"


def reader() -> FakePort:
    """What import reads, for a repository with two topics and one secret (and no workflow files)."""
    return FakePort(
        {
            "/repos/octo/widgets": LiveRepository("octo/widgets", "main", archived=False, topics=("agents", "Mixed")),
            "/repos/octo/a": LiveRepository("octo/a", "main", archived=False, topics=("agents", "Mixed")),
            **{f"/repos/octo/{r}/labels": [] for r in ("widgets", "a")},
            **{f"/repos/octo/{r}/actions/secrets": {"secrets": [LiveSecret("TOKEN", None)]} for r in ("widgets", "a")},
            **{f"/repos/octo/{r}/actions/variables": {"variables": []} for r in ("widgets", "a")},
        }
    )


def test_an_extra_kind_is_read_and_written_in_its_position() -> None:
    with extended(TopicsKind()):  # type: ignore[arg-type]
        snapshot, notes = read_snapshot(reader(), "octo/widgets")  # type: ignore[arg-type]
        entry, report = new_entry(snapshot, Placements())
    assert snapshot.parts["topic"] == ("agents",)
    assert notes == ["topic Mixed not imported: not lower case"]
    assert report.added["topic"] == 1 and report.added["secret"] == 1
    assert dump(new_document([entry])) == textwrap.dedent(
        """\
        version: 1
        repositories:
          - repository: octo/widgets
            topics:
              items:
                - agents
            secrets:
              items:
                - name: TOKEN
        """
    )


def test_an_extra_kinds_block_shared_through_an_anchor_is_left_alone() -> None:
    text = textwrap.dedent(
        """\
        repositories:
          - repository: octo/a
            topics:
              items: &t [x]
          - repository: octo/b
            topics:
              items: *t
        """
    )
    tree, style = parse(text)
    with extended(TopicsKind()):  # type: ignore[arg-type]
        snapshot, _ = read_snapshot(reader(), "octo/a")  # type: ignore[arg-type]
        report = update_entry(tree["repositories"][0], snapshot, Placements())
    assert report.added == {"secret": 1}
    assert "topics not updated: they come from the YAML anchor &t" in report.notes[0]
    assert isinstance(tree["repositories"][0]["topics"]["items"], CommentedSeq)
    assert list(tree["repositories"][0]["topics"]["items"]) == ["x"]
    assert "items: &t [x]" in dump(tree, style) and "items: *t" in dump(tree, style)
