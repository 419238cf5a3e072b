from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.business_info import BusinessInfo
    from ..models.deduction_amount import DeductionAmount
    from ..models.deduction_scene_info import DeductionSceneInfo
    from ..models.settle_info import SettleInfo


T = TypeVar("T", bound="DeductionRequest")


@_attrs_define
class DeductionRequest:
    """申请扣款请求 (a deduction). The docs require only `auth_code`; one SDK's old code also checked the IDs,
    the amount, the scene, the texts, `out_trade_no` and `business` before sending. Send them: without
    `out_trade_no` the order cannot be queried, and a request without `scene_info` has been seen to fail
    with SYSTEM_ERROR.

    """

    auth_code: str
    """ 支付凭证 (the payment credential the device SDK produced; a long base64-like string) """
    sp_appid: str | Unset = UNSET
    """ 服务商公众号appid (service provider's appid) """
    sp_mchid: str | Unset = UNSET
    """ 服务商商户号 (service-provider merchant ID) """
    sub_appid: str | Unset = UNSET
    """ 子商户公众号appid (sub-merchant's appid) """
    sub_mchid: str | Unset = UNSET
    """ 子商户商户号 (sub-merchant ID, the school) """
    amount: DeductionAmount | Unset = UNSET
    """ 金额信息 (the amount to deduct) """
    scene_info: DeductionSceneInfo | Unset = UNSET
    """ 支付场景信息 (where the payment happens) """
    goods_tag: str | Unset = UNSET
    """ 优惠标记 (promotion tag) """
    description: str | Unset = UNSET
    """ 商品信息 (goods description) """
    attach: str | Unset = UNSET
    """ 商户附加信息 (the merchant's own data, returned as is) """
    settle_info: SettleInfo | Unset = UNSET
    """ 结算信息 (settlement) """
    out_trade_no: str | Unset = UNSET
    """ 商户订单号 (merchant order number) """
    business: BusinessInfo | Unset = UNSET
    """ 业务信息 (the platform product and scene) """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        auth_code = self.auth_code

        sp_appid = self.sp_appid

        sp_mchid = self.sp_mchid

        sub_appid = self.sub_appid

        sub_mchid = self.sub_mchid

        amount: dict[str, Any] | Unset = UNSET
        if not isinstance(self.amount, Unset):
            amount = self.amount.to_dict()

        scene_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.scene_info, Unset):
            scene_info = self.scene_info.to_dict()

        goods_tag = self.goods_tag

        description = self.description

        attach = self.attach

        settle_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.settle_info, Unset):
            settle_info = self.settle_info.to_dict()

        out_trade_no = self.out_trade_no

        business: dict[str, Any] | Unset = UNSET
        if not isinstance(self.business, Unset):
            business = self.business.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "auth_code": auth_code,
            }
        )
        if sp_appid is not UNSET:
            field_dict["sp_appid"] = sp_appid
        if sp_mchid is not UNSET:
            field_dict["sp_mchid"] = sp_mchid
        if sub_appid is not UNSET:
            field_dict["sub_appid"] = sub_appid
        if sub_mchid is not UNSET:
            field_dict["sub_mchid"] = sub_mchid
        if amount is not UNSET:
            field_dict["amount"] = amount
        if scene_info is not UNSET:
            field_dict["scene_info"] = scene_info
        if goods_tag is not UNSET:
            field_dict["goods_tag"] = goods_tag
        if description is not UNSET:
            field_dict["description"] = description
        if attach is not UNSET:
            field_dict["attach"] = attach
        if settle_info is not UNSET:
            field_dict["settle_info"] = settle_info
        if out_trade_no is not UNSET:
            field_dict["out_trade_no"] = out_trade_no
        if business is not UNSET:
            field_dict["business"] = business

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.business_info import BusinessInfo  # noqa: PLC0415
        from ..models.deduction_amount import DeductionAmount  # noqa: PLC0415
        from ..models.deduction_scene_info import DeductionSceneInfo  # noqa: PLC0415
        from ..models.settle_info import SettleInfo  # noqa: PLC0415

        d = dict(src_dict)
        auth_code = d.pop("auth_code")
        if not isinstance(auth_code, str):
            raise TypeError("auth_code must be a string, not " + type(auth_code).__name__)

        sp_appid = d.pop("sp_appid", UNSET)
        if not isinstance(sp_appid, (str, Unset)):
            raise TypeError("sp_appid must be a string, not " + type(sp_appid).__name__)

        sp_mchid = d.pop("sp_mchid", UNSET)
        if not isinstance(sp_mchid, (str, Unset)):
            raise TypeError("sp_mchid must be a string, not " + type(sp_mchid).__name__)

        sub_appid = d.pop("sub_appid", UNSET)
        if not isinstance(sub_appid, (str, Unset)):
            raise TypeError("sub_appid must be a string, not " + type(sub_appid).__name__)

        sub_mchid = d.pop("sub_mchid", UNSET)
        if not isinstance(sub_mchid, (str, Unset)):
            raise TypeError("sub_mchid must be a string, not " + type(sub_mchid).__name__)

        _amount = d.pop("amount", UNSET)
        amount: DeductionAmount | Unset
        if isinstance(_amount, Unset):
            amount = UNSET
        else:
            amount = DeductionAmount.from_dict(_amount)

        _scene_info = d.pop("scene_info", UNSET)
        scene_info: DeductionSceneInfo | Unset
        if isinstance(_scene_info, Unset):
            scene_info = UNSET
        else:
            scene_info = DeductionSceneInfo.from_dict(_scene_info)

        goods_tag = d.pop("goods_tag", UNSET)
        if not isinstance(goods_tag, (str, Unset)):
            raise TypeError("goods_tag must be a string, not " + type(goods_tag).__name__)

        description = d.pop("description", UNSET)
        if not isinstance(description, (str, Unset)):
            raise TypeError("description must be a string, not " + type(description).__name__)

        attach = d.pop("attach", UNSET)
        if not isinstance(attach, (str, Unset)):
            raise TypeError("attach must be a string, not " + type(attach).__name__)

        _settle_info = d.pop("settle_info", UNSET)
        settle_info: SettleInfo | Unset
        if isinstance(_settle_info, Unset):
            settle_info = UNSET
        else:
            settle_info = SettleInfo.from_dict(_settle_info)

        out_trade_no = d.pop("out_trade_no", UNSET)
        if not isinstance(out_trade_no, (str, Unset)):
            raise TypeError("out_trade_no must be a string, not " + type(out_trade_no).__name__)

        _business = d.pop("business", UNSET)
        business: BusinessInfo | Unset
        if isinstance(_business, Unset):
            business = UNSET
        else:
            business = BusinessInfo.from_dict(_business)

        deduction_request = cls(
            auth_code=auth_code,
            sp_appid=sp_appid,
            sp_mchid=sp_mchid,
            sub_appid=sub_appid,
            sub_mchid=sub_mchid,
            amount=amount,
            scene_info=scene_info,
            goods_tag=goods_tag,
            description=description,
            attach=attach,
            settle_info=settle_info,
            out_trade_no=out_trade_no,
            business=business,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        deduction_request.additional_properties = additional_properties
        return deduction_request

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
