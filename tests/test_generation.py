"""The spec's vendor extensions reach the generated code: generated here from a variant of openapi/."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
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


def test_a_webhook_added_to_the_spec_is_mapped_to_its_model_without_code_edits(tmp_path: Path) -> None:
    spec = yaml.safe_load((ROOT / "openapi" / "offlineface.yaml").read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    schemas["ContractRefund"] = {
        "type": "object",
        "required": ["refund_id"],
        "properties": {"refund_id": {"type": "string"}},
    }
    webhook = yaml.safe_load(yaml.safe_dump(spec["webhooks"]["FACEPAY.USER_STATE_CHANGE"]))
    webhook["post"]["operationId"] = "onContractRefund"
    webhook["post"]["x-wechatpay-event-type"] = "FACEPAY.CONTRACT_REFUND"
    webhook["post"]["x-wechatpay-resource"] = {"$ref": "#/components/schemas/ContractRefund"}
    spec["webhooks"]["FACEPAY.CONTRACT_REFUND"] = webhook
    package = generate(spec, tmp_path)

    # The generated package, not the installed one, maps both event types; the new one gives its model.
    probe = """
import sys
sys.path[:0] = sys.argv[1:]
from wechatpay_offlineface import notifications
from wechatpay_signing import Notification
assert notifications.__file__.startswith(sys.argv[1]), notifications.__file__
print(sorted((event, model.__name__) for event, model in notifications.RESOURCE_MODELS.items()))
note = Notification("EV-1", None, "FACEPAY.CONTRACT_REFUND", "encrypt-resource", "", {"refund_id": "R1"})
print(type(notifications.typed_resource(note)).__name__, notifications.typed_resource(note).refund_id)
"""
    shown = subprocess.run(
        [sys.executable, "-c", probe, str(package.parent), str(ROOT / "signing_plugin")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert shown == [
        "[('FACEPAY.CONTRACT_REFUND', 'ContractRefund'), ('FACEPAY.USER_STATE_CHANGE', 'UserStateChangeResource')]",
        "ContractRefund R1",
    ]
    assert "WebhookResource: TypeAlias = ContractRefund | UserStateChangeResource" in (
        package / "models" / "__init__.py"
    ).read_text(encoding="utf-8")
    # The hand-written module ships as it is kept.
    assert (package / "notifications.py").read_text() == (
        ROOT / "generator/package_extras/notifications.py"
    ).read_text()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda post: post.pop("x-wechatpay-event-type"), "needs x-wechatpay-event-type"),
        (lambda post: post.pop("x-wechatpay-resource"), "needs x-wechatpay-resource"),
        (lambda post: post.update({"x-wechatpay-resource": "UserStateChangeResource"}), "needs x-wechatpay-resource"),
        (lambda post: post.update({"x-wechatpay-resource": {"$ref": "#/components/schemas/Nope"}}), "names no schema"),
    ],
)
def test_a_webhook_without_its_event_type_or_resource_stops_the_generation(
    tmp_path: Path, change: Callable[[dict[str, object]], object], message: str
) -> None:
    spec = yaml.safe_load((ROOT / "openapi" / "offlineface.yaml").read_text(encoding="utf-8"))
    change(spec["webhooks"]["FACEPAY.USER_STATE_CHANGE"]["post"])
    spec_path = tmp_path / "variant.yaml"
    spec_path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "spec_extensions.py"), str(spec_path)], capture_output=True, text=True
    )
    assert run.returncode != 0 and run.stdout == ""
    assert message in run.stderr


def test_two_webhooks_with_one_event_type_stop_the_generation(tmp_path: Path) -> None:
    spec = yaml.safe_load((ROOT / "openapi" / "offlineface.yaml").read_text(encoding="utf-8"))
    spec["webhooks"]["AGAIN"] = spec["webhooks"]["FACEPAY.USER_STATE_CHANGE"]
    spec_path = tmp_path / "variant.yaml"
    spec_path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "spec_extensions.py"), str(spec_path)], capture_output=True, text=True
    )
    assert run.returncode != 0 and "given by two webhooks" in run.stderr
