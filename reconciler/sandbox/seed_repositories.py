"""The repositories a fresh sandbox starts with, as plain data: an organisation that has drifted.

``seed`` builds the state from it; later work can extend it (workflow files, secrets, variables...).
The drift is deliberate; each oddity below is something the reconciler must handle:

* ``sovereign-kernel``: most of the autonomy pack, ``priority:high`` with a wrong colour in
  upper case, ``status:blocked`` with a wrong description, ``agent:handoff`` missing, and the
  old ``in progress`` label (an alias of ``status:in-progress``) on three issues, one a PR.
  Its agent-loop workflow file is an outdated revision (active); its ``ci.yml`` belongs to
  nobody and must be left alone.
* ``agent-runtime``: a few pack labels, one whose description differs only in case, ``sev-2``
  with the right colour in upper case (not a change once normalised), the old
  ``Priority: High`` (alias of ``priority:high``) on two issues, and ``team:runtime``, which
  nobody declares and which must survive unless pruning is asked for. Its agent-loop file is
  up to date, but the workflow is ``disabled_manually``: someone hit the runbook's emergency
  stop and never turned it back on.
* ``operations-handbook``: a fresh repository with only GitHub's default labels and no
  ``.github/workflows/`` at all.
* nine more repositories for organisation selectors, each with a README only: an archived
  one and a fork that carry the ``autonomy`` topic, a playground that carries it too (the
  example excludes it by name), private ones, and repositories without the topic.

Every repository starts with one commit on ``main`` holding its files; every seeded pull
request has its own branch with one commit on top of that.

Actions secrets and variables, drifted for the secrets/limits demo:

* ``sovereign-kernel``: ``AGENT_GITHUB_TOKEN`` and ``CLAUDE_API_KEY`` set, ``CODEX_API_KEY``
  missing (the example sets it from ``$RECONCILER_DEMO_CODEX_API_KEY``);
  ``AUTONOMY_MAX_ISSUES`` is ``10`` where the limits say 3.
* ``agent-runtime``: ``CLAUDE_API_KEY`` missing, and it has no source: a person must set it.
  ``TEAM_SLACK_CHANNEL``, a variable nobody declares, must survive; so must the undeclared
  secret ``RUNTIME_DEPLOY_KEY``.
* ``operations-handbook``: the agent token and Claude key set, ``CODEX_API_KEY`` missing, no
  variables at all.
"""

from __future__ import annotations

from typing import Any

from .seed_files import AGENT_LOOP, AGENT_LOOP_PATH, CI_PATH, OUTDATED_AGENT_LOOP, ci_workflow

# name, colour, description
DEFAULT_LABELS: list[tuple[str, str, str]] = [
    ("bug", "d73a4a", "Something isn't working"),
    ("documentation", "0075ca", "Improvements or additions to documentation"),
    ("duplicate", "cfd3d7", "This issue or pull request already exists"),
    ("enhancement", "a2eeef", "New feature or request"),
    ("good first issue", "7057ff", "Good for newcomers"),
    ("help wanted", "008672", "Extra attention is needed"),
    ("invalid", "e4e669", "This doesn't seem right"),
    ("question", "d876e3", "Further information is requested"),
    ("wontfix", "ffffff", "This will not be worked on"),
]

