from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WebInitData")


@_attrs_define
class WebInitData:
    """小程序/h5鉴权场景初始化数据 (what the mini-program or H5 session is opened for)"""

    out_user_id: str
    """ 商户刷脸用户ID (the merchant's face-user ID) """
    organization_id: str
    """ 机构ID (organization ID) """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out_user_id = self.out_user_id

        organization_id = self.organization_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "out_user_id": out_user_id,
                "organization_id": organization_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        out_user_id = d.pop("out_user_id")
        if not isinstance(out_user_id, str):
            raise TypeError("out_user_id must be a string, not " + type(out_user_id).__name__)

        organization_id = d.pop("organization_id")
        if not isinstance(organization_id, str):
            raise TypeError("organization_id must be a string, not " + type(organization_id).__name__)

        web_init_data = cls(
            out_user_id=out_user_id,
            organization_id=organization_id,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        web_init_data.additional_properties = additional_properties
        return web_init_data

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
