"""Write the sandbox's view of openapi/: each operation's parameters and JSON body schema, references inlined.

The sandbox checks requests against it as WeChat Pay would (400 PARAM_ERROR), so it needs no hand-kept copy of the
spec's rules. `make generate` writes sandbox/wechatpay_sandbox/operations.json; `make check-generated` fails when it
is out of date.

Usage: ``python scripts/sandbox_operations.py openapi/offlineface.yaml > sandbox/wechatpay_sandbox/operations.json``
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

METHODS = ("get", "put", "post", "delete", "patch")
# Annotations only: the validator needs the rules, not the prose or the vendor extensions.
DROPPED = {"description", "examples", "example", "summary"}
INTEGER_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def inline(spec: Mapping[str, Any], node: Any, depth: int = 0, *, names: bool = False) -> Any:
    """The node with every local $ref replaced by its target (the spec has no recursive schema).

    ``names`` says the node's keys are property names (under ``properties``), which are kept whatever they are.
    """
    if depth > 50:
        raise ValueError("schema nested deeper than 50 levels: a recursive $ref?")
    if isinstance(node, list):
        return [inline(spec, item, depth + 1) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node and not names:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return inline(spec, target, depth + 1)
    inlined = {
        key: inline(spec, value, depth + 1, names=key == "properties" and not names)
        for key, value in node.items()
        if names or (key not in DROPPED and not key.startswith("x-"))
    }
    if not names and inlined.get("format") in INTEGER_RANGES:
        # JSON Schema treats format as a note; OpenAPI's int32/int64 are bounds, as WeChat Pay's parser has them.
        low, high = INTEGER_RANGES[inlined["format"]]
        inlined = {"minimum": low, "maximum": high} | inlined
    return inlined


def success(spec: Mapping[str, Any], operation: Mapping[str, Any]) -> tuple[int, Any]:
    """The documented 2xx status and its first example body (None without a body): the sandbox's answer for an
    operation no handler serves yet."""
    code = next(code for code in operation["responses"] if str(code).startswith("2"))
    response = resolve(spec, operation["responses"][code])
    media = response.get("content", {}).get("application/json")
    if media is None:
        return int(code), None
    examples = media.get("examples", {})
    if not examples:
        raise ValueError(f"{operation['operationId']}: its {code} answer has no example for the sandbox to send")
    return int(code), resolve(spec, next(iter(examples.values())))["value"]


def resolve(spec: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def sensitive_paths(spec: Mapping[str, Any], schema: Any, prefix: str = "", depth: int = 0) -> list[str]:
    """The dotted paths of the body's ``x-wechatpay-sensitive`` properties: the fields WeChat Pay decrypts."""
    if depth > 50 or not isinstance(schema, Mapping):
        return []
    schema = resolve(spec, schema)
    found = []
    for name, child in schema.get("properties", {}).items():
        child = resolve(spec, child)
        if child.get("x-wechatpay-sensitive"):
            found.append(prefix + name)
        found += sensitive_paths(spec, child, f"{prefix}{name}.", depth + 1)
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key, []):
            found += sensitive_paths(spec, part, prefix, depth + 1)
    return sorted(set(found))


def operations(spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [inline(spec, p) for p in operation.get("parameters", [])]
            body = operation.get("requestBody")
            body = None if body is None else inline(spec, body)
            status, example = success(spec, operation)
            found.append(
                {
                    "operation_id": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "parameters": [
                        {"name": p["name"], "in": p["in"], "required": p.get("required", False), "schema": p["schema"]}
                        for p in parameters
                    ],
                    "body_required": bool(body and body.get("required")),
                    "body_schema": None if body is None else body["content"]["application/json"]["schema"],
                    "sensitive": sensitive_paths(spec, raw_body_schema(spec, operation)),
                    "success_status": status,
                    "success_example": example,
                }
            )
    return found


def raw_body_schema(spec: Mapping[str, Any], operation: Mapping[str, Any]) -> Any:
    body = operation.get("requestBody")
    if body is None:
        return None
    return resolve(spec, body)["content"]["application/json"]["schema"]


def main(argv: list[str]) -> int:
    spec = yaml.safe_load(Path(argv[1]).read_text(encoding="utf-8"))
    sys.stdout.write(json.dumps(operations(spec), ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
