from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UserStateChangeResource")


@_attrs_define
class UserStateChangeResource:
    """用户签约状态变更 (the decrypted `resource.ciphertext` of a `FACEPAY.USER_STATE_CHANGE` notification)."""

    user_id: str
    """ 微信刷脸用户ID (WeChat-side face-user ID) """
    out_user_id: str
    """ 商户刷脸用户ID (the merchant's face-user ID) """
    organization_id: str
    """ 机构编号 (organization ID) """
    mch_id: str
    """ 商户号 (merchant ID) """
    notify_create_time: str
    """ 通知创建时间 (when the notification was created; the docs give no format, so a plain string) """
    appid: str
    """ 微信appid (WeChat appid) """
    openid: str
    """ 用户openid (the user's openid) """
    contract_id: str | Unset = UNSET
    """ 签约ID (contract ID). Only the docs' notification page lists it; one SDK's decrypted struct lacks it,
    so it is optional here.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        out_user_id = self.out_user_id

        organization_id = self.organization_id

        mch_id = self.mch_id

        notify_create_time = self.notify_create_time

        appid = self.appid

        openid = self.openid

        contract_id = self.contract_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user_id": user_id,
                "out_user_id": out_user_id,
                "organization_id": organization_id,
                "mch_id": mch_id,
                "notify_create_time": notify_create_time,
                "appid": appid,
                "openid": openid,
            }
        )
        if contract_id is not UNSET:
            field_dict["contract_id"] = contract_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("user_id")
        if not isinstance(user_id, str):
            raise TypeError("user_id must be a string, not " + type(user_id).__name__)

        out_user_id = d.pop("out_user_id")
        if not isinstance(out_user_id, str):
            raise TypeError("out_user_id must be a string, not " + type(out_user_id).__name__)

        organization_id = d.pop("organization_id")
        if not isinstance(organization_id, str):
            raise TypeError("organization_id must be a string, not " + type(organization_id).__name__)

        mch_id = d.pop("mch_id")
        if not isinstance(mch_id, str):
            raise TypeError("mch_id must be a string, not " + type(mch_id).__name__)

        notify_create_time = d.pop("notify_create_time")
        if not isinstance(notify_create_time, str):
            raise TypeError("notify_create_time must be a string, not " + type(notify_create_time).__name__)

        appid = d.pop("appid")
        if not isinstance(appid, str):
            raise TypeError("appid must be a string, not " + type(appid).__name__)

        openid = d.pop("openid")
        if not isinstance(openid, str):
            raise TypeError("openid must be a string, not " + type(openid).__name__)

        contract_id = d.pop("contract_id", UNSET)
        if not isinstance(contract_id, (str, Unset)):
            raise TypeError("contract_id must be a string, not " + type(contract_id).__name__)

        user_state_change_resource = cls(
            user_id=user_id,
            out_user_id=out_user_id,
            organization_id=organization_id,
            mch_id=mch_id,
            notify_create_time=notify_create_time,
            appid=appid,
            openid=openid,
            contract_id=contract_id,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        user_state_change_resource.additional_properties = additional_properties
        return user_state_change_resource

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
