"""make generate: every operation in the spec becomes a module, and a failed run leaves the old package intact."""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parents[1]
SPEC = ROOT / "openapi" / "offlineface.yaml"
GENERATE = ROOT / "scripts" / "generate.sh"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def spec_operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) for every operation in the spec, read from the spec itself."""
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return [
        (method, path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower().replace("-", "_")


@pytest.mark.parametrize(
    ("method", "path", "operation"), spec_operations(), ids=[op["operationId"] for _, _, op in spec_operations()]
)
def test_every_operation_in_the_spec_is_a_module_of_the_client(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    tag = snake_case(operation.get("tags", ["default"])[0])
    module = importlib.import_module(f"wechatpay_offlineface.api.{tag}.{snake_case(operation['operationId'])}")
    for function in ("sync_detailed", "asyncio_detailed"):
        assert callable(getattr(module, function))
    source = Path(module.__file__ or "").read_text(encoding="utf-8")
    assert f'"method": "{method}"' in source
    assert path.split("{")[0] in source


def tree(folder: Path) -> dict[str, str]:
    """Every file under folder, by relative path, with its SHA-256."""
    return {
        str(file.relative_to(folder)): hashlib.sha256(file.read_bytes()).hexdigest()
        for file in sorted(folder.rglob("*"))
        if file.is_file() and "__pycache__" not in file.parts
    }


def generate(out: Path, spec: Path) -> subprocess.CompletedProcess[str]:
    # The pinned generator and ruff are in this interpreter's environment, as `make generate` puts them on PATH.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        [str(GENERATE), str(out), str(spec)], env=env, capture_output=True, text=True, timeout=300, check=False
    )


BROKEN_SPECS = {
    "not YAML": lambda text: text + "\n  : [unbalanced\n",
    "a dangling $ref": lambda text: text.replace(
        '$ref: "#/components/schemas/FaceCollection"', '$ref: "#/components/schemas/NoSuchSchema"', 1
    ),
    "not OpenAPI": lambda text: text.replace("openapi: 3.1.0", "openapi: 9.9.9", 1),
}


@pytest.mark.parametrize("breakage", sorted(BROKEN_SPECS))
def test_a_broken_spec_leaves_the_old_package_intact_and_says_why(tmp_path: Path, breakage: str) -> None:
    spec = tmp_path / "broken.yaml"
    broken = BROKEN_SPECS[breakage](SPEC.read_text(encoding="utf-8"))
    assert broken != SPEC.read_text(encoding="utf-8")
    spec.write_text(broken, encoding="utf-8")
    out = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", out, ignore=shutil.ignore_patterns("__pycache__"))
    before = tree(out)

    done = generate(out, spec)

    assert done.returncode != 0
    assert "make generate failed" in done.stderr and f"{out} was left as it was" in done.stderr
    assert tree(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["broken.yaml", "generated"]  # no scratch left


def test_a_successful_run_replaces_the_folder_whole(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", out, ignore=shutil.ignore_patterns("__pycache__"))
    stale = out / "wechatpay_offlineface" / "api" / "face_collections" / "removed_operation.py"
    stale.write_text("# an operation since removed from the spec\n", encoding="utf-8")

    done = generate(out, SPEC)

    assert done.returncode == 0, done.stderr
    assert not stale.exists()  # replaced, not overlaid: a removed operation does not linger
    assert tree(out) == tree(ROOT / "generated")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["generated"]


def test_the_generated_folder_holds_the_package_and_its_readme_only() -> None:
    assert sorted(path.name for path in (ROOT / "generated").iterdir() if path.name != "__pycache__") == [
        "README.md",
        "wechatpay_offlineface",
    ]
    readme = (ROOT / "generated" / "README.md").read_text(encoding="utf-8")
    assert "make generate" in readme and "do not edit" in readme
    for _, _, operation in spec_operations():
        assert f".{snake_case(operation['operationId'])}`" in readme
