from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RepaymentUrl")


@_attrs_define
class RepaymentUrl:
    """还款链接 (a repayment link)"""

    repayment_url: str
    """ 还款链接 (the link to forward to the repaying WeChat account) """
    expire_at: datetime.datetime
    """ 链接过期时间 (when the link expires), RFC 3339 with offset """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        repayment_url = self.repayment_url

        from wechatpay_offlineface.types import aware_datetime

        expire_at = aware_datetime(self.expire_at).isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "repayment_url": repayment_url,
                "expire_at": expire_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        repayment_url = d.pop("repayment_url")
        if not isinstance(repayment_url, str):
            raise TypeError("repayment_url must be a string, not " + type(repayment_url).__name__)

        from wechatpay_offlineface.types import aware_datetime

        expire_at = aware_datetime(datetime.datetime.fromisoformat(d.pop("expire_at")))

        repayment_url = cls(
            repayment_url=repayment_url,
            expire_at=expire_at,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        repayment_url.additional_properties = additional_properties
        return repayment_url

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
