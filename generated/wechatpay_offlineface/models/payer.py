from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Payer")


@_attrs_define
class Payer:
    """支付用户信息 (the payer)"""

    sp_openid: str | Unset = UNSET
    """ 公众下的openid (openid under sp_appid) """
    sub_openid: str | Unset = UNSET
    """ 子公众下的openid (openid under sub_appid) """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sp_openid = self.sp_openid

        sub_openid = self.sub_openid

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if sp_openid is not UNSET:
            field_dict["sp_openid"] = sp_openid
        if sub_openid is not UNSET:
            field_dict["sub_openid"] = sub_openid

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        sp_openid = d.pop("sp_openid", UNSET)
        if not isinstance(sp_openid, (str, Unset)):
            raise TypeError("sp_openid must be a string, not " + type(sp_openid).__name__)

        sub_openid = d.pop("sub_openid", UNSET)
        if not isinstance(sub_openid, (str, Unset)):
            raise TypeError("sub_openid must be a string, not " + type(sub_openid).__name__)

        payer = cls(
            sp_openid=sp_openid,
            sub_openid=sub_openid,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        payer.additional_properties = additional_properties
        return payer

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
