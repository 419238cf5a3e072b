"""The README's "Change the spec and regenerate" walkthrough, followed exactly as written, in a copy of the repository.

The copy uses this checkout's .venv (the pinned tools, no download) with the copy's own packages first on the path,
so the documented `make generate` and `make test` run on the edited spec. Slow: it runs the whole everyday suite
once more (`make test-slow` and CI run it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
TOOLS = [".venv/.installed", "node_modules/.installed"]  # make's marks of installed tools, shared with the copy
NESTED = "WECHATPAY_WALKTHROUGH_COPY"  # set in the copy, so that its own suite does not start another copy


def walkthrough() -> str:
    readme = ROOT.joinpath("README.md").read_text(encoding="utf-8")
    found = re.search(r"^## Change the spec and regenerate\n(.*?)^## ", readme, re.DOTALL | re.MULTILINE)
    assert found, "README.md has no 'Change the spec and regenerate' section"
    return found.group(1)


def steps(section: str) -> list[tuple[str, str]]:
    """(words before the block, block) for each fenced block, its list indentation removed."""
    found = []
    for match in re.finditer(r"^( *)```(\w+)\n(.*?)^\1```\n", section, re.DOTALL | re.MULTILINE):
        indent = match.group(1)
        block = "".join(line.removeprefix(indent) + "\n" for line in match.group(3).splitlines())
        words = section[: match.start()].rstrip().rsplit("\n\n", 1)[-1]
        found.append((match.group(2), words, block))
    return [(words, f"{kind}\n{block}") for kind, words, block in found]


def add_under(spec: str, key: str, block: str) -> str:
    """The YAML block inserted at the top of a top-level key's contents, as the README says to."""
    lines = spec.splitlines(keepends=True)
    at = lines.index(f"{key}:\n") + 1
    return "".join(lines[:at]) + block + "".join(lines[at:])


def copy_repository(target: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)  # times kept: make sees the tools as installed
    # The tools make installs (Python's, and npm's for the spec's linter) are this checkout's, already installed.
    for tools in TOOLS:
        (target / tools.split("/")[0]).symlink_to(ROOT / tools.split("/")[0], target_is_directory=True)


@pytest.mark.slow
@pytest.mark.skipif(bool(os.environ.get(NESTED)), reason="already inside the walkthrough's copy")
def test_the_readme_walkthrough_passes_as_written(tmp_path: Path) -> None:
    missing = [tools for tools in TOOLS if not (ROOT / tools).exists()]
    if missing:
        pytest.skip(f"needs the tools `make test` installs first ({', '.join(missing)})")
    repository = tmp_path / "repository"
    copy_repository(repository)
    (tmp_path / "tmp").mkdir()
    env = {
        **os.environ,
        NESTED: "1",
        "TMPDIR": str(tmp_path / "tmp"),  # the copy's own pytest folders, apart from this run's
        # The copy's packages before the .venv's editable install of this checkout.
        "PYTHONPATH": os.pathsep.join(
            str(repository / folder) for folder in ("generated", "signing_plugin", "sandbox")
        ),
    }
    # The shared tools must be up to date, so that the copy's make installs nothing into them.
    assert subprocess.run(["make", "-q", *TOOLS], cwd=repository, env=env, check=False).returncode == 0

    spec_path = repository / "openapi" / "offlineface.yaml"
    commands: list[str] = []
    for words, block in steps(walkthrough()):
        kind, body = block.split("\n", 1)
        if kind == "yaml":
            key = re.search(r"`(\w+):`", words)
            assert key, f"a YAML step must say under which key it goes: {words!r}"
            spec_path.write_text(add_under(spec_path.read_text(encoding="utf-8"), key.group(1), body), encoding="utf-8")
        elif kind == "sh":
            commands += [line for line in body.splitlines() if line.strip()]
    assert commands == ["make generate", "make test"]

    for command in commands:
        done = subprocess.run(command.split(), cwd=repository, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{command} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"

    module = repository / "generated" / "wechatpay_offlineface" / "api" / "iot_devices" / "get_device_inspection.py"
    assert module.is_file()
    assert "get_device_inspection" in (repository / "generated" / "README.md").read_text(encoding="utf-8")
    # The copy stayed a copy: this checkout's client has no such module.
    assert not (ROOT / "generated" / "wechatpay_offlineface" / "api" / "iot_devices").exists()
