"""The bytes of the files seeded repositories start with.

``AGENT_LOOP`` is a copy of ``desired-state/workflows/autonomous-agent-loop.yml`` (the
sandbox never reads the desired state: it plays GitHub, and a test checks the copy still
matches). ``OUTDATED_AGENT_LOOP`` is the same file as an earlier revision of it looked: a
different schedule, runs that cancel each other, older action versions and no
``.agent-workspace/STOP`` check, so a reconciler has a realistic few-hunk diff to show.
"""

from __future__ import annotations

AGENT_LOOP_PATH = ".github/workflows/autonomous-agent-loop.yml"
CI_PATH = ".github/workflows/ci.yml"

AGENT_LOOP = r"""# Sovereign Autonomy Pack: the agent loop. Managed by reconciler; edit it in the
# desired-state repository, not in the repositories it is copied to.
#
# Per-repository limits come from Actions variables (set from `limits:` in desired state),
# so this one file serves every repository:
#   AUTONOMY_MAX_ISSUES, AUTONOMY_MAX_PRS, AUTONOMY_MAX_RUNTIME_MINUTES,
#   AUTONOMY_MAX_FILES_CHANGED, AUTONOMY_DEFAULT_AGENT
# Emergency stop (runbook, SEV-1): commit .agent-workspace/STOP, or set the workflow's
# `state: disabled` in desired state and apply.
name: Autonomous Agent Loop

on:
  schedule:
    # Hourly, off the top of the hour when GitHub's scheduler is busiest.
    - cron: "17 * * * *"
  workflow_dispatch:
    inputs:
      agent_name:
        description: Agent to run
        type: choice
        options: [codex, claude]
        default: codex
        required: true
      max_issues:
        description: Issues to process in this run (capped by AUTONOMY_MAX_ISSUES)
        type: string
        required: false

# Nothing by default; each job asks for exactly what it needs.
permissions: {}

# One loop per repository at a time; a run never cancels one that is mid-issue.
concurrency:
  group: autonomous-agent-loop-${{ github.repository }}
  cancel-in-progress: false

jobs:
  gate:
    name: Check the stop file and limits
    runs-on: ubuntu-latest
    timeout-minutes: 5
    permissions:
      contents: read
    outputs:
      stopped: ${{ steps.stop.outputs.stopped }}
      max_issues: ${{ steps.limits.outputs.max_issues }}
    steps:
      - uses: actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803 # v6.1.0
        with:
          sparse-checkout: .agent-workspace
          persist-credentials: false

      - name: Honour .agent-workspace/STOP
        id: stop
        run: |
          if [ -f .agent-workspace/STOP ]; then
            echo "::warning title=Agent loop stopped::.agent-workspace/STOP exists; remove it to resume."
            echo "stopped=true" >> "$GITHUB_OUTPUT"
          else
            echo "stopped=false" >> "$GITHUB_OUTPUT"
          fi

      - name: Work out this run's issue budget
        id: limits
        env:
          REQUESTED: ${{ inputs.max_issues }}
          LIMIT: ${{ vars.AUTONOMY_MAX_ISSUES || '1' }}
        run: |
          budget="$LIMIT"
          if [ -n "$REQUESTED" ]; then
            case "$REQUESTED" in
              *[!0-9]*) echo "::error::max_issues must be a whole number, got '$REQUESTED'"; exit 1 ;;
            esac
            if [ "$REQUESTED" -lt "$LIMIT" ]; then budget="$REQUESTED"; fi
          fi
          echo "max_issues=$budget" >> "$GITHUB_OUTPUT"
          echo "Issue budget for this run: $budget (repository limit $LIMIT)"

  agent:
    name: Run the agent
    needs: gate
    if: needs.gate.outputs.stopped != 'true' && needs.gate.outputs.max_issues != '0'
    runs-on: ubuntu-latest
    timeout-minutes: ${{ fromJSON(vars.AUTONOMY_MAX_RUNTIME_MINUTES || '60') }}
    permissions:
      contents: write
      issues: write
      pull-requests: write
    env:
      AGENT_NAME: ${{ inputs.agent_name || vars.AUTONOMY_DEFAULT_AGENT || 'codex' }}
      MAX_ISSUES: ${{ needs.gate.outputs.max_issues }}
      MAX_PRS: ${{ vars.AUTONOMY_MAX_PRS || '1' }}
      MAX_FILES_CHANGED: ${{ vars.AUTONOMY_MAX_FILES_CHANGED || '20' }}
    steps:
      - uses: actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803 # v6.1.0
        with:
          fetch-depth: 0

      - name: Pick eligible issues
        env:
          GH_TOKEN: ${{ github.token }}
        run: |
          gh issue list --state open --label "status:ready" --limit "$MAX_ISSUES" \
            --json number,title,labels > .agent-eligible.json
          echo "Eligible issues: $(jq length .agent-eligible.json)"

      - name: Run ${{ env.AGENT_NAME }}
        env:
          GH_TOKEN: ${{ secrets.AGENT_GITHUB_TOKEN }}
          CODEX_API_KEY: ${{ secrets.CODEX_API_KEY }}
          CLAUDE_API_KEY: ${{ secrets.CLAUDE_API_KEY }}
        run: |
          make autonomy.run agent="$AGENT_NAME" max_issues="$MAX_ISSUES" \
            max_prs="$MAX_PRS" max_files_changed="$MAX_FILES_CHANGED"

      - name: Keep the session summary
        if: always()
        uses: actions/upload-artifact@b7c566a772e6b6bfb58ed0dc250532a479d7789f # v6.0.0
        with:
          name: autonomous-session-${{ github.run_id }}
          path: AUTONOMOUS_SESSION_*.md
          if-no-files-found: ignore
          retention-days: 30
"""

