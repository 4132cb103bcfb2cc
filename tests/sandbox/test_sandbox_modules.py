"""The sandbox's state is split along its ideas, and code that imports its names keeps working."""

from __future__ import annotations

from pathlib import Path

from reconciler.sandbox import codec, identities, model, mutations, state
from reconciler.sandbox.seed import seeded_state

SANDBOX = Path(state.__file__).parent


def test_each_idea_of_the_state_has_its_module_and_state_keeps_every_name() -> None:
    # The data, the consistent changes, who sees what, and the JSON codec live apart...
    assert model.RepoState.__module__ == "reconciler.sandbox.model"
    assert identities.TokenGrant.__module__ == "reconciler.sandbox.identities"
    assert issubclass(state.SandboxState, mutations.StateMutations)
    # ...and every name routes, tests and benchmarks import from `state` is still there.
    for name in ("RepoState", "Issue", "Label", "Variable", "Secret", "TokenGrant", "ROLES", "branch_ref", "utc_now"):
        assert getattr(state, name) is getattr(model if hasattr(model, name) else identities, name), name


def test_the_codec_round_trips_the_seeded_world() -> None:
    world = seeded_state()
    data = codec.to_json(world)
    again = state.SandboxState.from_json(data)

    assert codec.to_json(again) == data
    assert again.find_repo("Sovereign-Operating-System", "sovereign-kernel") is not None


def test_no_sandbox_module_is_over_the_house_limit() -> None:
    sizes = {
        path.relative_to(SANDBOX): len(path.read_text(encoding="utf-8").splitlines()) for path in SANDBOX.rglob("*.py")
    }
    assert sizes[Path("state.py")] <= 400
    assert {path: lines for path, lines in sizes.items() if lines > 450} == {}
