"""Workflow files and workflow state: pure diffs, and git blob ids computed like git."""

from __future__ import annotations

import base64
import hashlib

from reconciler.desired.yaml_source import SourceRef
from reconciler.github.port import LiveFile, LivePullRequest, LiveWorkflow
from reconciler.gitobjects import blob_sha
from reconciler.kinds.workflows.block import DesiredWorkflow, DesiredWorkflows
from reconciler.kinds.workflows.files import PULL_REQUEST_KEY, ObservedFiles, diff_files
from reconciler.kinds.workflows.state import diff_workflows
from reconciler.plan.model import Action
from reconciler.plan.reasons import Reason

REPO = "acme/widgets"
AGENT = ".github/workflows/agent.yml"
BODY = b"name: Agent\non:\n  workflow_dispatch:\njobs:\n  run:\n    runs-on: ubuntu-latest\n"


def workflows(*items: DesiredWorkflow, mode: str = "commit") -> DesiredWorkflows:
    return DesiredWorkflows(mode=mode, items=items)


def item(
    path: str = AGENT, content: bytes | None = BODY, state: str = "enabled", ensure: str = "present"
) -> DesiredWorkflow:
    return DesiredWorkflow(path, ensure, state, content, "workflows/agent.yml", SourceRef("x.yml", 1, 1))


def live(path: str, data: bytes) -> LiveFile:
    return LiveFile(path, blob_sha(data), len(data))


def test_blob_id_matches_git_for_crlf_and_non_ascii() -> None:
    # Values from `git hash-object --stdin`: git hashes the exact bytes, CR and UTF-8 included.
    assert blob_sha(b"") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
    assert blob_sha(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"
    crlf, lf = b"on: push\r\njobs: {}\r\n", b"on: push\njobs: {}\n"
    unicode = "name: Agent ✓ Übersicht\n".encode()
    assert blob_sha(crlf) != blob_sha(lf)
    for data in (crlf, lf, unicode):
        assert blob_sha(data) == hashlib.sha1(f"blob {len(data)}\0".encode() + data).hexdigest()
    assert len(unicode) != len(unicode.decode()), "the header counts bytes, not characters"


def test_unchanged_file_is_a_noop_and_needs_no_content() -> None:
    observed = ObservedFiles({AGENT: live(AGENT, BODY)}, {}, None)
    (change,) = diff_files(REPO, workflows(item()), observed)
    assert change.action is Action.NOOP
    assert change.diff is None and change.content is None


def test_missing_file_is_created_with_its_bytes_and_a_diff() -> None:
    (change,) = diff_files(REPO, workflows(item()), ObservedFiles({}, {}, None))
    assert change.action is Action.CREATE
    assert change.after == {"path": AGENT, "sha": blob_sha(BODY), "size": len(BODY)}
    assert change.content is not None and base64.b64decode(change.content) == BODY
    assert change.diff is not None and "--- /dev/null" in change.diff and "+name: Agent" in change.diff
    assert change.via == "commit"


def test_changed_file_is_updated_with_a_live_to_desired_diff() -> None:
    old = BODY.replace(b"Agent", b"Old agent")
    observed = ObservedFiles({AGENT: live(AGENT, old)}, {AGENT: old}, None)
    (change,) = diff_files(REPO, workflows(item()), observed)
    assert change.action is Action.UPDATE
    assert change.before is not None and change.before["sha"] == blob_sha(old)
    assert change.diff is not None
    assert "-name: Old agent" in change.diff and "+name: Agent" in change.diff


def test_crlf_only_change_is_an_update_and_says_so() -> None:
    crlf = BODY.replace(b"\n", b"\r\n")
    observed = ObservedFiles({AGENT: live(AGENT, crlf)}, {AGENT: crlf}, None)
    (change,) = diff_files(REPO, workflows(item()), observed)
    assert change.action is Action.UPDATE
    assert change.diff is not None and "only line endings differ" in change.diff


def test_absent_file_is_deleted_and_undeclared_files_are_never_touched() -> None:
    ci = ".github/workflows/ci.yml"
    observed = ObservedFiles({AGENT: live(AGENT, BODY), ci: live(ci, b"x")}, {}, None)
    changes = diff_files(REPO, workflows(item(ensure="absent", content=None)), observed)
    assert [(c.key, c.action) for c in changes] == [(AGENT, Action.DELETE)]


def test_pull_request_mode_mentions_the_open_pull_request_and_closes_it_when_stale() -> None:
    pull = LivePullRequest(7, "https://example/pull/7")
    pending = diff_files(REPO, workflows(item(), mode="pull-request"), ObservedFiles({}, {}, pull))
    assert pending[0].action is Action.CREATE and "#7" in pending[0].reason_text
    assert pending[0].via == "pull-request"
    settled = diff_files(
        REPO, workflows(item(), mode="pull-request"), ObservedFiles({AGENT: live(AGENT, BODY)}, {}, pull)
    )
    stale = [c for c in settled if c.key == PULL_REQUEST_KEY]
    assert len(stale) == 1 and stale[0].action is Action.DELETE


def test_workflow_states_map_onto_enabled_and_disabled() -> None:
    desired = workflows(item(state="enabled"))
    for github_state, action in [
        ("active", Action.NOOP),
        ("disabled_manually", Action.UPDATE),
        ("disabled_inactivity", Action.UPDATE),
    ]:
        (change,) = diff_workflows(REPO, desired, [LiveWorkflow(1, AGENT, "Agent", github_state)])
        assert change.action is action, github_state
    (stop,) = diff_workflows(REPO, workflows(item(state="disabled")), [LiveWorkflow(1, AGENT, "Agent", "active")])
    assert stop.action is Action.UPDATE
    assert stop.before is not None and stop.before["state"] == "enabled"
    assert stop.after is not None and stop.after["state"] == "disabled"


def test_a_new_workflow_is_left_enabled_and_disabled_once_listed() -> None:
    (enabled,) = diff_workflows(REPO, workflows(item()), [])
    assert enabled.action is Action.NOOP
    (disabled,) = diff_workflows(REPO, workflows(item(state="disabled")), [])
    assert disabled.action is Action.UPDATE and disabled.reason is Reason.DISABLE_WHEN_LISTED
    assert "as soon as GitHub lists" in disabled.reason_text
    (pending,) = diff_workflows(REPO, workflows(item(state="disabled"), mode="pull-request"), [])
    assert pending.action is Action.NOOP and pending.reason is Reason.AFTER_PULL_REQUEST
    assert "pull request merges" in pending.reason_text
    deleted = [LiveWorkflow(1, AGENT, "Agent", "deleted")]
    assert diff_workflows(REPO, workflows(item(state="disabled")), deleted)[0].action is Action.UPDATE
