"""The spec's operations, read from openapi/, with a call to each built from the spec's own examples.

Tests that run every operation take their list from here, so an operation added to the spec is tested without
editing a test.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote

import yaml

SPEC_PATH = Path(__file__).parents[1] / "openapi" / "offlineface.yaml"
METHODS = ("get", "put", "post", "delete", "patch")


@functools.cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec()
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).replace("-", "_").lower()


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    tag: str
    raw: dict[str, Any]

    def __str__(self) -> str:
        return self.operation_id

    @property
    def module(self) -> ModuleType:
        """The generated module: wechatpay_offlineface.api.<tag>.<operationId in snake_case>."""
        return importlib.import_module(
            f"wechatpay_offlineface.api.{snake_case(self.tag)}.{snake_case(self.operation_id)}"
        )

    @property
    def parameters(self) -> list[dict[str, Any]]:
        return [resolve(p) for p in self.raw.get("parameters", [])]

    @property
    def path_parameters(self) -> list[dict[str, Any]]:
        """In the order of the path, as the generated functions take them."""
        by_name = {p["name"]: p for p in self.parameters if p["in"] == "path"}
        return [by_name[name] for name in re.findall(r"{(\w+)}", self.path)]

    @property
    def query_example(self) -> dict[str, Any]:
        return {p["name"]: p["example"] for p in self.parameters if p["in"] == "query" and "example" in p}

    @property
    def body_example(self) -> dict[str, Any] | None:
        body = self.raw.get("requestBody")
        if body is None:
            return None
        examples = resolve(body)["content"]["application/json"]["examples"]
        value: dict[str, Any] = resolve(next(iter(examples.values())))["value"]
        return value

    @property
    def success_status(self) -> int:
        (status,) = [int(code) for code in self.raw["responses"] if code.startswith("2")]
        return status

    @property
    def success_example(self) -> dict[str, Any] | None:
        response = resolve(self.raw["responses"][str(self.success_status)])
        if "content" not in response:
            return None
        examples = response["content"]["application/json"]["examples"]
        value: dict[str, Any] = resolve(next(iter(examples.values())))["value"]
        return value

    @property
    def success_model(self) -> Any:
        """The class sync() returns, or None for an operation that answers 204."""
        annotation = inspect.signature(self.module.sync).return_annotation
        return None if annotation is None or annotation == "None" else annotation

    @property
    def sensitive_fields(self) -> tuple[str, ...]:
        """The dotted paths of the body marked x-wechatpay-sensitive, walked here independently of the generator."""
        body = self.raw.get("requestBody")
        if body is None:
            return ()
        schema = resolve(body)["content"]["application/json"]["schema"]
        return tuple(sorted(path for path, raw in walk_properties(schema) if raw.get("x-wechatpay-sensitive") is True))

    def example_target(self, path_values: dict[str, str] | None = None) -> str:
        """The path with each parameter percent-encoded as one segment, as the client must send it."""
        values = {p["name"]: str(p["example"]) for p in self.path_parameters} | (path_values or {})
        return re.sub(r"{(\w+)}", lambda m: quote(values[m.group(1)], safe=""), self.path)

    def call_args(self, client: Any, path_values: dict[str, str] | None = None) -> tuple[list[Any], dict[str, Any]]:
        """Positional path values in path order, then client=, body= (the generated model) and the query."""
        values = {p["name"]: p["example"] for p in self.path_parameters} | (path_values or {})
        args = [values[p["name"]] for p in self.path_parameters]
        kwargs: dict[str, Any] = {"client": client, **self.query_example}
        body = self.body_example
        if body is not None:
            model = inspect.signature(self.module.sync_detailed).parameters["body"].annotation
            kwargs["body"] = model.from_dict(body)
        return args, kwargs


def walk_properties(schema: dict[str, Any], prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every property under a schema, through $ref, allOf and nested objects, as (dotted path, raw property)."""
    schema = resolve(schema)
    found = []
    for part in schema.get("allOf", []):
        found += walk_properties(part, prefix)
    for name, raw in schema.get("properties", {}).items():
        found.append((prefix + name, raw))
        found += walk_properties(raw, prefix + name + ".")
    return found


def operations() -> list[Operation]:
    found = []
    for path, item in spec()["paths"].items():
        for method, raw in item.items():
            if method in METHODS:
                found.append(Operation(raw["operationId"], method.upper(), path, raw["tags"][0], raw))
    return found
