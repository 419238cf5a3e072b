from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.debt_state import DebtState
from ..models.trade_type import TradeType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.paid_amount import PaidAmount
    from ..models.payer import Payer
    from ..models.payment_scene_info import PaymentSceneInfo
    from ..models.promotion_detail import PromotionDetail


T = TypeVar("T", bound="Deduction")


@_attrs_define
class Deduction:
    """扣款结果 (a deduction, as the deduction and the query answer it)"""

    sp_appid: str
    """ 服务商公众号appid (service provider's appid) """
    sp_mchid: str
    """ 服务商商户号 (service-provider merchant ID) """
    sub_mchid: str
    """ 子商户商户号 (sub-merchant ID, the school) """
    sub_appid: str | Unset = UNSET
    """ 子商户公众号appid (sub-merchant's appid) """
    payer: Payer | Unset = UNSET
    """ 支付用户信息 (the payer) """
    amount: PaidAmount | Unset = UNSET
    """ 金额信息 (the amounts) """
    promotion_detail: list[PromotionDetail] | Unset = UNSET
    """ 优惠信息列表 (promotions). The docs give the items no fields; those below come from one SDK only, and an
    item keeps whatever else it holds.
     """
    scene_info: PaymentSceneInfo | Unset = UNSET
    """ 支付场景信息 (where the payment happened) """
    bank_type: str | Unset = UNSET
    """ 付款银行 (paying bank type) """
    trade_type: str | TradeType | Unset = UNSET
    """ 交易类型 (trade type); this product uses `AUTH` (行业代扣, industry withholding) """
    trade_state: str | Unset = UNSET
    """ 交易状态 (trade state). No source lists the values (APIv3's usual ones are SUCCESS, NOTPAY, CLOSED,
    USERPAYING, PAYERROR...); `error_type` comes with `PAYERROR`. Kept as a plain string.
     """
    trade_state_description: str | Unset = UNSET
    """ 交易描述 (trade state description) """
    debt_state: DebtState | str | Unset = UNSET
    """ 欠款状态 (debt state, i.e. whether WeChat Pay advanced the money) """
    description: str | Unset = UNSET
    """ 商品信息 (goods description) """
    attach: str | Unset = UNSET
    """ 商户附加信息 (the merchant's own data) """
    success_time: datetime.datetime | Unset = UNSET
    """ 支付成功时间 (when the payment succeeded), RFC 3339 with offset """
    transaction_id: str | Unset = UNSET
    """ 微信订单号 (WeChat Pay order number) """
    repayment_transaction_id: str | Unset = UNSET
    """ 还款微信订单号 (WeChat Pay order number of the repayment of an advanced order) """
    out_trade_no: str | Unset = UNSET
    """ 商户订单号 (merchant order number) """
    error_type: str | Unset = UNSET
    """ 错误分类 (error category), with `trade_state` PAYERROR; one SDK reads `NOT_ENOUGH` / `NOTENOUGH` as an
    insufficient balance. No source lists the values, so a plain string.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sp_appid = self.sp_appid

        sp_mchid = self.sp_mchid

        sub_mchid = self.sub_mchid

        sub_appid = self.sub_appid

        payer: dict[str, Any] | Unset = UNSET
        if not isinstance(self.payer, Unset):
            payer = self.payer.to_dict()

        amount: dict[str, Any] | Unset = UNSET
        if not isinstance(self.amount, Unset):
            amount = self.amount.to_dict()

        promotion_detail: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.promotion_detail, Unset):
            promotion_detail = []
            for promotion_detail_item_data in self.promotion_detail:
                promotion_detail_item = promotion_detail_item_data.to_dict()
                promotion_detail.append(promotion_detail_item)

        scene_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.scene_info, Unset):
            scene_info = self.scene_info.to_dict()

        bank_type = self.bank_type

        trade_type: str | Unset
        if isinstance(self.trade_type, Unset):
            trade_type = UNSET
        elif isinstance(self.trade_type, TradeType):
            trade_type = self.trade_type.value
        else:
            trade_type = self.trade_type

        trade_state = self.trade_state

        trade_state_description = self.trade_state_description

        debt_state: str | Unset
        if isinstance(self.debt_state, Unset):
            debt_state = UNSET
        elif isinstance(self.debt_state, DebtState):
            debt_state = self.debt_state.value
        else:
            debt_state = self.debt_state

        description = self.description

        attach = self.attach

        from wechatpay_offlineface.types import aware_datetime

        success_time: str | Unset = UNSET
        if not isinstance(self.success_time, Unset):
            success_time = aware_datetime(self.success_time).isoformat()

        transaction_id = self.transaction_id

        repayment_transaction_id = self.repayment_transaction_id

        out_trade_no = self.out_trade_no

        error_type = self.error_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sp_appid": sp_appid,
                "sp_mchid": sp_mchid,
                "sub_mchid": sub_mchid,
            }
        )
        if sub_appid is not UNSET:
            field_dict["sub_appid"] = sub_appid
        if payer is not UNSET:
            field_dict["payer"] = payer
        if amount is not UNSET:
            field_dict["amount"] = amount
        if promotion_detail is not UNSET:
            field_dict["promotion_detail"] = promotion_detail
        if scene_info is not UNSET:
            field_dict["scene_info"] = scene_info
        if bank_type is not UNSET:
            field_dict["bank_type"] = bank_type
        if trade_type is not UNSET:
            field_dict["trade_type"] = trade_type
        if trade_state is not UNSET:
            field_dict["trade_state"] = trade_state
        if trade_state_description is not UNSET:
            field_dict["trade_state_description"] = trade_state_description
        if debt_state is not UNSET:
            field_dict["debt_state"] = debt_state
        if description is not UNSET:
            field_dict["description"] = description
        if attach is not UNSET:
            field_dict["attach"] = attach
        if success_time is not UNSET:
            field_dict["success_time"] = success_time
        if transaction_id is not UNSET:
            field_dict["transaction_id"] = transaction_id
        if repayment_transaction_id is not UNSET:
            field_dict["repayment_transaction_id"] = repayment_transaction_id
        if out_trade_no is not UNSET:
            field_dict["out_trade_no"] = out_trade_no
        if error_type is not UNSET:
            field_dict["error_type"] = error_type

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.paid_amount import PaidAmount  # noqa: PLC0415
        from ..models.payer import Payer  # noqa: PLC0415
        from ..models.payment_scene_info import PaymentSceneInfo  # noqa: PLC0415
        from ..models.promotion_detail import PromotionDetail  # noqa: PLC0415

        d = dict(src_dict)
        sp_appid = d.pop("sp_appid")
        if not isinstance(sp_appid, str):
            raise TypeError("sp_appid must be a string, not " + type(sp_appid).__name__)

        sp_mchid = d.pop("sp_mchid")
        if not isinstance(sp_mchid, str):
            raise TypeError("sp_mchid must be a string, not " + type(sp_mchid).__name__)

        sub_mchid = d.pop("sub_mchid")
        if not isinstance(sub_mchid, str):
            raise TypeError("sub_mchid must be a string, not " + type(sub_mchid).__name__)

        sub_appid = d.pop("sub_appid", UNSET)
        if not isinstance(sub_appid, (str, Unset)):
            raise TypeError("sub_appid must be a string, not " + type(sub_appid).__name__)

        _payer = d.pop("payer", UNSET)
        payer: Payer | Unset
        if isinstance(_payer, Unset):
            payer = UNSET
        else:
            payer = Payer.from_dict(_payer)

        _amount = d.pop("amount", UNSET)
        amount: PaidAmount | Unset
        if isinstance(_amount, Unset):
            amount = UNSET
        else:
            amount = PaidAmount.from_dict(_amount)

        _promotion_detail = d.pop("promotion_detail", UNSET)
        promotion_detail: list[PromotionDetail] | Unset = UNSET
        if _promotion_detail is not UNSET:
            promotion_detail = []
            for promotion_detail_item_data in _promotion_detail:
                promotion_detail_item = PromotionDetail.from_dict(promotion_detail_item_data)

                promotion_detail.append(promotion_detail_item)

        _scene_info = d.pop("scene_info", UNSET)
        scene_info: PaymentSceneInfo | Unset
        if isinstance(_scene_info, Unset):
            scene_info = UNSET
        else:
            scene_info = PaymentSceneInfo.from_dict(_scene_info)

        bank_type = d.pop("bank_type", UNSET)
        if not isinstance(bank_type, (str, Unset)):
            raise TypeError("bank_type must be a string, not " + type(bank_type).__name__)

        def _parse_trade_type(data: object) -> str | TradeType | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                trade_type_type_0 = TradeType(data)

                return trade_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            trade_type_type_1 = data
            if not isinstance(trade_type_type_1, str):
                raise TypeError("trade_type_type_1 must be a string, not " + type(trade_type_type_1).__name__)

            return trade_type_type_1

        trade_type = _parse_trade_type(d.pop("trade_type", UNSET))

        trade_state = d.pop("trade_state", UNSET)
        if not isinstance(trade_state, (str, Unset)):
            raise TypeError("trade_state must be a string, not " + type(trade_state).__name__)

        trade_state_description = d.pop("trade_state_description", UNSET)
        if not isinstance(trade_state_description, (str, Unset)):
            raise TypeError("trade_state_description must be a string, not " + type(trade_state_description).__name__)

        def _parse_debt_state(data: object) -> DebtState | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                debt_state_type_0 = DebtState(data)

                return debt_state_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            debt_state_type_1 = data
            if not isinstance(debt_state_type_1, str):
                raise TypeError("debt_state_type_1 must be a string, not " + type(debt_state_type_1).__name__)

            return debt_state_type_1

        debt_state = _parse_debt_state(d.pop("debt_state", UNSET))

        description = d.pop("description", UNSET)
        if not isinstance(description, (str, Unset)):
            raise TypeError("description must be a string, not " + type(description).__name__)

        attach = d.pop("attach", UNSET)
        if not isinstance(attach, (str, Unset)):
            raise TypeError("attach must be a string, not " + type(attach).__name__)

        from wechatpay_offlineface.types import aware_datetime

        _success_time = d.pop("success_time", UNSET)
        success_time: datetime.datetime | Unset
        if isinstance(_success_time, Unset):
            success_time = UNSET
        else:
            success_time = aware_datetime(datetime.datetime.fromisoformat(_success_time))

        transaction_id = d.pop("transaction_id", UNSET)
        if not isinstance(transaction_id, (str, Unset)):
            raise TypeError("transaction_id must be a string, not " + type(transaction_id).__name__)

        repayment_transaction_id = d.pop("repayment_transaction_id", UNSET)
        if not isinstance(repayment_transaction_id, (str, Unset)):
            raise TypeError("repayment_transaction_id must be a string, not " + type(repayment_transaction_id).__name__)

        out_trade_no = d.pop("out_trade_no", UNSET)
        if not isinstance(out_trade_no, (str, Unset)):
            raise TypeError("out_trade_no must be a string, not " + type(out_trade_no).__name__)

        error_type = d.pop("error_type", UNSET)
        if not isinstance(error_type, (str, Unset)):
            raise TypeError("error_type must be a string, not " + type(error_type).__name__)

        deduction = cls(
            sp_appid=sp_appid,
            sp_mchid=sp_mchid,
            sub_mchid=sub_mchid,
            sub_appid=sub_appid,
            payer=payer,
            amount=amount,
            promotion_detail=promotion_detail,
            scene_info=scene_info,
            bank_type=bank_type,
            trade_type=trade_type,
            trade_state=trade_state,
            trade_state_description=trade_state_description,
            debt_state=debt_state,
            description=description,
            attach=attach,
            success_time=success_time,
            transaction_id=transaction_id,
            repayment_transaction_id=repayment_transaction_id,
            out_trade_no=out_trade_no,
            error_type=error_type,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        deduction.additional_properties = additional_properties
        return deduction

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
