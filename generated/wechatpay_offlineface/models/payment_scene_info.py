from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PaymentSceneInfo")


@_attrs_define
class PaymentSceneInfo:
    """支付场景信息 (where the payment happened)"""

    device_ip: str | Unset = UNSET
    """ 设备IP (the device's IP address) """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        device_ip = self.device_ip

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if device_ip is not UNSET:
            field_dict["device_ip"] = device_ip

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        device_ip = d.pop("device_ip", UNSET)
        if not isinstance(device_ip, (str, Unset)):
            raise TypeError("device_ip must be a string, not " + type(device_ip).__name__)

        payment_scene_info = cls(
            device_ip=device_ip,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        payment_scene_info.additional_properties = additional_properties
        return payment_scene_info

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
