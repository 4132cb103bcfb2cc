"""Pathological input is refused before anything is sent: exit 1, naming file:line.

The corpus is tests/data/bad-input/: deep nesting, alias bombs, bad globs, `.` and `..` as
repository names. Each case runs through plan and apply against the sandbox, which counts
every request it receives.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from reconciler.desired.yaml_limits import MAX_FILE_BYTES
from reconciler.desired.yaml_source import parse_yaml
from reconciler.errors import Problem
from reconciler.sandbox import Sandbox
from tests.integration.conftest import KERNEL, ROOT, run

CORPUS = ROOT / "tests" / "data" / "bad-input"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.suffix == ".yml" or p.is_dir())
_EXPECT = re.compile(r"^# expect: (\d+): (.+)$")


def expectations(case: Path) -> list[tuple[Path, int, str]]:
    """(file, line, words of the message) from each `# expect:` first line in the case."""
    files = [case] if case.is_file() else sorted(case.rglob("*.yml"))
    found = []
    for path in files:
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        match = _EXPECT.match(first)
        if match:
            found.append((path, int(match[1]), match[2]))
    assert found, f"{case} says what it expects"
    return found


def copy_case(name: str, into: Path) -> Path:
    source = CORPUS / name
    target = into / "bad-input" / name
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    return target


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("command", [("plan",), ("apply", "--auto-approve")])
def test_pathological_input_is_refused_at_its_line_before_any_request(
    name: str, command: tuple[str, ...], live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = copy_case(name, workdir)
    live.stats.reset()
    started = time.monotonic()
    code, out, err = run(capsys, *command, str(case))
    elapsed = time.monotonic() - started

    assert code == 1, out + err
    assert "Traceback" not in err and "hit a bug" not in err
    for path, line, words in expectations(case):
        shown = path.relative_to(workdir).as_posix()
        assert re.search(rf"^{re.escape(shown)}:{line}:\d+: .*{re.escape(words)}", err, re.M), err
    assert live.stats.total() == 0, f"no request may be sent; sent {live.stats.by_route()}"
    assert elapsed < 10, f"refused in {elapsed:.1f}s"


def test_an_alias_bomb_is_refused_in_well_under_a_second() -> None:
    started = time.monotonic()
    found = parse_yaml(CORPUS / "alias-bomb.yml")
    elapsed = time.monotonic() - started
    assert isinstance(found, Problem) and "aliases expand to more than" in found.message
    assert elapsed < 0.5, f"took {elapsed:.2f}s"


def test_a_file_larger_than_the_limit_is_refused_where_the_limit_is_crossed(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = workdir / "big" / "repositories.yml"
    big.parent.mkdir()
    line = f"# {'padding ' * 12}\n"
    lines = MAX_FILE_BYTES // len(line) + 10
    big.write_text("repositories: []\n" + line * lines, encoding="utf-8")
    crossed = (MAX_FILE_BYTES - len("repositories: []\n")) // len(line) + 2
    live.stats.reset()

    code, _, err = run(capsys, "plan", str(big.parent))

    assert code == 1
    assert re.search(rf"^big/repositories\.yml:{crossed}:\d+: larger than 4 MiB", err, re.M), err
    assert live.stats.total() == 0


@pytest.mark.parametrize("repository", ["Sovereign-Operating-System/..", "Sovereign-Operating-System/.", "a/b/c"])
def test_a_repository_named_dot_or_dot_dot_on_the_command_line_is_refused_before_any_request(
    repository: str, live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    live.stats.reset()
    for command in (("plan", "--repo", repository), ("apply", "--auto-approve", "--repo", repository)):
        code, _, err = run(capsys, *command)
        assert code == 1
        assert f"{repository!r} is not a repository" in err
    code, _, err = run(capsys, "import", repository)
    assert code == 1 and f"{repository!r} is not a repository" in err
    assert live.stats.total() == 0


@pytest.mark.parametrize(
    ("globs", "selected"),
    [('["[a-z]*"]', True), ('["sovereign-?ernel", "x"]', True), ('["*.*", "[!a]*"]', True), ('["agent-*"]', False)],
)
def test_valid_globs_still_select_as_fnmatch_does(
    globs: str, selected: bool, live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    """The rules refuse what could never match a repository name, not the globs people use."""
    org = Path("desired-state/organizations/sovereign-operating-system.yml")
    text = org.read_text(encoding="utf-8")
    org.write_text(text.replace("    select:\n", f"    select:\n      include: {globs}\n", 1), encoding="utf-8")
    code, out, err = run(capsys, "plan", "--repo", KERNEL)
    if selected:
        assert code == 0, err
        assert KERNEL in out
    else:
        assert code == 1
        assert f"not declared in the desired state: {KERNEL}" in err