# The agent loop pins its actions by commit; the earlier revision still named them by tag.
_PINNED_CHECKOUT = "actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803 # v6.1.0"
_PINNED_UPLOAD_ARTIFACT = "actions/upload-artifact@b7c566a772e6b6bfb58ed0dc250532a479d7789f # v6.0.0"

# (current text, how the earlier revision had it); each must occur in AGENT_LOOP.
_EARLIER_REVISION: list[tuple[str, str]] = [
    (
        "# Emergency stop (runbook, SEV-1): commit .agent-workspace/STOP, or set the workflow's\n"
        "# `state: disabled` in desired state and apply.\n",
        "# Emergency stop (runbook, SEV-1): set the workflow's `state: disabled` in desired\n# state and apply.\n",
    ),
    (
        '    # Hourly, off the top of the hour when GitHub\'s scheduler is busiest.\n    - cron: "17 * * * *"\n',
        '    # Every two hours.\n    - cron: "0 */2 * * *"\n',
    ),
    (
        "# One loop per repository at a time; a run never cancels one that is mid-issue.\n"
        "concurrency:\n"
        "  group: autonomous-agent-loop-${{ github.repository }}\n"
        "  cancel-in-progress: false\n",
        "# One loop per repository at a time; a newer run replaces an older one.\n"
        "concurrency:\n"
        "  group: autonomous-agent-loop-${{ github.repository }}\n"
        "  cancel-in-progress: true\n",
    ),
    ("    name: Check the stop file and limits\n", "    name: Check limits\n"),
    ("      stopped: ${{ steps.stop.outputs.stopped }}\n", ""),
    (
        "      - uses: " + _PINNED_CHECKOUT + "\n"
        "        with:\n"
        "          sparse-checkout: .agent-workspace\n"
        "          persist-credentials: false\n"
        "\n"
        "      - name: Honour .agent-workspace/STOP\n"
        "        id: stop\n"
        "        run: |\n"
        "          if [ -f .agent-workspace/STOP ]; then\n"
        '            echo "::warning title=Agent loop stopped::'
        '.agent-workspace/STOP exists; remove it to resume."\n'
        '            echo "stopped=true" >> "$GITHUB_OUTPUT"\n'
        "          else\n"
        '            echo "stopped=false" >> "$GITHUB_OUTPUT"\n'
        "          fi\n"
        "\n",
        "      - uses: actions/checkout@v4\n\n",
    ),
    (
        "    if: needs.gate.outputs.stopped != 'true' && needs.gate.outputs.max_issues != '0'\n",
        "    if: needs.gate.outputs.max_issues != '0'\n",
    ),
    (
        "      - uses: " + _PINNED_CHECKOUT + "\n        with:\n          fetch-depth: 0\n",
        "      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n",
    ),
    ("        uses: " + _PINNED_UPLOAD_ARTIFACT + "\n", "        uses: actions/upload-artifact@v4\n"),
]


def _earlier_revision(text: str) -> str:
    for current, earlier in _EARLIER_REVISION:
        if text.count(current) != 1:
            raise ValueError(f"seed: the agent loop no longer contains {current!r} exactly once")
        text = text.replace(current, earlier)
    return text


OUTDATED_AGENT_LOOP = _earlier_revision(AGENT_LOOP)


def ci_workflow(test_command: str) -> str:
    """A small CI workflow of the kind nobody manages centrally (and no tool may touch)."""
    return f"""name: CI

on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read

jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: {test_command}
"""


def readme(name: str, description: str | None) -> str:
    return f"# {name}\n\n{description}\n" if description else f"# {name}\n"
