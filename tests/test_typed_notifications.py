"""The typed resource of a notification: the spec's model picked by event type (wechatpay_offlineface.notifications).

Notifications are built here independently of the project: AES-256-GCM by the cryptography primitive and the
signature by openssl (tests/support.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import MappingProxyType

import pytest
import yaml
from wechatpay_offlineface.models import UserStateChangeResource
from wechatpay_offlineface.notifications import RESOURCE_MODELS, typed_resource
from wechatpay_offlineface.types import UNSET
from wechatpay_signing import (
    MerchantSigner,
    Notification,
    NotificationDecryptionError,
    ResponseVerifier,
    WeChatPayAuth,
    WeChatPayError,
    parse_notification,
)

from .support import (
    MCHID,
    MERCHANT_SERIAL,
    NOTIFICATION_APIV3_KEY,
    PUBLIC_KEY_ID,
    USER_STATE_CHANGE,
    pem,
    raised,
    signed_notification,
    signed_response_headers,
)
from .test_traceback_secrets import leaked

ROOT = Path(__file__).parents[1]
NOW = 1_764_460_800
VERIFIER = ResponseVerifier({PUBLIC_KEY_ID: pem("wechatpay_pub_key.pem")})
AUTH = WeChatPayAuth(
    MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem")), VERIFIER, apiv3_key=NOTIFICATION_APIV3_KEY
)


def parsed(resource: object = USER_STATE_CHANGE, *, event_type: str | None = None) -> list[Notification]:
    """One notification, as the function and as the auth's method read it."""
    headers, body = signed_notification(resource, timestamp=NOW)
    if event_type is not None:
        envelope = json.loads(body)
        envelope["event_type"] = event_type
        body = json.dumps(envelope, ensure_ascii=False).encode()
        headers = signed_response_headers(body, timestamp=NOW)
    return [
        parse_notification(headers, body, verifier=VERIFIER, apiv3_key=NOTIFICATION_APIV3_KEY, now=NOW),
        AUTH.parse_notification(headers, body, now=NOW),
    ]


def test_the_spec_webhooks_give_the_mapping() -> None:
    assert dict(RESOURCE_MODELS) == {"FACEPAY.USER_STATE_CHANGE": UserStateChangeResource}
    assert isinstance(RESOURCE_MODELS, MappingProxyType)
    with pytest.raises(TypeError):
        RESOURCE_MODELS["FACEPAY.USER_STATE_CHANGE"] = dict  # type: ignore[index]


def test_a_user_state_change_gets_the_generated_model_with_its_values() -> None:
    for notification in parsed():
        state = typed_resource(notification)
        assert type(state) is UserStateChangeResource
        assert state.user_id == "100000000000000001"
        assert state.out_user_id == "stu-20260001"
        assert state.organization_id == "123"
        assert state.mch_id == "1900000109"
        assert state.notify_create_time == "2026-11-30T08:00:00+08:00"
        assert state.appid == "wx2421b1c4370ec43b"
        assert state.openid == "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
        assert state.contract_id == "CT20261130000001"
        assert state.additional_properties == {}
        # The same as the explicit view, and the dict is still there.
        assert state == notification.resource_as(UserStateChangeResource)
        assert notification.resource == USER_STATE_CHANGE


def test_an_optional_field_left_out_and_an_unknown_field_kept() -> None:
    resource = {k: v for k, v in USER_STATE_CHANGE.items() if k != "contract_id"} | {"new_field": "x"}
    state = typed_resource(parsed(resource)[0])
    assert isinstance(state, UserStateChangeResource)
    assert state.contract_id is UNSET
    assert state.additional_properties == {"new_field": "x"}


def test_an_event_type_the_spec_does_not_know_has_no_typed_resource() -> None:
    resource = {"transaction_id": "4200000000001", "amount": 1}
    for notification in parsed(resource, event_type="TRANSACTION.SUCCESS"):
        assert notification.event_type == "TRANSACTION.SUCCESS"
        assert typed_resource(notification) is None
        assert notification.resource == resource


@pytest.mark.parametrize("event_type", ["facepay.user_state_change", "FACEPAY.USER_STATE_CHANGE ", ""])
def test_the_event_type_is_matched_exactly(event_type: str) -> None:
    assert typed_resource(parsed(event_type=event_type)[0]) is None


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"openid": None}, "lacks openid"),  # None: the key is left out
        ({"out_user_id": 20260001}, "TypeError"),
        ({"contract_id": ["CT1"]}, "TypeError"),
    ],
)
def test_a_malformed_resource_of_a_known_event_is_a_clear_error(change: dict[str, object], named: str) -> None:
    resource = {k: v for k, v in (USER_STATE_CHANGE | change).items() if v is not None}
    for notification in parsed(resource):
        with pytest.raises(NotificationDecryptionError) as caught:
            typed_resource(notification)
        error = caught.value
        assert isinstance(error, WeChatPayError)
        assert error.cause == "malformed"
        message = str(error)
        assert "FACEPAY.USER_STATE_CHANGE" in message and "UserStateChangeResource" in message and named in message
        # No decrypted value in the message (the openid and the merchant's user id are personal data).
        for value in ("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "20260001", "CT1", "wx2421b1c4370ec43b"):
            assert value not in message
        assert error.__cause__ is None and error.__suppress_context__


def test_a_resource_that_decrypts_to_a_non_object_never_reaches_typed_resource() -> None:
    headers, body = signed_notification(["not", "an", "object"], timestamp=NOW)
    with pytest.raises(NotificationDecryptionError, match="not a JSON object"):
        parse_notification(headers, body, verifier=VERIFIER, apiv3_key=NOTIFICATION_APIV3_KEY, now=NOW)


def test_a_malformed_resource_leaves_no_plaintext_in_the_frames() -> None:
    [notification, _] = parsed({"out_user_id": "SECRET-USER-7", "openid": "SECRET-OPENID-9"})
    error = raised(lambda: typed_resource(notification))
    assert isinstance(error, NotificationDecryptionError)
    assert "lacks user_id" in str(error)
    assert leaked(error, ["SECRET-USER-7", "SECRET-OPENID-9"]) == []


def test_each_webhook_s_declared_event_type_agrees_with_its_body_schema_and_example() -> None:
    """x-wechatpay-event-type is what the webhook's own body says: its event_type examples and its example body."""
    spec = yaml.safe_load((ROOT / "openapi" / "offlineface.yaml").read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    declared = {}
    for name, path_item in spec["webhooks"].items():
        post = path_item["post"]
        event_type = post["x-wechatpay-event-type"]
        declared[event_type] = post["x-wechatpay-resource"]["$ref"].rsplit("/", 1)[1]
        content = post["requestBody"]["content"]["application/json"]
        body_schema = schemas[content["schema"]["$ref"].rsplit("/", 1)[1]]
        assert body_schema["properties"]["event_type"]["examples"] == [event_type], name
        assert all(example["value"]["event_type"] == event_type for example in content["examples"].values()), name
    assert {event: model.__name__ for event, model in RESOURCE_MODELS.items()} == declared
