"""Examples at the end of each command's --help.

Every example runs as written against the built-in sandbox (a test runs them all, in order,
on a fresh sandbox, and holds each to the exit code its comment names, 0 when it names none),
so an example can never drift away from what the command accepts.
"""

from __future__ import annotations

EXAMPLES_HEADING = "Examples (they run on the built-in sandbox; without --sandbox they reach GitHub):"
# The example organisation's repositories, as the sandbox seeds them.
RUNTIME = "Sovereign-Operating-System/agent-runtime"
KERNEL = "Sovereign-Operating-System/sovereign-kernel"
HANDBOOK = "Sovereign-Operating-System/operations-handbook"
SITE = "Sovereign-Operating-System/community-site"
INFRA = "Sovereign-Operating-System/infra-terraform"
RELEASE = "Sovereign-Operating-System/release-tools"
ORG = "Sovereign-Operating-System"


def examples(*lines: str, note: str = "") -> str:
    """A click epilog: the heading, then the lines kept exactly as written (click's \\b)."""
    body = "\n".join(f"  {line}" for line in lines)
    text = f"{EXAMPLES_HEADING}\n\n\b\n{body}"
    return f"{text}\n\n{note}" if note else text


TOP_LEVEL_EPILOG = examples(
    "reconciler validate                          # check the files; contacts nothing",
    "reconciler plan --sandbox                    # what apply would change",
    "reconciler apply --sandbox --auto-approve    # exit 1: one secret needs a person",
    note='Shell completion: eval "$(_RECONCILER_COMPLETE=bash_source reconciler)" in ~/.bashrc '
    "(zsh_source in ~/.zshrc; fish_source for fish); see the README. NO_COLOR=1 or --no-color: no "
    "colour or other styling.",
)
