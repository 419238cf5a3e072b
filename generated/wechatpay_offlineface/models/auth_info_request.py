from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AuthInfoRequest")


@_attrs_define
class AuthInfoRequest:
    """获取authinfo请求 (an authinfo request)"""

    sp_appid: str
    """ 服务商公众号appid (service provider's appid) """
    sub_mchid: str
    """ 子商户商户号 (sub-merchant ID). Required by the docs; one SDK omits it. """
    device_id: str
    """ 设备id (device ID) """
    raw_data: str
    """ 原始数据 (raw data the device SDK returned, e.g. from getWxpayfaceRawdata). One SDK once sent `rawdata`
    and later fixed it to `raw_data`, as the docs spell it.
     """
    organization_id: str
    """ 机构id (organization ID) """
    sub_appid: str | Unset = UNSET
    """ 子商户公众号appid (sub-merchant's appid) """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sp_appid = self.sp_appid

        sub_mchid = self.sub_mchid

        device_id = self.device_id

        raw_data = self.raw_data

        organization_id = self.organization_id

        sub_appid = self.sub_appid

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sp_appid": sp_appid,
                "sub_mchid": sub_mchid,
                "device_id": device_id,
                "raw_data": raw_data,
                "organization_id": organization_id,
            }
        )
        if sub_appid is not UNSET:
            field_dict["sub_appid"] = sub_appid

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        sp_appid = d.pop("sp_appid")
        if not isinstance(sp_appid, str):
            raise TypeError("sp_appid must be a string, not " + type(sp_appid).__name__)

        sub_mchid = d.pop("sub_mchid")
        if not isinstance(sub_mchid, str):
            raise TypeError("sub_mchid must be a string, not " + type(sub_mchid).__name__)

        device_id = d.pop("device_id")
        if not isinstance(device_id, str):
            raise TypeError("device_id must be a string, not " + type(device_id).__name__)

        raw_data = d.pop("raw_data")
        if not isinstance(raw_data, str):
            raise TypeError("raw_data must be a string, not " + type(raw_data).__name__)

        organization_id = d.pop("organization_id")
        if not isinstance(organization_id, str):
            raise TypeError("organization_id must be a string, not " + type(organization_id).__name__)

        sub_appid = d.pop("sub_appid", UNSET)
        if not isinstance(sub_appid, (str, Unset)):
            raise TypeError("sub_appid must be a string, not " + type(sub_appid).__name__)

        auth_info_request = cls(
            sp_appid=sp_appid,
            sub_mchid=sub_mchid,
            device_id=device_id,
            raw_data=raw_data,
            organization_id=organization_id,
            sub_appid=sub_appid,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        auth_info_request.additional_properties = additional_properties
        return auth_info_request

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
