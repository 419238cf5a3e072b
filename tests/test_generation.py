"""The spec's vendor extensions reach the generated code: generated here from a variant of openapi/."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[1]


def generate(spec: dict[str, object], folder: Path) -> Path:
    spec_path = folder / "variant.yaml"
    spec_path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    # The generator and its ruff post-hooks from this environment, as `make generate` runs them.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(
        [str(ROOT / "scripts" / "generate.sh"), str(folder / "out"), str(spec_path)],
        check=True,
        capture_output=True,
        env=env,
    )
    return folder / "out" / "wechatpay_offlineface"


def test_an_operation_marked_idempotent_gets_the_extension_and_sensitive_fields_follow_the_spec(
    tmp_path: Path,
) -> None:
    spec = yaml.safe_load((ROOT / "openapi" / "offlineface.yaml").read_text(encoding="utf-8"))
    spec["paths"]["/v3/offlineface/transactions"]["post"]["x-wechatpay-idempotent"] = True
    # A field newly marked sensitive, two levels down, and one no longer marked.
    amount = spec["components"]["schemas"]["DeductionSceneInfo"]["properties"]["device_ip"]
    amount["x-wechatpay-sensitive"] = True
    del spec["components"]["schemas"]["FaceUserUpdate"]["properties"]["phone"]["x-wechatpay-sensitive"]
    package = generate(spec, tmp_path)

    deduction = (package / "api" / "transactions" / "create_deduction.py").read_text(encoding="utf-8")
    assert '"wechatpay.idempotent": True' in deduction
    assert '"wechatpay.sensitive_fields": ("scene_info.device_ip",)' in deduction
    update = (package / "api" / "face_users" / "update_face_user_by_out_user_id.py").read_text(encoding="utf-8")
    assert '"wechatpay.sensitive_fields": ("user_name",)' in update
    for unmarked in ("create_repayment_url.py", "get_deduction_by_out_trade_no.py"):
        text = next(package.glob(f"api/*/{unmarked}")).read_text(encoding="utf-8")
        assert "wechatpay.idempotent" not in text and "wechatpay.sensitive_fields" not in text
    # The hand-written helpers ship inside the package.
    assert (package / "pagination.py").read_text() == (ROOT / "generator/package_extras/pagination.py").read_text()
