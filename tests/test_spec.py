"""The OpenAPI document: valid 3.1, with the operations, fields, examples and extensions the client relies on.

Checks that hold for every operation walk the spec's own list, so adding an operation needs no edit here; the
family's 13 operations and their sensitive fields are what the issue and the API catalogue fix by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

SPEC_PATH = Path(__file__).parents[1] / "openapi" / "offlineface.yaml"
METHODS = ("get", "put", "post", "delete", "patch")

# The family as the issue names it: operationId -> (method, path).
FAMILY = {
    "queryOrganization": ("get", "/v3/offlinefacemch/organizations"),
    "createAuthToken": ("post", "/v3/offlinefacemch/tokens"),
    "getFaceUserByOutUserId": (
        "get",
        "/v3/offlinefacemch/organizations/{organization_id}/users/out-user-id/{out_user_id}",
    ),
    "updateFaceUserByOutUserId": (
        "patch",
        "/v3/offlinefacemch/organizations/{organization_id}/users/out-user-id/{out_user_id}",
    ),
    "terminateFaceUserContract": (
        "post",
        "/v3/offlinefacemch/organizations/{organization_id}/users/user-id/{user_id}/terminate-contract",
    ),
    "getDeviceAuthInfo": ("post", "/v3/offlineface/authinfo"),
    "presignContract": ("post", "/v3/offlineface/contracts/presign"),
    "getContract": ("get", "/v3/offlineface/contracts/{contract_id}"),
    "listFaceCollections": ("get", "/v3/offlineface/face-collections"),
    "getFaceCollection": ("get", "/v3/offlineface/face-collections/{collection_id}"),
    "createDeduction": ("post", "/v3/offlineface/transactions"),
    "getDeductionByOutTradeNo": ("get", "/v3/offlineface/transactions/out-trade-no/{out_trade_no}"),
    "createRepaymentUrl": ("post", "/v3/offlineface/repayment-url"),
}
# The catalogue's sensitive request fields (RSA-OAEP): dotted paths into each body.
SENSITIVE = {
    "updateFaceUserByOutUserId": {"user_name", "phone"},
    "presignContract": {
        "facepay_user.identification.identification_number",
        "facepay_user.phone",
        "limit_bank_card.bank_card_number",
        "limit_bank_card.identification_name",
        "limit_bank_card.identification.identification_number",
        "limit_bank_card.phone",
    },
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


def operations(spec: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {
        operation["operationId"]: (method, path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def test_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")
    validate(spec, cls=OpenAPIV31SpecValidator)


def test_lists_main_and_backup_hosts(spec: dict[str, Any]) -> None:
    assert [server["url"] for server in spec["servers"]] == [
        "https://api.mch.weixin.qq.com",
        "https://api2.mch.weixin.qq.com",
    ]


def test_the_whole_family_is_there_by_its_names(spec: dict[str, Any]) -> None:
    found = {op_id: (method, path) for op_id, (method, path, _) in operations(spec).items()}
    assert {op_id: found.get(op_id) for op_id in FAMILY} == FAMILY


def test_face_collections_keep_their_tag(spec: dict[str, Any]) -> None:
    # The tag is the module folder: wechatpay_offlineface.api.face_collections.get_face_collection stays.
    ops = operations(spec)
    assert ops["getFaceCollection"][2]["tags"] == ["face-collections"]
    assert ops["listFaceCollections"][2]["tags"] == ["face-collections"]


def test_every_operation_is_documented_with_examples_and_typed_errors(spec: dict[str, Any]) -> None:
    declared_tags = {tag["name"] for tag in spec["tags"]}
    for op_id, (_, _, operation) in operations(spec).items():
        assert len(operation["tags"]) == 1 and operation["tags"][0] in declared_tags, op_id
        assert operation["summary"], op_id
        for status in ("4XX", "5XX"):
            assert operation["responses"][status] == {"$ref": "#/components/responses/Error"}, op_id
        successes = {code: resolve(spec, r) for code, r in operation["responses"].items() if code.startswith("2")}
        assert successes, op_id
        for response in successes.values():
            if "content" in response:
                assert response["content"]["application/json"]["examples"], op_id
        for parameter in operation.get("parameters", []):
            parameter = resolve(spec, parameter)
            assert "example" in parameter, (op_id, parameter["name"])
            assert parameter["description"], (op_id, parameter["name"])
        if "requestBody" in operation:
            assert operation["requestBody"]["required"] is True, op_id
            assert operation["requestBody"]["content"]["application/json"]["examples"], op_id


def test_protocol_headers_are_never_parameters(spec: dict[str, Any]) -> None:
    # Authorization, Wechatpay-Serial and the other Wechatpay-* headers are the plugin's job.
    for op_id, (_, _, operation) in operations(spec).items():
        locations = {resolve(spec, p)["in"] for p in operation.get("parameters", [])}
        assert "header" not in locations, op_id
    assert "securitySchemes" not in spec["components"]


def test_the_204_operations(spec: dict[str, Any]) -> None:
    ops = operations(spec)
    for op_id in ("updateFaceUserByOutUserId", "terminateFaceUserContract"):
        responses = ops[op_id][2]["responses"]
        assert set(responses) == {"204", "4XX", "5XX"}
        assert "content" not in resolve(spec, responses["204"])


def walk_properties(spec: dict[str, Any], schema: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    schema = resolve(spec, schema)
    for part in schema.get("allOf", []):
        yield from walk_properties(spec, part, prefix)
    for name, raw in schema.get("properties", {}).items():
        yield prefix + name, raw
        yield from walk_properties(spec, raw, prefix + name + ".")


def test_sensitive_fields_are_marked_as_the_catalogue_says(spec: dict[str, Any]) -> None:
    for op_id, (_, _, operation) in operations(spec).items():
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        marked = {
            path
            for path, raw in walk_properties(spec, body.get("schema", {}))
            if raw.get("x-wechatpay-sensitive") is True
        }
        assert marked == SENSITIVE.get(op_id, set()), op_id
    # The face user's own name in presign is plain per the docs; only one SDK's old code encrypted it.
    facepay_user = spec["components"]["schemas"]["PresignFacepayUser"]["properties"]
    assert "x-wechatpay-sensitive" not in facepay_user["identification_name"]


def test_no_write_operation_is_marked_idempotent_without_a_documented_reason(spec: dict[str, Any]) -> None:
    marked = {op_id for op_id, (_, _, op) in operations(spec).items() if op.get("x-wechatpay-idempotent")}
    assert marked == set()


def test_every_enum_in_an_answer_tolerates_unknown_values(spec: dict[str, Any]) -> None:
    """A property that names an enum schema does it inside anyOf with a plain type, so a new value still parses."""
    schemas = spec["components"]["schemas"]
    enums = {f"#/components/schemas/{name}" for name, schema in schemas.items() if "enum" in schema}
    for name, schema in schemas.items():
        for path, raw in walk_properties(spec, schema):
            assert raw.get("$ref") not in enums, f"{name}.{path} uses an enum without anyOf"
            if "enum" in raw:
                pytest.fail(f"{name}.{path} has an inline enum")
            if "anyOf" in raw:
                options = [resolve(spec, option) for option in raw["anyOf"]]
                assert any("enum" not in option for option in options), f"{name}.{path}"


def test_face_collection_fields(spec: dict[str, Any]) -> None:
    schema = spec["components"]["schemas"]["FaceCollection"]
    assert set(schema["required"]) == {"collection_id", "organization_id", "collection_state"}
    assert {"use_id", "user_id", "register_photo_upload_time", "confirm_time"} <= set(schema["properties"])
    assert schema["properties"]["confirm_time"]["format"] == "date-time"
    assert spec["components"]["schemas"]["CollectionState"]["enum"] == [
        "COLLECTION_REQUIRED",
        "PHOTO_UPLOADED",
        "COMPLETE",
    ]
    assert {"type": "string"} in schema["properties"]["collection_state"]["anyOf"]


def test_user_ids_keep_both_spellings(spec: dict[str, Any]) -> None:
    # The docs say use_id, the SDKs and the notification user_id: an answer with either keeps it.
    for name in ("FaceUser", "Contract", "FaceCollection"):
        properties = spec["components"]["schemas"][name]["properties"]
        assert {"use_id", "user_id"} <= set(properties), name
        assert not {"use_id", "user_id"} & set(spec["components"]["schemas"][name].get("required", [])), name


def test_the_user_state_change_notification(spec: dict[str, Any]) -> None:
    webhook = spec["webhooks"]["FACEPAY.USER_STATE_CHANGE"]["post"]
    body = webhook["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/UserStateChangeNotification"}
    resource = spec["components"]["schemas"]["UserStateChangeResource"]
    assert set(resource["required"]) == {
        "user_id",
        "out_user_id",
        "organization_id",
        "mch_id",
        "notify_create_time",
        "appid",
        "openid",
    }
    assert "contract_id" in resource["properties"]  # the website lists it; one SDK does not: optional


def test_the_generated_package_has_a_model_for_every_schema(spec: dict[str, Any]) -> None:
    """Schemas only a webhook uses (UserStateChangeResource) are generated too: the notification parser needs them."""
    import wechatpay_offlineface.models as models

    for name in ("UserStateChangeResource", "UserStateChangeNotification", "EncryptedResource"):
        assert hasattr(models, name), name
