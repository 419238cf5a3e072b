"""Sensitive plaintexts (names, phone numbers, identity and card numbers) stay out of reprs: the generated models
keep each ``x-wechatpay-sensitive`` field out of their repr (from the spec, through the model template), and a
notification keeps its decrypted resource out of its own."""

from __future__ import annotations

import datetime

import httpx
import pytest
import wechatpay_offlineface.models as models
from wechatpay_offlineface import Client
from wechatpay_offlineface.api.face_users import update_face_user_by_out_user_id
from wechatpay_offlineface.models import (
    FaceUserUpdate,
    Identification,
    LimitBankCard,
    PresignFacepayUser,
    PresignRequest,
    UserStateChangeResource,
)
from wechatpay_signing import (
    Notification,
    NotificationDecryptionError,
    SensitiveFieldError,
    SignatureVerificationError,
    httpx_args,
)

from .operations import resolve, spec
from .support import raised
from .test_client import make_auth
from .test_traceback_secrets import leaked

SENSITIVE = "x-wechatpay-sensitive"


def _sensitive_schemas() -> list[tuple[str, list[str]]]:
    """Each component schema with sensitive properties, read from the spec here (not through the generator)."""
    found = []
    for name, schema in spec()["components"]["schemas"].items():
        parts = [schema, *(resolve(part) for part in schema.get("allOf", []))]
        names = sorted(
            key for part in parts for key, value in part.get("properties", {}).items() if value.get(SENSITIVE)
        )
        if names:
            found.append((name, names))
    return found


def test_the_spec_marks_the_catalogues_sensitive_fields() -> None:
    assert dict(_sensitive_schemas()) == {
        "FaceUserUpdate": ["phone", "user_name"],
        "Identification": ["identification_number"],
        "LimitBankCard": ["bank_card_number", "identification_name", "phone"],
        "PresignFacepayUser": ["phone"],
    }


@pytest.mark.parametrize(("schema", "fields"), _sensitive_schemas())
def test_each_sensitive_field_is_out_of_its_models_repr(schema: str, fields: list[str]) -> None:
    model = getattr(models, schema)
    plaintexts = {field: f"PLAINTEXT-{field}-13800138000" for field in fields}
    required = {"identification_type": "IDCARD", "out_user_id": "u1", "organization_id": "O1"}
    instance = model.from_dict({**required, **plaintexts})
    for field, plaintext in plaintexts.items():
        assert getattr(instance, field) == plaintext  # held, and sent (encrypted by the auth)
        assert instance.to_dict()[field] == plaintext
    for text in (repr(instance), str(instance)):
        assert not any(plaintext in text for plaintext in plaintexts.values()), text
        assert "13800138000" not in text


def test_nested_models_hold_no_plaintext_in_repr() -> None:
    update = FaceUserUpdate(user_name="张三", phone="13800138000", user_type="STUDENT")
    assert "张三" not in repr(update) and "13800138000" not in repr(update)
    assert "STUDENT" in repr(update)  # what is not sensitive is still shown
    presign = PresignRequest(
        business_name="K12",
        facepay_user=PresignFacepayUser(
            out_user_id="u1",
            organization_id="O1",
            phone="13900139000",
            identification=Identification(identification_type="IDCARD", identification_number="440300201001010011"),
        ),
        limit_bank_card=LimitBankCard(bank_card_number="6214830000000000", identification_name="张大山"),
    )
    text = repr(presign) + str(presign)
    for plaintext in ("13900139000", "440300201001010011", "6214830000000000", "张大山"):
        assert plaintext not in text
    assert "K12" in text


def test_a_notification_repr_holds_no_decrypted_resource() -> None:
    notification = Notification(
        id="EV-1",
        create_time=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        event_type="FACEPAY.USER_STATE_CHANGE",
        resource_type="encrypt-resource",
        summary="用户签约状态变化",
        resource={"out_user_id": "SECRET-USER-7", "user_name": "张三"},
    )
    assert "SECRET-USER-7" not in repr(notification) and "张三" not in str(notification)
    assert "EV-1" in repr(notification)


def test_a_resource_that_does_not_fit_its_model_leaves_no_plaintext_in_frames() -> None:
    notification = Notification(
        id="EV-2",
        create_time=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        event_type="FACEPAY.USER_STATE_CHANGE",
        resource_type="encrypt-resource",
        summary="用户签约状态变化",
        resource={"out_user_id": "SECRET-USER-7", "openid": "SECRET-OPENID-9"},  # user_id and others missing
    )
    error = raised(lambda: notification.resource_as(UserStateChangeResource))
    assert isinstance(error, NotificationDecryptionError)
    assert leaked(error, ["SECRET-USER-7", "SECRET-OPENID-9"]) == []


def forged_204(request: httpx.Request) -> httpx.Response:
    return httpx.Response(204, headers={"Request-ID": "forged"})


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("failure", ["forged answer", "plaintext too long"])
async def test_a_failed_call_leaves_no_plaintext_in_any_frame(mode: str, failure: str) -> None:
    """pytest --showlocals, rich and Sentry record every frame's locals: the generated call's (its JSON body) and
    httpx's (json=...) held the plaintexts of the sensitive fields."""
    mock = httpx.MockTransport(forged_204)
    client = Client(
        base_url="https://api.mch.weixin.qq.com",
        httpx_args=httpx_args(make_auth(), retry=None, transport=mock, async_transport=mock),
    )
    name = "张三丰" * (30 if failure == "plaintext too long" else 1)
    body = FaceUserUpdate(user_name=name, phone="13800138000")
    try:
        if mode == "sync":
            update_face_user_by_out_user_id.sync("O1", "u1", client=client, body=body)
        else:
            await update_face_user_by_out_user_id.asyncio("O1", "u1", client=client, body=body)
    except (SignatureVerificationError, SensitiveFieldError) as caught:
        error: BaseException = caught
    else:
        raise AssertionError("no error was raised")
    assert leaked(error, ["13800138000", "张三丰"]) == []
