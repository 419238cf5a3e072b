from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.contract_bank_card_from import ContractBankCardFrom
from ..models.contract_mode import ContractMode
from ..models.contract_state import ContractState
from ..types import UNSET, Unset

T = TypeVar("T", bound="Contract")


@_attrs_define
class Contract:
    """签约信息 (a withholding contract)"""

    contract_id: str
    """ 签约ID (contract ID) """
    mchid: str
    """ 商户号 (merchant ID) """
    organization_id: str
    """ 机构ID (organization ID) """
    contract_state: ContractState | str
    """ 签约状态 (contract state) """
    contract_signed_time: datetime.datetime
    """ 签约时间 (when it was signed), RFC 3339 with offset """
    contract_mode: ContractMode | str
    """ 签约模式 (signing mode) """
    contract_bank_card_from: ContractBankCardFrom | str
    """ 签约卡来源 (where the signed card came from) """
    use_id: str | Unset = UNSET
    """ 刷脸用户ID (WeChat-side face-user ID), as the docs spell it; the docs' own required list says `user_id`,
    as do the SDKs. Both are kept optional here; see `FaceUser.use_id`.
     """
    user_id: str | Unset = UNSET
    """ 刷脸用户ID (WeChat-side face-user ID) under the spelling the SDKs use; see `use_id`. """
    openid: str | Unset = UNSET
    """ 签约用户openid (openid of the user who signed) """
    contract_terminated_time: datetime.datetime | Unset = UNSET
    """ 解约时间 (when it was terminated), RFC 3339 with offset """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        contract_id = self.contract_id

        mchid = self.mchid

        organization_id = self.organization_id

        contract_state: str
        if isinstance(self.contract_state, ContractState):
            contract_state = self.contract_state.value
        else:
            contract_state = self.contract_state

        from wechatpay_offlineface.types import aware_datetime

        contract_signed_time = aware_datetime(self.contract_signed_time).isoformat()

        contract_mode: str
        if isinstance(self.contract_mode, ContractMode):
            contract_mode = self.contract_mode.value
        else:
            contract_mode = self.contract_mode

        contract_bank_card_from: str
        if isinstance(self.contract_bank_card_from, ContractBankCardFrom):
            contract_bank_card_from = self.contract_bank_card_from.value
        else:
            contract_bank_card_from = self.contract_bank_card_from

        use_id = self.use_id

        user_id = self.user_id

        openid = self.openid

        from wechatpay_offlineface.types import aware_datetime

        contract_terminated_time: str | Unset = UNSET
        if not isinstance(self.contract_terminated_time, Unset):
            contract_terminated_time = aware_datetime(self.contract_terminated_time).isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "contract_id": contract_id,
                "mchid": mchid,
                "organization_id": organization_id,
                "contract_state": contract_state,
                "contract_signed_time": contract_signed_time,
                "contract_mode": contract_mode,
                "contract_bank_card_from": contract_bank_card_from,
            }
        )
        if use_id is not UNSET:
            field_dict["use_id"] = use_id
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if openid is not UNSET:
            field_dict["openid"] = openid
        if contract_terminated_time is not UNSET:
            field_dict["contract_terminated_time"] = contract_terminated_time

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        contract_id = d.pop("contract_id")
        if not isinstance(contract_id, str):
            raise TypeError("contract_id must be a string, not " + type(contract_id).__name__)

        mchid = d.pop("mchid")
        if not isinstance(mchid, str):
            raise TypeError("mchid must be a string, not " + type(mchid).__name__)

        organization_id = d.pop("organization_id")
        if not isinstance(organization_id, str):
            raise TypeError("organization_id must be a string, not " + type(organization_id).__name__)

        def _parse_contract_state(data: object) -> ContractState | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                contract_state_type_0 = ContractState(data)

                return contract_state_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            contract_state_type_1 = data
            if not isinstance(contract_state_type_1, str):
                raise TypeError("contract_state_type_1 must be a string, not " + type(contract_state_type_1).__name__)

            return contract_state_type_1

        contract_state = _parse_contract_state(d.pop("contract_state"))

        from wechatpay_offlineface.types import aware_datetime

        contract_signed_time = aware_datetime(datetime.datetime.fromisoformat(d.pop("contract_signed_time")))

        def _parse_contract_mode(data: object) -> ContractMode | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                contract_mode_type_0 = ContractMode(data)

                return contract_mode_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            contract_mode_type_1 = data
            if not isinstance(contract_mode_type_1, str):
                raise TypeError("contract_mode_type_1 must be a string, not " + type(contract_mode_type_1).__name__)

            return contract_mode_type_1

        contract_mode = _parse_contract_mode(d.pop("contract_mode"))

        def _parse_contract_bank_card_from(data: object) -> ContractBankCardFrom | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                contract_bank_card_from_type_0 = ContractBankCardFrom(data)

                return contract_bank_card_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            contract_bank_card_from_type_1 = data
            if not isinstance(contract_bank_card_from_type_1, str):
                raise TypeError(
                    "contract_bank_card_from_type_1 must be a string, not "
                    + type(contract_bank_card_from_type_1).__name__
                )

            return contract_bank_card_from_type_1

        contract_bank_card_from = _parse_contract_bank_card_from(d.pop("contract_bank_card_from"))

        use_id = d.pop("use_id", UNSET)
        if not isinstance(use_id, (str, Unset)):
            raise TypeError("use_id must be a string, not " + type(use_id).__name__)

        user_id = d.pop("user_id", UNSET)
        if not isinstance(user_id, (str, Unset)):
            raise TypeError("user_id must be a string, not " + type(user_id).__name__)

        openid = d.pop("openid", UNSET)
        if not isinstance(openid, (str, Unset)):
            raise TypeError("openid must be a string, not " + type(openid).__name__)

        from wechatpay_offlineface.types import aware_datetime

        _contract_terminated_time = d.pop("contract_terminated_time", UNSET)
        contract_terminated_time: datetime.datetime | Unset
        if isinstance(_contract_terminated_time, Unset):
            contract_terminated_time = UNSET
        else:
            contract_terminated_time = aware_datetime(datetime.datetime.fromisoformat(_contract_terminated_time))

        contract = cls(
            contract_id=contract_id,
            mchid=mchid,
            organization_id=organization_id,
            contract_state=contract_state,
            contract_signed_time=contract_signed_time,
            contract_mode=contract_mode,
            contract_bank_card_from=contract_bank_card_from,
            use_id=use_id,
            user_id=user_id,
            openid=openid,
            contract_terminated_time=contract_terminated_time,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        contract.additional_properties = additional_properties
        return contract

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
