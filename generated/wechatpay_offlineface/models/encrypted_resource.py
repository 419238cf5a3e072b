from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EncryptedResource")


@_attrs_define
class EncryptedResource:
    """通知数据 (the encrypted resource of a notification)"""

    original_type: str
    """ 原始回调类型 (original type), `facepay`. Required since the docs' 2026-04 revision, optional before.
     """
    algorithm: str
    """ 加密算法类型 (encryption algorithm), `AEAD_AES_256_GCM` """
    associated_data: str
    """ 附加数据 (AAD for the decryption; may be empty) """
    nonce: str
    """ 随机串 (the GCM nonce) """
    ciphertext: str
    """ 数据密文 (base64 ciphertext with the 16-byte GCM tag, under the APIv3 key) """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        original_type = self.original_type

        algorithm = self.algorithm

        associated_data = self.associated_data

        nonce = self.nonce

        ciphertext = self.ciphertext

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "original_type": original_type,
                "algorithm": algorithm,
                "associated_data": associated_data,
                "nonce": nonce,
                "ciphertext": ciphertext,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        original_type = d.pop("original_type")
        if not isinstance(original_type, str):
            raise TypeError("original_type must be a string, not " + type(original_type).__name__)

        algorithm = d.pop("algorithm")
        if not isinstance(algorithm, str):
            raise TypeError("algorithm must be a string, not " + type(algorithm).__name__)

        associated_data = d.pop("associated_data")
        if not isinstance(associated_data, str):
            raise TypeError("associated_data must be a string, not " + type(associated_data).__name__)

        nonce = d.pop("nonce")
        if not isinstance(nonce, str):
            raise TypeError("nonce must be a string, not " + type(nonce).__name__)

        ciphertext = d.pop("ciphertext")
        if not isinstance(ciphertext, str):
            raise TypeError("ciphertext must be a string, not " + type(ciphertext).__name__)

        encrypted_resource = cls(
            original_type=original_type,
            algorithm=algorithm,
            associated_data=associated_data,
            nonce=nonce,
            ciphertext=ciphertext,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        encrypted_resource.additional_properties = additional_properties
        return encrypted_resource

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