# The desired "autonomy pack", for reference and for building drifted copies below.
AUTONOMY_PACK: dict[str, tuple[str, str]] = {
    "priority:critical": ("b60205", "Drop everything: production or security impact"),
    "priority:high": ("d93f0b", "Next up for an agent or a human"),
    "priority:medium": ("fbca04", "Normal queue"),
    "priority:low": ("0e8a16", "When there is time"),
    "status:ready": ("0e8a16", "Acceptance criteria written; an agent may pick it up"),
    "status:in-progress": ("1d76db", "An agent or a human is working on it"),
    "status:blocked": ("b60205", "Waiting on something outside the issue"),
    "status:needs-review": ("5319e7", "Work done; waiting for review"),
    "agent:codex": ("7057ff", "Assigned to the Codex agent"),
    "agent:claude": ("7057ff", "Assigned to the Claude agent"),
    "agent:handoff": ("c5def5", "Agent work handed to a human"),
    "review:required": ("fbca04", "Needs a human review before merge"),
    "review:approved": ("0e8a16", "Review passed"),
    "review:changes-requested": ("d93f0b", "Reviewer asked for changes"),
    "security:review-required": ("ee0701", "Touches security-sensitive code; needs security review"),
    "incident": ("b60205", "An operational incident"),
    "sev-1": ("b60205", "SEV-1: critical, respond within 5 minutes"),
    "sev-2": ("d93f0b", "SEV-2: high, respond within 15 minutes"),
    "sev-3": ("fbca04", "SEV-3: medium, respond within 1 hour"),
    "alert": ("e99695", "Raised by monitoring"),
    "operations": ("006b75", "Operations and maintenance work"),
}


def _pack(name: str) -> tuple[str, str, str]:
    color, description = AUTONOMY_PACK[name]
    return (name, color, description)


# Seeded secrets hold this placeholder; the sandbox keeps only its digest anyway.
SEEDED_SECRET_VALUE = "sandbox-seeded-secret"

