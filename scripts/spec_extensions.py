"""Read the WeChat Pay vendor extensions of openapi/ for the generator's templates.

openapi-python-client keeps no operation-level data for templates and does not resolve a property's ``$ref`` back to
its schema's extensions, so ``scripts/generate.sh`` runs this first and hands its output to the templates as
``wechatpay_extensions.jinja``:

- ``x-wechatpay-sensitive: true`` on a property of a JSON request body, however deep (through ``$ref``, ``allOf``
  and nested objects): the operation's ``sensitive_fields`` lists its dotted path, e.g.
  ``"limit_bank_card.identification.identification_number"``.
- ``x-wechatpay-sensitive: true`` on a property of a component schema: ``sensitive_properties`` lists it under the
  schema's reference as the generator names a model (``/components/schemas/FaceUserUpdate``), so the model template
  keeps its plaintext out of the model's repr.
- ``x-wechatpay-idempotent: true`` on an operation: it is in ``idempotent_operations``.
- ``x-wechatpay-event-type`` and ``x-wechatpay-resource`` (a ``$ref`` to a component schema) on each webhook:
  ``webhook_resources`` maps the event type to the schema's reference as the generator names a model
  (``{"FACEPAY.USER_STATE_CHANGE": "/components/schemas/UserStateChangeResource"}``), for the typed resource of a
  notification. A webhook lacking either, or two webhooks with one event type, stop the generation.

Usage: ``python scripts/spec_extensions.py openapi/offlineface.yaml > wechatpay_extensions.jinja``
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SENSITIVE = "x-wechatpay-sensitive"
IDEMPOTENT = "x-wechatpay-idempotent"
EVENT_TYPE = "x-wechatpay-event-type"
RESOURCE = "x-wechatpay-resource"
SCHEMAS = "#/components/schemas/"


def operations(spec: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each operation of ``paths`` (webhooks are not called by the client), as (operationId, operation)."""
    for path_item in spec.get("paths", {}).values():
        for method in METHODS:
            operation = path_item.get(method)
            if operation is not None:
                yield operation["operationId"], operation


def _resolve(spec: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in node:
        reference = node["$ref"]
        if not reference.startswith("#/"):
            raise ValueError(f"only local references are supported, not {reference!r}")
        target: Any = spec
        for part in reference[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _sensitive_paths(spec: Mapping[str, Any], schema: Mapping[str, Any], prefix: str, seen: frozenset[int]) -> set[str]:
    schema = _resolve(spec, schema)
    if id(schema) in seen:  # a recursive schema: its fields were listed one level up
        return set()
    seen = seen | {id(schema)}
    found: set[str] = set()
    for part in schema.get("allOf", []):
        found |= _sensitive_paths(spec, part, prefix, seen)
    for name, raw_property in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        if raw_property.get(SENSITIVE) is True:
            found.add(path)
        found |= _sensitive_paths(spec, raw_property, path + ".", seen)
    return found


def sensitive_fields(spec: Mapping[str, Any], operation: Mapping[str, Any]) -> tuple[str, ...]:
    """The dotted paths of the operation's JSON body that the client must encrypt, sorted."""
    body = operation.get("requestBody")
    if body is None:
        return ()
    media = _resolve(spec, body).get("content", {}).get("application/json")
    if media is None or "schema" not in media:
        return ()
    return tuple(sorted(_sensitive_paths(spec, media["schema"], "", frozenset())))


def sensitive_properties(spec: Mapping[str, Any]) -> dict[str, list[str]]:
    """The sensitive properties of each component schema (through ``allOf`` too), by ``/components/schemas/NAME``."""
    found: dict[str, list[str]] = {}
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        parts = [schema, *(_resolve(spec, part) for part in schema.get("allOf", []))]
        names = {
            key for part in parts for key, value in part.get("properties", {}).items() if value.get(SENSITIVE) is True
        }
        if names:
            found[f"/components/schemas/{name}"] = sorted(names)
    return found


def webhook_resources(spec: Mapping[str, Any]) -> dict[str, str]:
    """Each webhook's event type and the reference of its decrypted resource's schema, as the generator names it."""
    found: dict[str, str] = {}
    for name, path_item in spec.get("webhooks", {}).items():
        for method in METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            where = f"webhook {name} ({method})"
            event_type, resource = operation.get(EVENT_TYPE), operation.get(RESOURCE)
            if not isinstance(event_type, str) or not event_type:
                raise ValueError(f"{where} needs {EVENT_TYPE}: the event_type its notifications carry")
            reference = resource.get("$ref") if isinstance(resource, Mapping) else None
            if not isinstance(reference, str) or not reference.startswith(SCHEMAS):
                raise ValueError(f"{where} needs {RESOURCE}: {{$ref: '{SCHEMAS}NAME'}}, its decrypted resource")
            try:
                _resolve(spec, resource)
            except KeyError:
                raise ValueError(f"{where}: {RESOURCE} {reference} names no schema") from None
            if event_type in found:
                raise ValueError(f"{where}: event type {event_type} is given by two webhooks")
            found[event_type] = reference[1:]
    return found


def extensions(spec: Mapping[str, Any]) -> dict[str, Any]:
    """What the templates read: by operationId, and the sensitive properties by schema."""
    return {
        "sensitive_fields": {op_id: list(sensitive_fields(spec, op)) for op_id, op in operations(spec)},
        "sensitive_properties": sensitive_properties(spec),
        "idempotent_operations": sorted(op_id for op_id, op in operations(spec) if op.get(IDEMPOTENT) is True),
        "webhook_resources": webhook_resources(spec),
    }


def as_jinja(values: Mapping[str, Any]) -> str:
    """A template that sets each value (JSON literals are Jinja literals), for ``{% from ... import ... %}``."""
    lines = ["{#- Generated by scripts/spec_extensions.py from the OpenAPI document; do not edit. -#}"]
    lines += [f"{{%- set {name} = {json.dumps(value, sort_keys=True)} -%}}" for name, value in values.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    spec = yaml.safe_load(Path(argv[1]).read_text(encoding="utf-8"))
    try:
        values = extensions(spec)
    except ValueError as error:
        print(f"{argv[1]}: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(as_jinja(values))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
