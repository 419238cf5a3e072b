from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.promotion_amount import PromotionAmount


T = TypeVar("T", bound="PromotionDetail")


@_attrs_define
class PromotionDetail:
    """优惠信息 (a promotion); fields from one SDK only"""

    promotion_id: str | Unset = UNSET
    """ 优惠ID (promotion ID) """
    name: str | Unset = UNSET
    """ 优惠名称 (promotion name) """
    amount_info: PromotionAmount | Unset = UNSET
    """ 优惠金额 (a promotion's amount) """
    wxpay_contribute: int | Unset = UNSET
    """ 微信出资 (WeChat-funded part, in fen) """
    merchant_contribute: int | Unset = UNSET
    """ 商户出资 (merchant-funded part, in fen) """
    other_contribute: int | Unset = UNSET
    """ 其他出资 (other-funded part, in fen) """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        promotion_id = self.promotion_id

        name = self.name

        amount_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.amount_info, Unset):
            amount_info = self.amount_info.to_dict()

        wxpay_contribute = self.wxpay_contribute

        merchant_contribute = self.merchant_contribute

        other_contribute = self.other_contribute

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if promotion_id is not UNSET:
            field_dict["promotion_id"] = promotion_id
        if name is not UNSET:
            field_dict["name"] = name
        if amount_info is not UNSET:
            field_dict["amount_info"] = amount_info
        if wxpay_contribute is not UNSET:
            field_dict["wxpay_contribute"] = wxpay_contribute
        if merchant_contribute is not UNSET:
            field_dict["merchant_contribute"] = merchant_contribute
        if other_contribute is not UNSET:
            field_dict["other_contribute"] = other_contribute

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.promotion_amount import PromotionAmount  # noqa: PLC0415

        d = dict(src_dict)
        promotion_id = d.pop("promotion_id", UNSET)
        if not isinstance(promotion_id, (str, Unset)):
            raise TypeError("promotion_id must be a string, not " + type(promotion_id).__name__)

        name = d.pop("name", UNSET)
        if not isinstance(name, (str, Unset)):
            raise TypeError("name must be a string, not " + type(name).__name__)

        _amount_info = d.pop("amount_info", UNSET)
        amount_info: PromotionAmount | Unset
        if isinstance(_amount_info, Unset):
            amount_info = UNSET
        else:
            amount_info = PromotionAmount.from_dict(_amount_info)

        wxpay_contribute = d.pop("wxpay_contribute", UNSET)

        merchant_contribute = d.pop("merchant_contribute", UNSET)

        other_contribute = d.pop("other_contribute", UNSET)

        promotion_detail = cls(
            promotion_id=promotion_id,
            name=name,
            amount_info=amount_info,
            wxpay_contribute=wxpay_contribute,
            merchant_contribute=merchant_contribute,
            other_contribute=other_contribute,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        promotion_detail.additional_properties = additional_properties
        return promotion_detail

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
