"""The import contracts (make importlint) name every script and recipe: a new one is forbidden to the plugin too."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_plugin_is_forbidden_every_script_and_recipe() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    plugin = next(c for c in contracts if c["type"] == "forbidden" and c["source_modules"] == ["wechatpay_signing"])
    for folder in ("scripts", "recipes"):
        modules = {path.stem for path in (ROOT / folder).glob("*.py")}
        assert modules, f"no modules found in {folder}/"
        assert modules - set(plugin["forbidden_modules"]) == set(), folder
    assert {"wechatpay_sandbox", "wechatpay_offlineface"} <= set(plugin["forbidden_modules"])
