"""The OpenAPI document: valid 3.1, with the operations, fields and examples the client relies on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

SPEC_PATH = Path(__file__).parents[1] / "openapi" / "offlineface.yaml"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


def test_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")
    validate(spec, cls=OpenAPIV31SpecValidator)


def test_lists_main_and_backup_hosts(spec: dict[str, Any]) -> None:
    assert [server["url"] for server in spec["servers"]] == [
        "https://api.mch.weixin.qq.com",
        "https://api2.mch.weixin.qq.com",
    ]


def test_operations_have_examples_and_typed_errors(spec: dict[str, Any]) -> None:
    # The operations are the spec's own: adding one needs no change here, only that it follows these rules.
    operations = [op for item in spec["paths"].values() for op in item.values() if isinstance(op, dict)]
    assert operations
    assert len({op["operationId"] for op in operations}) == len(operations)
    declared_tags = {tag["name"] for tag in spec["tags"]}
    for operation in operations:
        assert len(operation["tags"]) == 1 and operation["tags"][0] in declared_tags
        successes = {code: answer for code, answer in operation["responses"].items() if str(code).startswith("2")}
        assert successes, operation["operationId"]
        for answer in successes.values():
            if "content" in answer:
                assert answer["content"]["application/json"]["examples"]
        assert all("example" in parameter for parameter in operation.get("parameters", []))
        for status in ("4XX", "5XX"):
            assert operation["responses"][status] == {"$ref": "#/components/responses/Error"}


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
    # An unknown future state must still parse: the enum or any string.
    assert {"type": "string"} in schema["properties"]["collection_state"]["anyOf"]
