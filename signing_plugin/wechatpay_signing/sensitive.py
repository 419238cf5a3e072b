"""Encrypting the sensitive fields of a JSON request body, named by the request's ``wechatpay.sensitive_fields``.

The generated client marks each operation's sensitive fields (``x-wechatpay-sensitive: true`` in the spec) as a
tuple of dotted JSON paths in that httpx request extension, e.g.
``{"wechatpay.sensitive_fields": ("phone", "limit_bank_card.identification.identification_number")}``.
The auth encrypts the strings found there before it signs the request (see ``WeChatPayAuth``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from .errors import ConfigurationError, SensitiveFieldError

SENSITIVE_FIELDS = "wechatpay.sensitive_fields"
"""The httpx request extension naming the fields to encrypt: a tuple of dotted JSON paths into the body."""
ENCRYPTED = "wechatpay.sensitive_fields_encrypted"
"""Set on the request that carries the ciphertexts, so that nothing encrypts its body a second time."""
_NOT_JSON = object()


def sensitive_paths(extensions: Mapping[str, Any]) -> tuple[str, ...]:
    """The dotted paths a request asks to encrypt; none when it does not ask, or its body is encrypted already."""
    paths = extensions.get(SENSITIVE_FIELDS)
    if not paths or extensions.get(ENCRYPTED):
        return ()
    if isinstance(paths, str) or not all(isinstance(path, str) and path for path in paths):
        raise ConfigurationError(f"the {SENSITIVE_FIELDS} extension must be a tuple of dotted JSON paths")
    return tuple(paths)


def _leaves(node: Any, parts: list[str], path: str) -> list[tuple[dict[str, Any], str]]:
    """The (object, name) of each string present at the path; a list on the way applies the rest to each item."""
    if isinstance(node, list):
        return [leaf for item in node for leaf in _leaves(item, parts, path)]
    if not isinstance(node, dict):
        where = path.rpartition(".")[0] or "the body"
        raise SensitiveFieldError(f"sensitive field {path}: {where} is a JSON {_kind(node)}, not an object")
    name, rest = parts[0], parts[1:]
    value = node.get(name)
    if value is None:
        return []  # absent, or null: nothing to encrypt
    if rest:
        return _leaves(value, rest, path)
    if not isinstance(value, str):
        raise SensitiveFieldError(f"sensitive field {path} must be a string to encrypt, not a JSON {_kind(value)}")
    return [(node, name)]


def _kind(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}.get(
        type(value), "null"
    )


def encrypt_fields(body: bytes, paths: tuple[str, ...], encrypt: Callable[[str], str]) -> bytes | None:
    """The body with each string at the paths replaced by ``encrypt(string)``, or None when none is present.

    The result is compact UTF-8 JSON, written as httpx writes ``json=`` bodies; absent and null fields are left
    out, anything else that is not a string is an error naming the path (never the value).
    """
    if not body:
        return None
    try:
        document = json.loads(body)
    except ValueError:  # it holds the body (JSONDecodeError.doc): raise once it is no longer being handled
        document = _NOT_JSON
    if document is _NOT_JSON:
        raise SensitiveFieldError("a request with sensitive fields must have a JSON body")
    # Keyed by the object itself: a path named twice is still encrypted once.
    found = [(node, name, path) for path in paths for node, name in _leaves(document, path.split("."), path)]
    leaves = {(id(node), name): (node, name, path) for node, name, path in found}
    if not leaves:
        return None
    for node, name, path in leaves.values():
        try:
            node[name] = encrypt(node[name])
        except SensitiveFieldError as error:
            raise SensitiveFieldError(f"sensitive field {path}: {error}") from None
    try:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    except ValueError:
        raise SensitiveFieldError("the JSON body holds NaN or Infinity, which JSON cannot carry") from None