# Each repository: attributes for RepoState, extra labels (after the defaults), files on the
# default branch besides the README, workflow states by file name (``active`` otherwise),
# optionally Actions secrets (names) and variables (name: value), and issues. An issue:
# title, labels, state ("open"/"closed"), author, created, comments; a pull request also has
# ``pr: {branch, files}``, the branch and what its one commit writes.
REPOSITORIES: list[dict[str, Any]] = [
    {
        "name": "sovereign-kernel",
        "attrs": {
            "description": "Microkernel and capability system of the Sovereign Operating System",
            "language": "Rust",
            "topics": ["autonomy", "kernel", "microkernel", "capabilities"],
            "license_key": "apache-2.0",
            "created_at": "2023-03-14T09:12:00Z",
            "updated_at": "2025-05-02T10:00:00Z",
            "pushed_at": "2025-05-02T10:00:00Z",
            "size": 18432,
            "stargazers_count": 412,
            "forks_count": 37,
        },
        "default_labels": True,
        "secrets": ["AGENT_GITHUB_TOKEN", "CLAUDE_API_KEY"],
        "variables": {"AUTONOMY_DEFAULT_AGENT": "codex", "AUTONOMY_MAX_ISSUES": "10"},
        "labels": [
            _pack("priority:critical"),
            ("priority:high", "FF0000", AUTONOMY_PACK["priority:high"][1]),
            _pack("priority:medium"),
            _pack("priority:low"),
            _pack("status:ready"),
            ("status:blocked", "b60205", "Blocked"),
            _pack("status:needs-review"),
            _pack("agent:codex"),
            _pack("agent:claude"),
            _pack("review:required"),
            _pack("security:review-required"),
            _pack("incident"),
            ("in progress", "1d76db", "Someone is on it"),
        ],
        "files": {AGENT_LOOP_PATH: OUTDATED_AGENT_LOOP, CI_PATH: ci_workflow("cargo test --workspace")},
        "issues": [
            {
                "title": "Capability table overflows at 65k entries",
                "labels": ["bug", "priority:high", "in progress"],
                "created": "2025-01-08T10:00:00Z",
                "comments": ["Reproduced on the QEMU target.", "Taking this one."],
            },
            {
                "title": "Document the IPC fast path",
                "labels": ["documentation", "status:ready", "agent:claude"],
                "created": "2025-01-20T14:30:00Z",
            },
            {
                "title": "Scheduler: priority inversion under load",
                "labels": ["bug", "priority:critical", "in progress", "security:review-required"],
                "created": "2025-02-03T08:45:00Z",
                "comments": ["Needs a security review before merge."],
            },
            {
                "title": "Rework page-fault handler",
                "labels": ["enhancement", "in progress", "review:required"],
                "pr": {
                    "branch": "page-fault-rework",
                    "files": {"docs/page-faults.md": "# Page faults\n\nFaults are now handled per region.\n"},
                },
                "created": "2025-02-11T16:20:00Z",
            },
            {
                "title": "Boot fails on hardware without HPET",
                "labels": ["bug", "status:blocked"],
                "created": "2025-02-27T11:05:00Z",
            },
            {
                "title": "Remove legacy syscall shims",
                "labels": ["enhancement", "priority:low"],
                "state": "closed",
                "created": "2024-11-19T09:00:00Z",
            },
            {
                "title": "Fix typo in build guide",
                "labels": ["documentation"],
                "state": "closed",
                "pr": {
                    "branch": "fix-build-guide-typo",
                    "files": {"docs/building.md": "# Building\n\nRun `cargo build --release`.\n"},
                },
                "created": "2024-12-02T13:37:00Z",
            },
        ],
    },
    {
        "name": "agent-runtime",
        "attrs": {
            "description": "Sandboxed runtime that hosts coding agents",
            "language": "Python",
            "topics": ["agents", "autonomy", "runtime"],
            "license_key": "mit",
            "created_at": "2024-02-01T12:00:00Z",
            "updated_at": "2025-04-28T08:00:00Z",
            "pushed_at": "2025-04-28T08:00:00Z",
            "size": 5120,
            "stargazers_count": 98,
            "forks_count": 6,
        },
        "default_labels": True,
        "secrets": ["AGENT_GITHUB_TOKEN", "CODEX_API_KEY", "RUNTIME_DEPLOY_KEY"],
        "variables": {"AUTONOMY_MAX_PRS": "1", "TEAM_SLACK_CHANNEL": "#runtime-oncall"},
        "labels": [
            _pack("priority:medium"),
            ("status:ready", "0e8a16", "acceptance criteria written; an agent may pick it up"),
            _pack("agent:codex"),
            _pack("agent:claude"),
            _pack("incident"),
            _pack("sev-1"),
            ("sev-2", "D93F0B", AUTONOMY_PACK["sev-2"][1]),
            ("Priority: High", "d93f0b", "Important"),
            ("team:runtime", "bfd4f2", "Owned by the runtime team"),
        ],
        "files": {AGENT_LOOP_PATH: AGENT_LOOP, CI_PATH: ci_workflow("python -m pytest")},
        "workflow_states": {"autonomous-agent-loop.yml": "disabled_manually"},
        "issues": [
            {
                "title": "Agent sandbox leaks file descriptors",
                "labels": ["bug", "Priority: High", "team:runtime"],
                "created": "2025-03-01T09:15:00Z",
                "comments": ["Seen after ~200 runs."],
            },
            {
                "title": "Support Claude tool-use streaming",
                "labels": ["enhancement", "agent:claude", "status:ready"],
                "created": "2025-03-05T10:00:00Z",
            },
            {
                "title": "Runtime crash on SIGTERM during checkpoint",
                "labels": ["incident", "sev-2", "Priority: High"],
                "created": "2025-03-09T22:41:00Z",
            },
            {
                "title": "Add codex adapter",
                "labels": ["enhancement", "agent:codex", "team:runtime"],
                "pr": {
                    "branch": "codex-adapter",
                    "files": {"runtime/adapters/codex.py": '"""Adapter for the Codex agent."""\n'},
                },
                "created": "2025-03-12T15:00:00Z",
            },
            {
                "title": "Outage: queue stalled for 40 minutes",
                "labels": ["incident", "sev-1"],
                "state": "closed",
                "created": "2025-02-14T03:12:00Z",
                "comments": ["Root cause: expired lease.", "Postmortem linked."],
            },
            {
                "title": "Clarify timeout defaults",
                "labels": ["question", "priority:medium"],
                "created": "2025-03-20T12:00:00Z",
            },
        ],
    },
    {
        "name": "operations-handbook",
        "attrs": {
            "description": "Runbooks, on-call rota and incident process",
            "language": None,
            "topics": ["autonomy", "operations", "runbooks"],
            "created_at": "2025-04-01T08:00:00Z",
            "updated_at": "2025-04-03T08:00:00Z",
            "pushed_at": "2025-04-03T08:00:00Z",
            "size": 240,
        },
        "default_labels": True,
        "secrets": ["AGENT_GITHUB_TOKEN", "CLAUDE_API_KEY"],
        "labels": [],
        "issues": [
            {
                "title": "Write the incident-commander runbook",
                "labels": ["documentation"],
                "created": "2025-04-02T09:00:00Z",
            },
            {"title": "On-call rota for May", "labels": ["question"], "created": "2025-04-02T10:00:00Z"},
            {
                "title": "Add escalation matrix",
                "labels": ["documentation", "help wanted"],
                "pr": {
                    "branch": "escalation-matrix",
                    "files": {"escalation.md": "# Escalation matrix\n\n| Severity | Page |\n|---|---|\n"},
                },
                "created": "2025-04-02T11:00:00Z",
            },
            {
                "title": "Broken link in README",
                "labels": ["bug"],
                "state": "closed",
                "created": "2025-04-01T12:00:00Z",
            },
            {
                "title": "Template for postmortems",
                "labels": ["enhancement", "good first issue"],
                "created": "2025-04-03T07:30:00Z",
            },
        ],
    },
    {
        "name": "legacy-bootloader",
        "attrs": {
            "description": "Retired BIOS bootloader",
            "language": "C",
            "topics": ["autonomy", "boot"],
            "archived": True,
            "created_at": "2021-06-01T00:00:00Z",
            "updated_at": "2023-01-10T00:00:00Z",
            "pushed_at": "2023-01-10T00:00:00Z",
            "size": 900,
        },
        "default_labels": True,
        "labels": [],
        "issues": [],
    },
    {
        "name": "upstream-libc",
        "attrs": {
            "description": "Fork of a small C library, patched for Sovereign",
            "language": "C",
            "topics": ["autonomy", "libc"],
            "fork": True,
            "created_at": "2024-05-05T00:00:00Z",
            "updated_at": "2025-01-15T00:00:00Z",
            "pushed_at": "2025-01-15T00:00:00Z",
            "size": 30000,
        },
        "default_labels": True,
        "labels": [],
        "issues": [],
    },
    {
        "name": "community-site",
        "attrs": {
            "description": "Website and blog",
            "language": "TypeScript",
            "homepage": "https://example.org",
            "created_at": "2024-08-08T00:00:00Z",
            "updated_at": "2025-03-30T00:00:00Z",
            "pushed_at": "2025-03-30T00:00:00Z",
            "size": 2048,
        },
        "default_labels": True,
        "labels": [],
        "issues": [
            {"title": "Dark mode", "labels": ["enhancement"], "created": "2025-03-01T00:00:00Z"},
        ],
    },
    # The rest of the organisation, so organisation selectors have something to select:
    # a playground that carries the autonomy topic but is excluded by name, a private
    # repository, and repositories that do not carry the topic at all.
    *(
        {
            "name": name,
            "attrs": {
                "description": description,
                "language": language,
                "topics": topics,
                "private": private,
                "visibility": "private" if private else "public",
                "created_at": "2024-10-01T00:00:00Z",
                "updated_at": "2025-02-01T00:00:00Z",
                "pushed_at": "2025-02-01T00:00:00Z",
                "size": 512,
            },
            "default_labels": True,
            "labels": [],
            "issues": [],
        }
        for name, description, language, topics, private in (
            ("agent-playground", "Scratch space for trying agents", "Python", ["autonomy", "sandbox"], False),
            ("design-system", "Shared UI components", "TypeScript", ["design", "ui"], False),
            ("infra-terraform", "Cloud infrastructure as code", "HCL", ["infrastructure"], True),
            ("release-tools", "Release scripts and changelog tooling", "Go", ["release"], False),
            ("security-advisories", "Coordinated disclosure drafts", None, ["security"], True),
            ("mobile-companion", "Companion app for Sovereign devices", "Kotlin", ["mobile"], False),
        )
    ),
]
